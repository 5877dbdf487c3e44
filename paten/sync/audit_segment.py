"""The instance's audit chain in its up bundles, and the central's check of it (docs/sync.md §7).

At an enrolled instance every audit event goes into the chain ``instance:<id>``
(``identity.audit_chain_for``). Each up bundle carries that chain's sealed events after
what was sent before (after what the central acknowledged, for a resend) as the records
member ``audit.auditevent`` — one ``audit_export`` line per event: the hashed document,
``prev_hash`` and ``hash`` — and, in the signed manifest, ``audit {chain, from, to,
head, checkpoint}``. The checkpoint is a C2SP tlog-checkpoint note of ``(to, head)``
signed by the instance's sync key, the one the central certified at enrolment; the
central keeps the last one it accepted, so it can show what the instance itself signed.

The central accepts the segment only if it *extends* what it accepted before: it
starts at or before the accepted size, every event it repeats has the hash accepted
then, the first new event links to the accepted head, every hash recomputes, and the
chain ends at the signed checkpoint. A history rewritten after a sync (even with every
later hash recomputed) or truncated below the accepted size is refused
(``audit_rewritten``) and, since the whole bundle is one transaction, nothing of the
bundle is imported.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from paten.audit.models import GENESIS_HASH, AuditChain, AuditEvent
from paten.audit.services import audit_chain_head, audit_chain_lines, audit_seal
from paten.audit.verify_export import (
    CANONICAL_KEYS,
    CheckpointError,
    VerifierKey,
    checkpoint_parse,
    checkpoint_text,
    event_hash,
    key_id,
    sign_note,
)

from . import codec, keys
from .constants import AnomalyKind, Refusal
from .container import BundleRefused

if TYPE_CHECKING:
    from .container import BundleWriter
    from .models import BundleLog, Peer

LABEL = "audit.auditevent"


def key_name(instance_id) -> str:
    """The name of an instance's key in its signed checkpoints (no spaces, no ``+``)."""
    return f"paten-instance-{instance_id}"


def chain_of(instance_id) -> str:
    from .identity import instance_audit_chain

    return instance_audit_chain(instance_id)


def verifier_for(instance_id, signing_key_b64: str) -> VerifierKey:
    public = keys.unb64(signing_key_b64)
    name = key_name(instance_id)
    return VerifierKey(name=name, key_id=key_id(name, public), public_key=public)


def checkpoint_sign(instance_id, size: int, head: str) -> str:
    """The instance's checkpoint of its chain at ``(size, head)``, signed by its sync key."""
    name = key_name(instance_id)
    text = checkpoint_text(f"{name}/{chain_of(instance_id)}", size, head)
    private = keys.signing_key()
    return sign_note(text, name, lambda message: (keys.raw_public(private), private.sign(message)))


# -- at the instance: writing the segment ---------------------------------------------------


def segment_add(writer: BundleWriter, *, central: Peer, instance_id, resend: bool) -> dict:
    """Seal the instance chain, add its events not yet sent (or not yet acknowledged,
    for a resend) to ``writer``; return the manifest's ``audit`` section. The caller
    stores ``size``/``head`` as sent once the bundle is written (``segment_sent``)."""
    chain = chain_of(instance_id)
    audit_seal(chain)
    size, head = audit_chain_head(chain)
    start = central.audit_acked_size if resend else central.audit_size
    # A chain shorter than what was sent is sent as it is: the central names it truncated.
    start = min(start, size)
    if size > start:
        writer.add_records(
            LABEL,
            (codec.canonical(line) + b"\n" for line in audit_chain_lines(chain, after=start)),
        )
    return {
        "chain": chain,
        "from": start,
        "to": size,
        "head": head,
        "checkpoint": checkpoint_sign(instance_id, size, head),
    }


def segment_sent(central: Peer, section: dict) -> None:
    central.audit_size = section["to"]
    central.audit_head = section["head"]


# -- at the central: checking and keeping the segment ---------------------------------------


def _refuse(detail: str) -> BundleRefused:
    return BundleRefused(Refusal.AUDIT_REWRITTEN, detail)


class SegmentApplier:
    """Checks an up bundle's audit segment against what was accepted from the instance
    and appends its new events to the instance chain here; call ``apply`` with batches of
    lines in order, then ``finish``. Raises ``BundleRefused`` at the first problem."""

    def __init__(self, *, peer: Peer, manifest: dict, log: BundleLog, portable: codec.Portable):
        section = manifest.get("audit")
        if not isinstance(section, dict):
            raise _refuse(_("the bundle carries no audit segment of the instance."))
        self.peer = peer
        self.log = log
        self.portable = portable
        self.chain = chain_of(peer.pk)
        try:
            self.start = int(section["from"])
            self.end = int(section["to"])
            self.head = str(section["head"])
            note = str(section["checkpoint"])
        except (KeyError, TypeError, ValueError):
            raise BundleRefused(Refusal.MALFORMED, "audit section") from None
        if section.get("chain") != self.chain or self.start < 0 or self.end < self.start:
            raise BundleRefused(Refusal.MALFORMED, "audit section")
        try:
            checkpoint = checkpoint_parse(note, verifier_for(peer.pk, peer.signing_key))
        except CheckpointError as error:
            raise BundleRefused(Refusal.BAD_SIGNATURE, f"audit checkpoint: {error}") from None
        if (
            checkpoint.chain != self.chain
            or checkpoint.size != self.end
            or checkpoint.head_hash != self.head
        ):
            raise _refuse(_("the signed checkpoint does not match the segment."))
        self.checkpoint = note
        accepted = peer.audit_size
        if self.end < accepted:
            raise _refuse(
                _(
                    "History truncated: the instance's audit chain now has %(size)s events, "
                    "but %(accepted)s were already accepted from it."
                )
                % {"size": self.end, "accepted": accepted}
            )
        if self.start > accepted:
            raise _refuse(
                _(
                    "The audit segment starts after event #%(start)s, but only %(accepted)s "
                    "events were accepted: events are missing."
                )
                % {"start": self.start, "accepted": accepted}
            )
        if self.start == 0:
            self.running = GENESIS_HASH
        elif self.start == accepted:
            self.running = peer.audit_head
        else:
            self.running = (
                AuditEvent.objects.filter(chain=self.chain, sequence=self.start)
                .values_list("hash", flat=True)
                .first()
            ) or ""
        self.accepted = accepted
        self.seen = self.start
        self.count = 0
        self.grace = timedelta(minutes=getattr(settings, "PATEN_SYNC_CLOCK_GRACE_MINUTES", 10))
        self.reference = peer.last_claimed_at

    def apply(self, lines: list[dict]) -> None:
        repeated = [line.get("sequence") for line in lines if _seq(line) <= self.accepted]
        stored = dict(
            AuditEvent.objects.filter(chain=self.chain, sequence__in=repeated).values_list(
                "sequence", "hash"
            )
        )
        new = []
        for line in lines:
            sequence = _seq(line)
            if any(key not in line for key in (*CANONICAL_KEYS, "prev_hash", "hash")):
                raise BundleRefused(Refusal.MALFORMED, f"audit event #{sequence}")
            if line["chain"] != self.chain or sequence != self.seen + 1:
                raise BundleRefused(Refusal.TAMPERED, f"audit event #{sequence}")
            if line["prev_hash"] != self.running or event_hash(self.running, line) != line["hash"]:
                if sequence <= self.accepted + 1:
                    raise _refuse(self._rewritten(sequence))
                raise BundleRefused(
                    Refusal.TAMPERED, _("audit event #%(n)s does not recompute") % {"n": sequence}
                )
            if sequence <= self.accepted:
                if stored.get(sequence) != line["hash"]:
                    raise _refuse(self._rewritten(sequence))
            else:
                if line["kecamatan"] not in (None, self.peer.kecamatan_id):
                    raise BundleRefused(
                        Refusal.FOREIGN, f"audit event #{sequence}: kecamatan {line['kecamatan']}"
                    )
                new.append(line)
            self.running = line["hash"]
            self.seen = sequence
        self._insert(new)

    def _rewritten(self, sequence: int) -> str:
        return _(
            "History rewritten: event #%(n)s of the instance's audit chain differs from the "
            "history accepted up to event #%(accepted)s."
        ) % {"n": sequence, "accepted": self.accepted}

    def _insert(self, lines: list[dict]) -> None:
        from .models import SyncAnomaly

        events, anomalies = [], []
        for line in lines:
            timestamp = parse_datetime(line["timestamp"])
            target = line["target_type"]
            try:
                target_ct = self.portable.ct_id(target) if target else None
            except (ContentType.DoesNotExist, ValueError):
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE, f"audit event #{line['sequence']}: {target}"
                ) from None
            events.append(
                AuditEvent(
                    id=line["id"],
                    chain=self.chain,
                    sequence=line["sequence"],
                    timestamp=timestamp,
                    actor_id=self.portable.user_id(line["actor"]) if line["actor"] else None,
                    actor_username=line["actor"],
                    action=line["action"],
                    target_content_type_id=target_ct,
                    target_object_id=line["target_id"],
                    kecamatan_id=line["kecamatan"],
                    payload=line["payload"],
                    prev_hash=line["prev_hash"],
                    hash=line["hash"],
                )
            )
            if self.reference and timestamp and timestamp < self.reference - self.grace:
                anomalies.append(
                    SyncAnomaly(
                        peer=self.peer,
                        bundle=self.log,
                        kind=AnomalyKind.BACKDATED,
                        model=LABEL,
                        key=line["id"],
                        claimed_at=timestamp,
                        reference_at=self.reference,
                        detail=_("An audit event dated before the previous bundle was made."),
                    )
                )
        AuditEvent.objects.bulk_create(events)
        SyncAnomaly.objects.bulk_create(anomalies)
        self.count += len(events)

    def finish(self) -> None:
        if self.seen == self.end == self.accepted and self.running != self.head:
            # Nothing new, yet the signed head at the accepted size is another one.
            raise _refuse(self._rewritten(self.end))
        if self.seen != self.end or self.running != self.head:
            raise BundleRefused(
                Refusal.TAMPERED,
                _("the audit segment ends at event #%(n)s, not at its checkpoint")
                % {"n": self.seen},
            )
        if self.end > self.accepted:
            AuditChain.objects.bulk_create([AuditChain(id=self.chain)], ignore_conflicts=True)
            AuditChain.objects.filter(pk=self.chain).update(
                sealed_size=self.end, head_hash=self.head, sealed_at=self.log.applied_at
            )
        self.peer.audit_size = self.end
        self.peer.audit_head = self.head
        self.peer.audit_checkpoint = self.checkpoint


def _seq(line: dict) -> int:
    try:
        return int(line.get("sequence"))
    except (TypeError, ValueError):
        raise BundleRefused(Refusal.MALFORMED, "audit event without a sequence") from None


def parse_line(raw: bytes) -> dict:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise BundleRefused(Refusal.MALFORMED, f"{LABEL}: a line is not JSON") from None
