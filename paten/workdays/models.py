"""Local changes to the national working-day calendar.

The national holidays and cuti bersama come from the ``holidays`` package
(paten.workdays.calendar); these tables hold what the package cannot know: regional
holidays, late SKB revisions, and whether a pemda works on cuti bersama.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from paten.regions.constants import RegionLevel


class CalendarOverride(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kabupaten_kota = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        limit_choices_to={"level": RegionLevel.KABUPATEN_KOTA},
        related_name="+",
        help_text=_("Leave empty to apply it to the whole installation."),
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(
        _("is a working day"),
        default=False,
        help_text=_(
            "Unticked: a local holiday or extra day off. Ticked: a day worked despite "
            "the national calendar (e.g. a cuti bersama the pemda works)."
        ),
    )
    name = models.CharField(_("name or reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten_kota", "date"], name="workdays_override_unique_region_date"
            ),
            # A NULL kabupaten/kota is distinct from every other NULL in a plain
            # unique constraint, so installation-wide rows need their own.
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(kabupaten_kota__isnull=True),
                name="workdays_override_unique_installation_date",
                violation_error_message=_(
                    "There is already an installation-wide override for this date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarSettings(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kabupaten_kota = models.OneToOneField(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.CASCADE,
        limit_choices_to={"level": RegionLevel.KABUPATEN_KOTA},
        related_name="+",
    )
    # Cuti bersama is deducted from ASN annual leave and offices may
    # keep minimal service; whether it counts for service times is a design decision,
    # so it is a non-working day unless the pemda says otherwise here
    # (docs/domain/working-days.md#holidays-and-cuti-bersama).
    cuti_bersama_is_working_day = models.BooleanField(
        _("cuti bersama are working days"),
        default=False,
        help_text=_("Tick if this kabupaten/kota counts cuti bersama as working days."),
    )

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")

    def __str__(self) -> str:
        return str(self.kabupaten_kota)
