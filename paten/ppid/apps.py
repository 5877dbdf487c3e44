from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PpidConfig(AppConfig):
    name = "paten.ppid"
    label = "ppid"
    verbose_name = _("Public information (PPID)")

    def ready(self):
        from . import permissions, signals

        signals.connect()
        permissions.policies_register()
