"""Reads for the sync pages and the pemda dashboard."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from .constants import BundleStatus, Direction, InstallationRole, PeerStatus
from .models import BundleLog, Peer


@dataclass(frozen=True)
class InstanceRow:
    peer: Peer
    last_claimed_at: datetime | None
    last_received_at: datetime | None
    days_outstanding: int | None

    @property
    def is_active(self) -> bool:
        return self.peer.status == PeerStatus.ACTIVE


def days_outstanding(peer: Peer, today: date | None = None) -> int | None:
    """Days of the kecamatan's data the central has not seen: from the newest data it
    received (the last bundle's own date, or the enrolment) to today."""
    if peer.status != PeerStatus.ACTIVE:
        return None
    since = peer.last_claimed_at or peer.enrolled_at
    if since is None:
        return None
    today = today or timezone.localdate()
    return max(0, (today - timezone.localdate(since)).days)


def instance_rows() -> list[InstanceRow]:
    peers = Peer.objects.filter(role=InstallationRole.INSTANCE).select_related("kecamatan")
    return [
        InstanceRow(
            peer=peer,
            last_claimed_at=peer.last_claimed_at,
            last_received_at=peer.last_received_at,
            days_outstanding=days_outstanding(peer),
        )
        for peer in peers.order_by("status", "kecamatan__name", "-enrolled_at")
    ]


def days_since_sync(code: str, start: date, end: date) -> tuple[Decimal, dict]:
    """The evaluation metric *days since the last sync* (``Metric.DAYS_SINCE_SYNC``) of a
    kecamatan for the period ``start``–``end``: when an offline instance serves it at the
    end of the period, the days from the newest data the central had received from it by
    then (the making date of its newest imported bundle made before the period ended, or
    the enrolment) to the period's last day; 0 when the central serves it (its data is
    current there). Returned as ``(value, inputs)`` like every metric."""
    from reporting.common.periods import local_day_bounds

    _first, after_end = local_day_bounds(start, end)
    peer = (
        Peer.objects.filter(
            role=InstallationRole.INSTANCE, kecamatan_id=code, enrolled_at__lt=after_end
        )
        .exclude(revoked_at__lt=after_end)
        .exclude(returned_at__lt=after_end)
        .order_by("-enrolled_at")
        .first()
    )
    inputs = {"luring": peer is not None, "akhir_periode": end.isoformat()}
    if peer is None:
        return Decimal(0), {**inputs, "data_terbaru": None, "hari": 0}
    newest = BundleLog.objects.filter(
        peer=peer,
        direction=Direction.IN,
        status=BundleStatus.APPLIED,
        claimed_at__lt=after_end,
    ).aggregate(newest=Max("claimed_at"))["newest"]
    since = timezone.localdate(newest or peer.enrolled_at)
    days = max(0, (end - since).days)
    return Decimal(days), {**inputs, "data_terbaru": since.isoformat(), "hari": days}
