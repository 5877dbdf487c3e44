"""Reads of the audit log: the scoped event listing and the per-chain summaries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from paten.regions.models import Region

from .models import (
    CHAIN_KECAMATAN,
    CHAIN_PEMDA,
    AuditChain,
    AuditCheckpoint,
    AuditEvent,
    AuditSettings,
)


def audit_event_list_for_user(*, user) -> QuerySet[AuditEvent]:
    """Audit events ``user`` may see, through the one scoping selector.

    Kecamatan users see the events of their kecamatan only; events without a
    kecamatan (pemda-wide events) are visible to pemda-wide users only.
    """
    from paten.accounts.selectors import kecamatan_scope_for

    scope = kecamatan_scope_for(user)
    queryset = AuditEvent.objects.select_related("kecamatan", "target_content_type")
    return scope.filter(queryset, field="kecamatan")


@dataclass(frozen=True)
class ChainSummary:
    id: str
    label: str
    sealed_size: int
    sealed_at: datetime | None
    head_hash: str
    checkpoint_size: int | None
    checkpoint_at: datetime | None
    unsealed: int
    stale: int

    @property
    def alarm(self) -> bool:
        return self.stale > 0


def _label(chain_id: str, names: dict[str, str]) -> str:
    from django.utils.translation import gettext

    kind, _sep, value = chain_id.partition(":")
    if chain_id == CHAIN_PEMDA:
        return gettext("Pemda-wide")
    if kind == CHAIN_KECAMATAN:
        return gettext("Kecamatan %(name)s") % {"name": names.get(value, value)}
    return chain_id


def _visible_chain_ids(user) -> set[str] | None:
    """None: every chain (pemda-wide users); else the chains of the user's kecamatan."""
    if user is None:
        return None
    from paten.accounts.selectors import kecamatan_scope_for

    scope = kecamatan_scope_for(user)
    if scope.is_pemda_wide:
        return None
    return {f"{CHAIN_KECAMATAN}:{code}" for code in scope.codes}


def audit_chain_summaries(*, user=None) -> list[ChainSummary]:
    """Each chain's sealed size, last checkpoint and alarm (events unsealed longer than
    the admin's bound); scoped like the event listing when ``user`` is given."""
    visible = _visible_chain_ids(user)
    bound = timezone.now() - timedelta(minutes=AuditSettings.load().unsealed_alarm_minutes)
    unsealed = (
        AuditEvent.objects.filter(sequence__isnull=True)
        .order_by()
        .values("chain")
        .annotate(n=Count("id"), stale=Count("id", filter=Q(timestamp__lt=bound)))
    )
    if visible is not None:
        unsealed = unsealed.filter(chain__in=visible)
    pending = {row["chain"]: (row["n"], row["stale"]) for row in unsealed}
    chains = AuditChain.objects.all()
    if visible is not None:
        chains = chains.filter(pk__in=visible)
    rows = {chain.id: chain for chain in chains}
    last = (
        AuditCheckpoint.objects.filter(chain__in=list(rows))
        .values("chain")
        .annotate(at=Max("created_at"), size=Max("size"))
    )
    checkpoints = {row["chain"]: (row["size"], row["at"]) for row in last}
    codes = [cid.partition(":")[2] for cid in {*rows, *pending} if cid.startswith("kecamatan:")]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    summaries = []
    for chain_id in sorted({*rows, *pending}):
        row = rows.get(chain_id)
        size, at = checkpoints.get(chain_id, (None, None))
        count, stale = pending.get(chain_id, (0, 0))
        summaries.append(
            ChainSummary(
                id=chain_id,
                label=_label(chain_id, names),
                sealed_size=row.sealed_size if row else 0,
                sealed_at=row.sealed_at if row else None,
                head_hash=row.head_hash if row else "",
                checkpoint_size=size,
                checkpoint_at=at,
                unsealed=count,
                stale=stale,
            )
        )
    return summaries


def audit_checkpoints_of(chain_id: str, *, limit: int | None = None) -> QuerySet[AuditCheckpoint]:
    queryset = AuditCheckpoint.objects.filter(chain_id=chain_id).order_by("-created_at", "-pk")
    return queryset[:limit] if limit else queryset
