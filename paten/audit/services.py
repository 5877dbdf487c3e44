"""Writing to and checking the audit chain."""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paten.regions.constants import RegionLevel, level_for
from paten.regions.models import Region

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


class VerifyReason(models.TextChoices):
    HASH_MISMATCH = "hash_mismatch", _("hash mismatch")
    BROKEN_LINK = "broken_link", _("broken link")
    SEQUENCE_GAP = "sequence_gap", _("sequence gap")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    sequence: int | None = None
    event_id: str | None = None
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def _kecamatan_code(kecamatan: Region | str | None) -> str | None:
    if kecamatan is None or kecamatan == "":
        return None
    code = kecamatan.code if isinstance(kecamatan, Region) else str(kecamatan)
    if level_for(code) != RegionLevel.KECAMATAN:
        raise ValueError(f"audit_record: {code!r} is not a kecamatan code")
    return code


def _lock_head() -> AuditChainHead:
    # The head row is created by the first append (and again after a test flush); a
    # conflicting concurrent insert is ignored, then everyone waits on the same lock.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(
                pk=1,
                sequence=last["sequence"] if last else 0,
                hash=last["hash"] if last else GENESIS_HASH,
            )
        ],
        ignore_conflicts=True,
    )
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    kecamatan: Region | str | None = None,
    payload: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit chain and return it.

    Appends are serialised: the chain head row is locked (``SELECT … FOR UPDATE``)
    until the surrounding transaction commits, so concurrent requests always produce
    one valid chain with contiguous sequences. Call it inside the transaction of the
    change being audited: if that transaction rolls back, so does the event.

    ``actor`` is a user or None (system); an anonymous user counts as None.
    ``kecamatan`` is a kecamatan ``Region`` or its code; pemda-wide events have none
    and are shown only to pemda-wide users. ``payload`` must be JSON-serialisable
    with ``DjangoJSONEncoder`` (dates, decimals and UUIDs become strings).
    """
    if not action or len(action) > 64:
        raise ValueError("audit_record: action must be a non-empty string of at most 64 chars")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # Round-trip through JSON so that the stored payload is exactly what is hashed.
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder, allow_nan=False))
    event = AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        kecamatan_id=_kecamatan_code(kecamatan),
        payload=payload,
    )
    if target is not None:
        event.target_content_type = ContentType.objects.get_for_model(target)
        event.target_object_id = str(target.pk)

    with transaction.atomic():
        head = _lock_head()
        event.sequence = head.sequence + 1
        event.prev_hash = head.hash
        event.timestamp = timezone.now()
        event.hash = event.compute_hash()
        event.save()
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in sequence order and recompute every hash and link.

    Memory stays constant (a server-side cursor on PostgreSQL, chunked reads
    elsewhere). Returns ``ok`` with the number of events, or the first bad event with
    the reason: ``sequence_gap`` (sequences must be 1, 2, 3, …), ``broken_link``
    (``prev_hash`` differs from the previous event's hash) or ``hash_mismatch`` (the
    event's content no longer matches its hash).
    """
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    count = 0
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    for event in events:
        reason = None
        if event.sequence != expected_sequence:
            reason = VerifyReason.SEQUENCE_GAP
        elif event.prev_hash != prev_hash:
            reason = VerifyReason.BROKEN_LINK
        elif event.compute_hash() != event.hash:
            reason = VerifyReason.HASH_MISMATCH
        if reason is not None:
            return VerifyResult(
                ok=False,
                count=count,
                sequence=event.sequence,
                event_id=str(event.pk),
                reason=reason.value,
            )
        count += 1
        expected_sequence += 1
        prev_hash = event.hash
    return VerifyResult(ok=True, count=count)
