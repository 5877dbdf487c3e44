from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatenConfig(AppConfig):
    name = "paten"
    verbose_name = _("PATEN platform")
