from django.db import models
from django.utils.translation import gettext_lazy as _


class DurationUnit(models.TextChoices):
    """Units of a service time (standar pelayanan); the service catalog reuses them."""

    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


# The holidays package categories: "public" = libur nasional, "government" = cuti
# bersama (SKB 3 Menteri; docs/domain/working-days.md#holidays-and-cuti-bersama).
HOLIDAY_CATEGORY_PUBLIC = "public"
HOLIDAY_CATEGORY_CUTI_BERSAMA = "government"
