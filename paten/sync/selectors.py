"""Reads for the sync pages and the pemda dashboard."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .constants import InstallationRole, PeerStatus
from .models import Peer


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


def days_since_sync(*, kecamatan: str, on: date) -> int | None:
    """For the evaluation: days from the newest data received from the kecamatan's
    active instance to ``on``; None when the kecamatan is not offline."""
    peer = Peer.objects.filter(
        role=InstallationRole.INSTANCE, status=PeerStatus.ACTIVE, kecamatan_id=kecamatan
    ).first()
    if peer is None:
        return None
    return days_outstanding(peer, today=on)
