from django.db.models import QuerySet

from .models import AuditEvent


def audit_event_list_for_user(*, user) -> QuerySet[AuditEvent]:
    """Audit events ``user`` may see, through the one scoping selector.

    Kecamatan users see the events of their kecamatan only; events without a
    kecamatan (pemda-wide events) are visible to pemda-wide users only.
    """
    from paten.accounts.selectors import kecamatan_scope_for

    scope = kecamatan_scope_for(user)
    queryset = AuditEvent.objects.select_related("kecamatan", "target_content_type")
    return scope.filter(queryset, field="kecamatan")
