from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "paten.sync"
    label = "sync"
    verbose_name = _("Offline sync")

    def ready(self):
        from . import signals

        signals.connect()
