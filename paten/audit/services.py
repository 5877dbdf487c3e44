"""Writing, sealing, checkpointing and checking the audit chains.

The request path only INSERTs: ``audit_record`` writes the event unsealed (no sequence,
no hashes) in the caller's transaction, so it is durable when the change commits and
rolls back with it, and appends to different chains (or the same one) never wait for
each other. After the commit a Celery task runs ``audit_seal`` for the event's chain;
a beat sweep (``audit.seal_sweep``) catches whatever a task missed.

``audit_seal`` takes the chain's lock (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` on
the ``AuditChain`` row, so a second sealer skips instead of waiting; SQLite: the
database write lock, taken by the update of that row) and, in one transaction, gives
every visible unsealed event of the chain, oldest first, its sequence number, previous
hash and hash. A sealer killed mid-run therefore leaves nothing half-sealed; two sealers
never seal the same chain at once; the database triggers let a seal be written only once.

``audit_checkpoint`` signs each chain's (size, head hash) as a C2SP tlog-checkpoint
(``verify_export`` has the format) and e-mails new checkpoints to the witnesses of the
admin settings. ``audit_verify`` walks every chain and compares it with every checkpoint
ever signed (and any given from files), so a rewrite that recomputes every later hash,
a reordering and a removed tail are all found and named.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paten.regions.constants import RegionLevel, level_for
from paten.regions.models import Region

from . import keys
from .models import (
    GENESIS_HASH,
    AuditChain,
    AuditCheckpoint,
    AuditEvent,
    AuditSettings,
    chain_key_for,
    event_document,
)
from .triggers import FIXED_COLUMNS
from .verify_export import (
    ChainCheck,
    Checkpoint,
    CheckpointError,
    checkpoint_parse,
    checkpoint_text,
)
from .verify_export import event_hash as _event_hash

logger = logging.getLogger(__name__)

# Events sealed per transaction: a large backlog is sealed in several commits.
SEAL_BATCH = 5000
_UPDATE_ROWS = 1000


class VerifyReason(models.TextChoices):
    HASH_MISMATCH = "hash_mismatch", _("hash mismatch")
    BROKEN_LINK = "broken_link", _("broken link")
    SEQUENCE_GAP = "sequence_gap", _("sequence gap")
    CHECKPOINT_MISMATCH = "checkpoint_mismatch", _("history differs from a signed checkpoint")
    TRUNCATED = "truncated", _("shorter than a signed checkpoint")
    BAD_SIGNATURE = "bad_signature", _("checkpoint with a bad signature")


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    sequence: int | None
    event_id: str | None
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` when every chain verified against its events and every checkpoint.

    ``count`` is the number of sealed events verified; the first problem (if any) is
    also in ``chain``, ``sequence``, ``event_id`` and ``reason``. ``unsealed`` counts the
    events not sealed yet and ``stale`` those unsealed longer than the admin's bound
    (an alarm, not a failure of the chains themselves).
    """

    ok: bool
    count: int
    problems: tuple[ChainProblem, ...] = ()
    chains: dict = field(default_factory=dict)
    checkpoints: int = 0
    unsealed: int = 0
    stale: int = 0

    def __bool__(self) -> bool:
        return self.ok

    def _first(self, name):
        return getattr(self.problems[0], name) if self.problems else None

    @property
    def chain(self):
        return self._first("chain")

    @property
    def sequence(self):
        return self._first("sequence")

    @property
    def event_id(self):
        return self._first("event_id")

    @property
    def reason(self):
        return self._first("reason")


# -- writing ----------------------------------------------------------------------------


def _kecamatan_code(kecamatan: Region | str | None) -> str | None:
    if kecamatan is None or kecamatan == "":
        return None
    code = kecamatan.code if isinstance(kecamatan, Region) else str(kecamatan)
    if level_for(code) != RegionLevel.KECAMATAN:
        raise ValueError(f"audit_record: {code!r} is not a kecamatan code")
    return code


#: Seconds a chain's queue slot stays taken if its queued sealer never runs (the minute
#: sweep seals the chain meanwhile).
SEAL_QUEUED_TIMEOUT = 300


def _seal_queued_key(chain_id: str) -> str:
    return f"audit:seal-queued:{chain_id}"


def _seal_soon(chain_id: str) -> None:
    """Queue the chain's sealer unless one is queued and has not started yet: a
    transaction that records many events (an import, the demo) queues one run, not one
    per event. The run frees the slot before it seals (``audit_seal_queued``), so an
    event committed while it seals queues the next run."""
    from .tasks import audit_seal_task

    if cache.add(_seal_queued_key(chain_id), True, timeout=SEAL_QUEUED_TIMEOUT):
        audit_seal_task.delay(chain_id)


def audit_seal_queued(chain_id: str) -> int:
    """The queued sealer of ``chain_id``: frees its queue slot, then seals."""
    cache.delete(_seal_queued_key(chain_id))
    return audit_seal(chain_id)


#: A function ``(kecamatan code or None) -> chain id or None`` that an app above the
#: audit app registers to send this installation's events to another chain (an offline
#: instance writes every event into its own ``instance:<id>`` chain). None: the default.
_chain_router = None


def audit_chain_router_set(router) -> None:
    """Register the function choosing the chain of events recorded without ``chain``
    (``None`` restores the default: the kecamatan's chain, or ``pemda``)."""
    global _chain_router
    _chain_router = router


def _default_chain(kecamatan_code: str | None) -> str:
    routed = _chain_router(kecamatan_code) if _chain_router is not None else None
    return routed or chain_key_for(kecamatan_code)


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    kecamatan: Region | str | None = None,
    payload: dict | None = None,
    chain: str | None = None,
) -> AuditEvent:
    """Append one event to its chain (unsealed) and return it.

    Call it inside the transaction of the change being audited: if that transaction
    rolls back, so does the event. Nothing is locked: the event is one INSERT, and the
    chain's sealer seals it after the commit.

    ``actor`` is a user or None (system); an anonymous user counts as None.
    ``kecamatan`` is a kecamatan ``Region`` or its code; it chooses the chain
    (``kecamatan:<code>``, or ``pemda`` when there is none) unless ``chain`` names
    another one, or the registered router sends every event elsewhere (an offline
    instance: ``instance:<id>``, see ``audit_chain_router_set``). Pemda-wide events are shown
    only to pemda-wide users. ``payload`` must be JSON-serialisable with
    ``DjangoJSONEncoder`` (dates, decimals and UUIDs become strings).
    """
    if not action or len(action) > 64:
        raise ValueError("audit_record: action must be a non-empty string of at most 64 chars")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # Round-trip through JSON so that the stored payload is exactly what is hashed.
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder, allow_nan=False))
    kecamatan_code = _kecamatan_code(kecamatan)
    event = AuditEvent(
        chain=chain or _default_chain(kecamatan_code),
        timestamp=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        kecamatan_id=kecamatan_code,
        payload=payload,
    )
    if target is not None:
        event.target_content_type = ContentType.objects.get_for_model(target)
        event.target_object_id = str(target.pk)
    event.save()
    chain_id = event.chain
    transaction.on_commit(lambda: _seal_soon(chain_id), robust=True)
    return event


# -- sealing ----------------------------------------------------------------------------

# The values a seal hashes are the columns the triggers keep fixed.
_VALUE_FIELDS = FIXED_COLUMNS


class _ContentTypeLabels(dict):
    def __missing__(self, ct_id):
        if ct_id is None:
            return ""
        ct = ContentType.objects.get_for_id(ct_id)
        self[ct_id] = label = f"{ct.app_label}.{ct.model}"
        return label


def _document(row: tuple, sequence: int, labels: _ContentTypeLabels) -> dict:
    event_id, chain, timestamp, username, action, ct_id, target_id, kecamatan, payload = row
    return event_document(
        id=event_id,
        chain=chain,
        sequence=sequence,
        timestamp=timestamp,
        actor_username=username,
        action=action,
        target_type=labels[ct_id],
        target_id=target_id,
        kecamatan=kecamatan,
        payload=payload,
    )


def _chain_row_ensure(chain_id: str) -> None:
    AuditChain.objects.bulk_create([AuditChain(id=chain_id)], ignore_conflicts=True)


def _chain_lock(chain_id: str) -> bool:
    """Take the chain's sealing lock for the current transaction; False when taken."""
    if connection.vendor == "postgresql":
        return AuditChain.objects.select_for_update(skip_locked=True).filter(pk=chain_id).exists()
    # SQLite (and others): the write lock, held until the transaction ends.
    return AuditChain.objects.filter(pk=chain_id).update(id=chain_id) == 1


def _sealed_head(chain_id: str) -> tuple[int, str]:
    last = (
        AuditEvent.objects.filter(chain=chain_id, sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    return last if last else (0, GENESIS_HASH)


def _write_seals(seals: list[tuple]) -> None:
    """UPDATE the seal columns (allowed once by the triggers) of ``(id, seq, prev, hash)``."""
    prep = AuditEvent._meta.pk.get_db_prep_value
    rows = [(prep(event_id, connection), seq, prev, hsh) for event_id, seq, prev, hsh in seals]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), _UPDATE_ROWS):
                chunk = rows[start : start + _UPDATE_ROWS]
                values = ", ".join(["(%s::uuid, %s::bigint, %s, %s)"] * len(chunk))
                cursor.execute(
                    "UPDATE audit_auditevent AS e SET sequence = v.seq, prev_hash = v.prev, "  # noqa: S608 - placeholders only
                    f"hash = v.hash FROM (VALUES {values}) AS v(id, seq, prev, hash) "
                    "WHERE e.id = v.id AND e.sequence IS NULL",
                    [value for row in chunk for value in row],
                )
                if cursor.rowcount != len(chunk):
                    raise RuntimeError("audit_seal: an event was sealed by someone else")
        else:
            cursor.executemany(
                "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s AND sequence IS NULL",
                [(seq, prev, hsh, event_id) for event_id, seq, prev, hsh in rows],
            )


def _seal_batch(chain_id: str, limit: int, before_commit=None) -> int | None:
    with transaction.atomic():
        if not _chain_lock(chain_id):
            return None
        size, head = _sealed_head(chain_id)
        rows = list(
            AuditEvent.objects.filter(chain=chain_id, sequence__isnull=True)
            .order_by("timestamp", "id")
            .values_list(*_VALUE_FIELDS)[:limit]
        )
        if not rows:
            return 0
        labels = _ContentTypeLabels()
        seals = []
        for row in rows:
            size += 1
            digest = _event_hash(head, _document(row, size, labels))
            seals.append((row[0], size, head, digest))
            head = digest
        _write_seals(seals)
        AuditChain.objects.filter(pk=chain_id).update(
            sealed_size=size, head_hash=head, sealed_at=timezone.now()
        )
        if before_commit is not None:
            before_commit(len(seals))
    return len(seals)


def audit_seal(chain_id: str, *, batch_size: int = SEAL_BATCH, before_commit=None) -> int:
    """Seal the chain's visible unsealed events; the number sealed (0 when another
    sealer holds the chain: it seals them). ``before_commit(n)`` is a test hook."""
    _chain_row_ensure(chain_id)
    total = 0
    while True:
        sealed = _seal_batch(chain_id, batch_size, before_commit)
        if sealed is None:
            return total
        total += sealed
        if sealed < batch_size:
            return total


def unsealed_chains() -> list[str]:
    return sorted(
        AuditEvent.objects.filter(sequence__isnull=True)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )


def audit_seal_all() -> dict[str, int]:
    """Seal every chain that has unsealed events (the beat sweep)."""
    return {chain_id: audit_seal(chain_id) for chain_id in unsealed_chains()}


def stale_unsealed_before():
    minutes = AuditSettings.load().unsealed_alarm_minutes
    return timezone.now() - timedelta(minutes=minutes)


def stale_unsealed_counts() -> dict[str, int]:
    """Chains with events unsealed for longer than the admin's bound (the alarm)."""
    rows = (
        AuditEvent.objects.filter(sequence__isnull=True, timestamp__lt=stale_unsealed_before())
        .order_by()
        .values_list("chain")
        .annotate(n=models.Count("id"))
    )
    return dict(rows)


# -- checkpoints ------------------------------------------------------------------------


def _checkpoint_for(chain: AuditChain, now) -> AuditCheckpoint:
    size, head = _sealed_head(chain.id)
    note = keys.sign(checkpoint_text(keys.origin_for(chain.id), size, head))
    checkpoint = AuditCheckpoint(chain=chain, size=size, head_hash=head, created_at=now, note=note)
    checkpoint.save()
    return checkpoint


def audit_checkpoint(*, chains: list[str] | None = None, due_only: bool = False) -> list:
    """Sign and store a checkpoint of each chain (or of ``chains``) and e-mail them.

    ``due_only`` (the beat task) skips chains whose last checkpoint is younger than the
    admin's interval or that did not grow since. Chains are sealed first, so the
    checkpoint covers every event committed before it.
    """
    for chain_id in chains if chains is not None else unsealed_chains():
        audit_seal(chain_id)
    queryset = AuditChain.objects.all()
    if chains is not None:
        for chain_id in chains:
            _chain_row_ensure(chain_id)
        queryset = queryset.filter(pk__in=chains)
    now = timezone.now()
    interval = timedelta(minutes=AuditSettings.load().checkpoint_interval_minutes)
    made = []
    for chain in queryset.order_by("id"):
        if due_only:
            last = chain.checkpoints.order_by("-created_at").first()
            size, _head = _sealed_head(chain.id)
            if last is not None and (last.created_at > now - interval or last.size == size):
                continue
        made.append(_checkpoint_for(chain, now))
    if made:
        transaction.on_commit(lambda: _email_witnesses(made), robust=True)
    return made


def _email_witnesses(checkpoints: list) -> None:
    recipients = AuditSettings.load().witness_list
    if not recipients:
        return
    body = "\n".join(
        [
            str(_("New signed checkpoints of the PATEN audit log. Keep this e-mail.")),
            str(_("Public key: %(key)s") % {"key": keys.public_verifier_key()}),
            "",
            *[c.note for c in checkpoints],
        ]
    )
    send_mail(
        str(_("PATEN audit checkpoints")),
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def checkpoint_refusal(note: str) -> str | None:
    """Why a checkpoint (e.g. a witness's copy) is refused, or None when it holds.

    Refused: a bad or missing signature, a malformed note, an unknown chain, a size the
    chain never had, or a head that differs from the chain's event at that size.
    """
    try:
        checkpoint = checkpoint_parse(note, keys.verifier())
    except CheckpointError as error:
        return str(error)
    chain_id = checkpoint.chain
    if keys.origin_for(chain_id) != checkpoint.origin:
        return f"origin {checkpoint.origin!r} is not one of this installation's chains"
    if checkpoint.size == 0:
        return None if checkpoint.head_hash == GENESIS_HASH else "the empty chain has no head"
    stored = (
        AuditEvent.objects.filter(chain=chain_id, sequence=checkpoint.size)
        .values_list("hash", flat=True)
        .first()
    )
    if stored is None:
        return f"chain {chain_id} never had size {checkpoint.size}"
    if stored != checkpoint.head_hash:
        return f"chain {chain_id} had another head at size {checkpoint.size}"
    return None


# -- verification -----------------------------------------------------------------------


def _stored_checkpoints(problems: list, key) -> tuple[dict[str, list[Checkpoint]], int]:
    by_chain: dict[str, list[Checkpoint]] = {}
    count = 0
    rows = AuditCheckpoint.objects.order_by("pk").values_list("pk", "chain_id", "note")
    for pk, chain_id, note in rows.iterator():
        count += 1
        try:
            checkpoint = checkpoint_parse(note, key)
        except CheckpointError:
            problems.append(ChainProblem(chain_id, None, f"checkpoint {pk}", "bad_signature"))
            continue
        if checkpoint.chain != chain_id:
            problems.append(ChainProblem(chain_id, None, f"checkpoint {pk}", "bad_signature"))
            continue
        by_chain.setdefault(chain_id, []).append(checkpoint)
    return by_chain, count


def audit_verify(*, chunk_size: int = 2000, checkpoints: list[str] | None = None) -> VerifyResult:
    """Walk every chain in sequence order and recompute every hash and link; compare each
    chain with every checkpoint stored (signatures checked with the installation's key)
    and with ``checkpoints`` (signed notes from elsewhere, e.g. a witness's copies).

    Memory stays constant in the number of events (a server-side cursor on PostgreSQL,
    chunked reads elsewhere). Reasons: ``sequence_gap`` (sequences must be 1, 2, 3, …),
    ``broken_link`` (``prev_hash`` differs from the previous event's hash),
    ``hash_mismatch`` (the event's content no longer matches its hash),
    ``checkpoint_mismatch`` (history up to a signed size was rewritten),
    ``truncated`` (the chain is shorter than a signed size), ``bad_signature``.
    """
    problems: list[ChainProblem] = []
    key = keys.verifier()
    by_chain, checkpoint_count = _stored_checkpoints(problems, key)
    for note in checkpoints or []:
        checkpoint_count += 1
        try:
            checkpoint = checkpoint_parse(note, key)
        except CheckpointError:
            problems.append(ChainProblem("?", None, "checkpoint file", "bad_signature"))
            continue
        by_chain.setdefault(checkpoint.chain, []).append(checkpoint)

    chain_ids = set(
        AuditEvent.objects.filter(sequence__isnull=False)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    chain_ids |= set(by_chain)
    labels = _ContentTypeLabels()
    total = 0
    sizes = {}
    for chain_id in sorted(chain_ids):
        check = ChainCheck(chain=chain_id, checkpoints=by_chain.get(chain_id, []))
        rows = (
            AuditEvent.objects.filter(chain=chain_id, sequence__isnull=False)
            .order_by("sequence")
            .values_list("sequence", "prev_hash", "hash", *_VALUE_FIELDS)
            .iterator(chunk_size=chunk_size)
        )
        for sequence, prev_hash, stored_hash, *values in rows:
            document = _document(tuple(values), sequence, labels)
            if not check.add(sequence, str(values[0]), prev_hash, stored_hash, document):
                break
        check.finish()
        total += check.count
        sizes[chain_id] = check.count
        problems.extend(
            ChainProblem(chain_id, sequence, event_id or None, reason)
            for sequence, event_id, reason in check.problems
        )
    unsealed = AuditEvent.objects.filter(sequence__isnull=True).count()
    stale = sum(stale_unsealed_counts().values()) if unsealed else 0
    return VerifyResult(
        ok=not problems,
        count=total,
        problems=tuple(problems),
        chains=sizes,
        checkpoints=checkpoint_count,
        unsealed=unsealed,
        stale=stale,
    )


# -- reading a chain (export, the sync's audit segment) ----------------------------------


def audit_chain_head(chain_id: str) -> tuple[int, str]:
    """``(size, head hash)`` of the chain's sealed events (``(0, GENESIS_HASH)`` if none)."""
    return _sealed_head(chain_id)


def audit_chain_lines(chain_id: str, *, after: int = 0, upto: int | None = None, chunk_size=2000):
    """The chain's sealed events with ``after < sequence <= upto`` in order, each as the
    hashed document plus ``prev_hash`` and ``hash`` (the ``audit_export`` line)."""
    labels = _ContentTypeLabels()
    queryset = AuditEvent.objects.filter(chain=chain_id, sequence__isnull=False, sequence__gt=after)
    if upto is not None:
        queryset = queryset.filter(sequence__lte=upto)
    rows = (
        queryset.order_by("sequence")
        .values_list("sequence", "prev_hash", "hash", *_VALUE_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for sequence, prev_hash, stored_hash, *values in rows:
        line = _document(tuple(values), sequence, labels)
        line["prev_hash"] = prev_hash
        line["hash"] = stored_hash
        yield line


# -- export -----------------------------------------------------------------------------


def export_file_name(chain_id: str) -> str:
    return chain_id.replace(":", "_").replace("/", "_") + ".ndjson"


def audit_export(directory, *, chunk_size: int = 2000) -> list[tuple]:
    """Write each chain's sealed events, in order, to ``<chain>.ndjson`` in ``directory``
    (a line: the hashed document plus ``prev_hash`` and ``hash``), and every stored
    checkpoint to ``checkpoints.txt``. Returns ``(path, count)`` per file."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    chain_ids = sorted(
        AuditEvent.objects.filter(sequence__isnull=False)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    for chain_id in chain_ids:
        path = directory / export_file_name(chain_id)
        count = 0
        with path.open("w", encoding="utf-8") as handle:
            for line in audit_chain_lines(chain_id, chunk_size=chunk_size):
                handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
                count += 1
        written.append((path, count))
    path = directory / "checkpoints.txt"
    notes = AuditCheckpoint.objects.order_by("pk").values_list("note", flat=True)
    with path.open("w", encoding="utf-8") as handle:
        count = 0
        for note in notes.iterator():
            handle.write(note + "\n")
            count += 1
    written.append((path, count))
    return written
