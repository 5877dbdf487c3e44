from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "paten.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from . import keys, triggers

        post_migrate.connect(keys.create_key_after_migrate, sender=self, dispatch_uid="audit_key")

        connection_created.connect(
            triggers.let_sqlite_flush_bypass_triggers, dispatch_uid="audit_sqlite_flush"
        )
