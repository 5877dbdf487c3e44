from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceCatalogConfig(AppConfig):
    name = "service_catalog"
    verbose_name = _("Service catalog")

    def ready(self):
        from . import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()
