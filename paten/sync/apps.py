from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "paten.sync"
    label = "sync"
    verbose_name = _("Offline sync")

    def ready(self):
        from paten.audit.services import audit_chain_router_set
        from reporting.evaluation.metrics import metric_register
        from reporting.models import Metric

        from . import identity, selectors, signals

        signals.connect()
        audit_chain_router_set(identity.audit_chain_for)
        metric_register(Metric.DAYS_SINCE_SYNC, selectors.days_since_sync)
