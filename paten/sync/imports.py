"""Reading a bundle: refuse it whole or apply it whole, idempotently (docs/sync.md §5, §9).

Pass 1 (``container.verify``) checks the file against its signed manifest before anything
is written. The sequence rules then decide: duplicate, replayed, forked, held, or applied.
Applying is one transaction: configuration is mirrored row by row under the central's
keys; partition records are checked and upserted a chunk at a time (each reference must
resolve, each record must lie in the sender's kecamatan, no unique value may clash with
another record — a clash stops the import and names both records, it is never skipped).
"""

import contextlib
import contextvars
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import audit_segment, codec, container, guards, identity, keys, registry
from .constants import (
    AnomalyKind,
    BundleKind,
    BundleStatus,
    Direction,
    InstallationRole,
    PeerStatus,
    Refusal,
)
from .container import BundleRefused, VerifiedBundle
from .models import BundleLog, OutboxRecord, Peer, ReceivedRecord, RecordKey, SyncAnomaly

logger = logging.getLogger(__name__)
CHUNK = 1000


@dataclass
class ImportOutcome:
    status: str
    reason: str = ""
    message: str = ""
    log: BundleLog | None = None
    counts: dict = field(default_factory=dict)
    then_applied: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (BundleStatus.APPLIED, BundleStatus.DUPLICATE, BundleStatus.HELD)


def sync_dir(name: str) -> Path:
    path = Path(settings.VAR_DIR) / "sync" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def blob_path(sha256: str) -> Path:
    root = Path(settings.PATEN_PRIVATE_ROOT) / "sync" / "blobs" / sha256[:2]
    return root / sha256


_MADE_DIRS = contextvars.ContextVar("paten_sync_made_dirs", default=None)


def _made_dirs() -> set[str]:
    """Directories known to exist during this import (one ``makedirs`` each, not one per
    file)."""
    made = _MADE_DIRS.get()
    if made is None:
        made = set()
        _MADE_DIRS.set(made)
    return made


# -- pass 1: who may send what ------------------------------------------------------------


def _key_for(header: dict):
    me = identity.installation()
    if header.get("receiver") != str(me.installation_id):
        raise BundleRefused(Refusal.WRONG_RECEIVER)
    peer = (
        Peer.objects.filter(pk=header.get("sender")).first()
        if _uuid(header.get("sender"))
        else None
    )
    if peer is None:
        raise BundleRefused(Refusal.UNKNOWN_SENDER)
    if peer.status == PeerStatus.REVOKED:
        raise BundleRefused(Refusal.REVOKED)
    if peer.status == PeerStatus.RETURNED:
        raise BundleRefused(Refusal.READ_ONLY)
    kind = header.get("kind")
    if me.role == InstallationRole.CENTRAL and kind != BundleKind.UP:
        raise BundleRefused(
            Refusal.NOT_ENROLLED, _("The central imports only bundles from instances.")
        )
    if me.role == InstallationRole.INSTANCE and kind not in (BundleKind.DOWN,):
        raise BundleRefused(
            Refusal.NOT_ENROLLED, _("An instance imports only configuration bundles.")
        )
    return keys.ed25519_public(peer.signing_key)


def _uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# -- entry point ----------------------------------------------------------------------------


def bundle_import(
    *, path: Path | str, progress: Callable[[int, int], None] | None = None
) -> ImportOutcome:
    """Verify and import one bundle file; never raises for a bad bundle (see the outcome)."""
    path = Path(path)
    try:
        bundle = container.verify(path, key_for=_key_for)
    except BundleRefused as refusal:
        return _refused(refusal, peer=None, header=_header_or_none(path), size=_size(path))
    peer = Peer.objects.get(pk=bundle.header["sender"])
    return _route(bundle, peer=peer, progress=progress)


def _route(bundle: VerifiedBundle, *, peer: Peer, progress=None) -> ImportOutcome:
    manifest = bundle.manifest
    if peer.kecamatan_id and manifest.get("kecamatan") != peer.kecamatan_id:
        return _refused(BundleRefused(Refusal.FOREIGN), peer=peer, bundle=bundle)
    done = BundleLog.objects.filter(
        direction=Direction.IN, bundle_hash=bundle.bundle_hash, status=BundleStatus.APPLIED
    ).first()
    if done is not None:
        when = timezone.localtime(done.applied_at)
        log = _log(bundle, peer=peer, status=BundleStatus.DUPLICATE)
        log.message = _("Bundle #%(n)s was already imported on %(date)s; nothing changed.") % {
            "n": done.sequence,
            "date": _long_date(when),
        }
        log.save(update_fields=["message"])
        return ImportOutcome(BundleStatus.DUPLICATE, message=log.message, log=log)
    sequence = int(manifest.get("sequence") or 0)
    previous = manifest.get("previous") or {}
    prev_sequence, prev_hash = int(previous.get("sequence") or 0), previous.get("hash") or ""
    if sequence <= peer.in_sequence:
        return _refused(
            BundleRefused(
                Refusal.REPLAYED,
                _("(bundle #%(n)s; the last imported is #%(last)s)")
                % {"n": sequence, "last": peer.in_sequence},
            ),
            peer=peer,
            bundle=bundle,
        )
    if prev_sequence > peer.in_sequence:
        return _hold(bundle, peer=peer)
    if not _is_applied(peer, prev_sequence, prev_hash):
        return _refused(BundleRefused(Refusal.FORKED), peer=peer, bundle=bundle)
    outcome = _apply_logged(bundle, peer=peer, progress=progress)
    if outcome.status == BundleStatus.APPLIED:
        outcome.then_applied = _apply_held(peer)
    return outcome


def _is_applied(peer: Peer, sequence: int, bundle_hash: str) -> bool:
    if sequence == 0:
        return bundle_hash == ""
    if sequence == peer.in_sequence:
        return bundle_hash == peer.in_hash
    return BundleLog.objects.filter(
        peer=peer,
        direction=Direction.IN,
        sequence=sequence,
        bundle_hash=bundle_hash,
        status=BundleStatus.APPLIED,
    ).exists()


def _apply_held(peer: Peer) -> list[ImportOutcome]:
    """Apply held bundles whose predecessor is now in, in order (ODK Central's backlog)."""
    applied = []
    while True:
        peer.refresh_from_db()
        held = (
            BundleLog.objects.filter(
                peer=peer,
                direction=Direction.IN,
                status=BundleStatus.HELD,
                previous_sequence__lte=peer.in_sequence,
            )
            .order_by("sequence")
            .first()
        )
        if held is None:
            return applied
        held_path = Path(held.held_path)
        held.status = BundleStatus.REFUSED
        held.save(update_fields=["status"])
        outcome = bundle_import(path=held_path)
        held.message = _("Taken out of the waiting list: %(status)s") % {
            "status": BundleStatus(outcome.status).label
        }
        held.save(update_fields=["message"])
        applied.append(outcome)
        if outcome.status == BundleStatus.APPLIED:
            held_path.unlink(missing_ok=True)
        else:
            return applied


def _hold(bundle: VerifiedBundle, *, peer: Peer) -> ImportOutcome:
    target = sync_dir("held") / f"{bundle.bundle_hash}.paten"
    if not target.exists():
        with bundle.path.open("rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                out.write(chunk)
    existing = BundleLog.objects.filter(
        direction=Direction.IN, bundle_hash=bundle.bundle_hash, status=BundleStatus.HELD
    ).first()
    log = existing or _log(bundle, peer=peer, status=BundleStatus.HELD)
    log.held_path = str(target)
    log.message = _(
        "Bundle #%(n)s waits for bundle #%(missing)s, which has not arrived; it is applied "
        "automatically once that one is imported."
    ) % {"n": bundle.manifest.get("sequence"), "missing": peer.in_sequence + 1}
    log.save(update_fields=["held_path", "message"])
    return ImportOutcome(BundleStatus.HELD, message=log.message, log=log)


def _header_or_none(path: Path) -> dict | None:
    try:
        return container.read_header(path)
    except BundleRefused:
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _long_date(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(moment, "j F Y")


def _log(bundle: VerifiedBundle, *, peer: Peer | None, status: str, **extra) -> BundleLog:
    manifest = bundle.manifest
    previous = manifest.get("previous") or {}
    return BundleLog.objects.create(
        peer=peer,
        direction=Direction.IN,
        kind=manifest.get("kind", ""),
        sequence=manifest.get("sequence"),
        bundle_hash=bundle.bundle_hash,
        previous_sequence=previous.get("sequence"),
        previous_hash=previous.get("hash") or "",
        counter_from=manifest.get("counter_from"),
        counter_to=manifest.get("counter_to"),
        final=bool(manifest.get("final")),
        status=status,
        counts=manifest.get("records") or {},
        size=bundle.size,
        claimed_at=parse_datetime(manifest.get("created_at") or "")
        if manifest.get("created_at")
        else None,
        **extra,
    )


def _refused(
    refusal: BundleRefused,
    *,
    peer: Peer | None,
    bundle: VerifiedBundle | None = None,
    header: dict | None = None,
    size: int = 0,
) -> ImportOutcome:
    message = refusal.message
    if bundle is not None:
        log = _log(
            bundle, peer=peer, status=BundleStatus.REFUSED, reason=refusal.reason, message=message
        )
    else:
        header = header or {}
        sender = header.get("sender")
        known = Peer.objects.filter(pk=sender).first() if _uuid(sender) else None
        log = BundleLog.objects.create(
            peer=peer or known,
            direction=Direction.IN,
            kind=header.get("kind", "") if header.get("kind") in BundleKind.values else "",
            sequence=header.get("sequence") if isinstance(header.get("sequence"), int) else None,
            status=BundleStatus.REFUSED,
            reason=refusal.reason,
            message=message,
            size=size,
        )
    logger.warning("sync bundle refused: %s", message)
    return ImportOutcome(BundleStatus.REFUSED, reason=refusal.reason, message=message, log=log)


# -- applying -----------------------------------------------------------------------------


def _apply_logged(bundle: VerifiedBundle, *, peer: Peer, progress=None) -> ImportOutcome:
    created_files: list[Path] = []
    try:
        with transaction.atomic():
            locked = Peer.objects.select_for_update().get(pk=peer.pk)
            if locked.in_sequence >= int(bundle.manifest.get("sequence") or 0):
                raise BundleRefused(Refusal.REPLAYED)
            log = _log(bundle, peer=locked, status=BundleStatus.APPLIED, applied_at=timezone.now())
            counts = apply_bundle(
                bundle, peer=locked, log=log, created_files=created_files, progress=progress
            )
            _after_apply(bundle, peer=locked, log=log)
    except BundleRefused as refusal:
        _remove(created_files)
        return _refused(refusal, peer=peer, bundle=bundle)
    except IntegrityError as error:
        _remove(created_files)
        return _refused(BundleRefused(Refusal.UNIQUE_CLASH, str(error)), peer=peer, bundle=bundle)
    except BaseException:
        _remove(created_files)
        raise
    return ImportOutcome(BundleStatus.APPLIED, log=log, counts=counts, message=_("Imported."))


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _after_apply(bundle: VerifiedBundle, *, peer: Peer, log: BundleLog) -> None:
    manifest = bundle.manifest
    claimed = log.claimed_at
    if peer.last_claimed_at and claimed and claimed < peer.last_claimed_at:
        SyncAnomaly.objects.create(
            peer=peer,
            bundle=log,
            kind=AnomalyKind.CLOCK_BACKWARDS,
            claimed_at=claimed,
            reference_at=peer.last_claimed_at,
            detail=_("Bundle #%(n)s claims to be made before bundle #%(m)s.")
            % {"n": log.sequence, "m": peer.in_sequence},
        )
    peer.in_sequence = log.sequence
    peer.in_hash = log.bundle_hash
    peer.in_counter = max(peer.in_counter, int(manifest.get("counter_to") or 0))
    peer.last_received_at = timezone.now()
    if claimed and (peer.last_claimed_at is None or claimed > peer.last_claimed_at):
        peer.last_claimed_at = claimed
    ack = manifest.get("ack") or {}
    if int(ack.get("sequence") or 0) > peer.acked_sequence:
        peer.acked_sequence = int(ack["sequence"])
        peer.acked_hash = ack.get("hash") or ""
        peer.acked_counter = int(ack.get("counter") or 0)
        peer.audit_acked_size = int(ack.get("audit_size") or 0)
    if manifest.get("final") and peer.role == InstallationRole.INSTANCE:
        peer.status = PeerStatus.RETURNED
        peer.returned_at = timezone.now()
        identity.ownership_changed()
    peer.save()


def apply_bundle(
    bundle: VerifiedBundle,
    *,
    peer: Peer,
    log: BundleLog,
    created_files: list[Path],
    progress=None,
    received_partition_known: bool = False,
) -> dict:
    """Pass 2 inside the caller's transaction: files to the blob store, then records."""
    kind = bundle.manifest.get("kind")
    from .export import specs_for_kind

    expected = list(specs_for_kind(kind))
    portable = codec.Portable(installation_id=str(identity.installation().installation_id))
    total = sum((bundle.manifest.get("records") or {}).values())
    state = {"done": 0}
    counts: dict[str, int] = {}
    kecamatan = bundle.manifest.get("kecamatan")
    now = timezone.now()
    segment = (
        audit_segment.SegmentApplier(
            peer=peer, manifest=bundle.manifest, log=log, portable=portable
        )
        if kind == BundleKind.UP
        else None
    )
    made_dirs = _MADE_DIRS.set(set())
    try:
        with guards.importing():
            for member in container.open_members(bundle, private=keys.encryption_key()):
                if member.kind == "file":
                    _store_blob(member)
                    continue
                if member.label == audit_segment.LABEL:
                    if segment is None or segment.seen != segment.start:
                        raise BundleRefused(Refusal.MALFORMED, f"unexpected {member.name}")
                    _apply_segment(segment, member)
                    continue
                spec = _next_spec(expected, member.label)
                applier = (
                    _MirrorApplier(spec, portable)
                    if spec.group == registry.CONFIGURATION
                    else _PartitionApplier(
                        spec,
                        portable,
                        peer=peer,
                        kecamatan=kecamatan,
                        bundle=bundle,
                        now=now,
                        created_files=created_files,
                        log=log,
                        remember_outbox=received_partition_known,
                    )
                )
                batch = []
                for line in container.lines(member.chunks):
                    if not line.strip():
                        continue
                    try:
                        batch.append(json.loads(line))
                    except json.JSONDecodeError:
                        raise BundleRefused(
                            Refusal.MALFORMED, f"{member.name}: a line is not JSON"
                        ) from None
                    if len(batch) >= CHUNK:
                        applier.apply(batch)
                        state["done"] += len(batch)
                        batch = []
                        if progress:
                            progress(state["done"], total)
                if batch:
                    applier.apply(batch)
                    state["done"] += len(batch)
                applier.finish()
                counts[spec.name] = applier.count
                if progress:
                    progress(state["done"], total)
    finally:
        _MADE_DIRS.reset(made_dirs)
    if segment is not None:
        segment.finish()
    _reset_sequences(expected)
    if any(s.group == registry.CONFIGURATION for s in expected) and counts:
        from .services import after_configuration_import

        after_configuration_import()
    return counts


def _apply_segment(segment: audit_segment.SegmentApplier, member: container.Member) -> None:
    batch = []
    for line in container.lines(member.chunks):
        if line.strip():
            batch.append(audit_segment.parse_line(line))
        if len(batch) >= CHUNK:
            segment.apply(batch)
            batch = []
    if batch:
        segment.apply(batch)


def _next_spec(expected: list[registry.Spec], name: str) -> registry.Spec:
    for index, spec in enumerate(expected):
        if spec.name == name:
            del expected[: index + 1]
            return spec
    raise BundleRefused(Refusal.MALFORMED, f"unexpected records of {name}")


def _store_blob(member: container.Member) -> None:
    """Write a file member to the blob store under its SHA-256 (once per content)."""
    digest = hashlib.sha256()
    root = os.path.join(settings.PATEN_PRIVATE_ROOT, "sync", "blobs")
    made = _made_dirs()
    if root not in made:
        os.makedirs(root, exist_ok=True)
        made.add(root)
    temporary = os.path.join(root, f".blob-{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in member.chunks:
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        if member.check is not None and not member.check(sha):
            raise BundleRefused(Refusal.TAMPERED, _("a file does not match its name"))
        directory = os.path.join(root, sha[:2])
        if directory not in made:
            os.makedirs(directory, exist_ok=True)
            made.add(directory)
        target = os.path.join(directory, sha)
        if not os.path.exists(target):
            os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _reset_sequences(specs: list[registry.Spec]) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    models_ = {s.model for s in registry.ALL_SPECS}
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _MirrorApplier:
    """Configuration: the instance holds the central's rows under the central's keys."""

    def __init__(self, spec: registry.Spec, portable: codec.Portable):
        self.spec = spec
        self.model = spec.model
        self.decoder = codec.Decoder(spec, portable)
        self.portable = portable
        self.count = 0
        self.pk_attname = self.model._meta.pk.attname

    def apply(self, lines: list[dict]) -> None:
        for line in lines:
            self.count += 1
            key = line.get("key")
            if line.get("deleted"):
                self._delete(key)
                continue
            values, problems = self.decoder.decode(line.get("f") or {}, {})
            for attname, raw in problems:
                field_ = self.model._meta.get_field(attname.removesuffix("_id"))
                if getattr(field_, "null", False):
                    values[attname] = None
                else:
                    raise BundleRefused(
                        Refusal.MISSING_REFERENCE,
                        f"{self.spec.label} {key}: {field_.name} = {raw!r}",
                    )
            pk = values.get(self.pk_attname)
            updates = {k: v for k, v in values.items() if k != self.pk_attname}
            if not models.QuerySet(self.model).filter(pk=pk).update(**updates):
                obj = self.model(**values)
                if self.spec.stub:
                    obj.set_unusable_password()
                    obj.is_active = False
                obj.save_base(raw=True, force_insert=True)
            if self.spec.stub:
                self._make_stub(pk)
            for name, targets in self.decoder.m2m_values(line.get("f") or {}).items():
                getattr(self.model(pk=pk), name).set([t for t in targets if t is not None])
        if self.spec.label == "auth.user":
            self.portable.forget_users()

    def _make_stub(self, pk) -> None:
        """A user the kecamatan's records name, who may not log in here."""
        from django.contrib.auth.hashers import make_password

        models.QuerySet(self.model).filter(pk=pk).update(
            password=make_password(None), is_active=False, is_staff=False, is_superuser=False
        )
        self.model(pk=pk).groups.clear()

    def _delete(self, key) -> None:
        try:
            with transaction.atomic():
                models.QuerySet(self.model).filter(pk=key).delete()
        except (models.ProtectedError, models.RestrictedError, IntegrityError):
            if self.spec.label != "auth.user":
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE,
                    _("%(model)s %(key)s was removed at the central but records here still use it.")
                    % {"model": self.spec.label, "key": key},
                ) from None
            # A staff member who left the kecamatan but whose work stays on record.
            self._make_stub(key)
        self.portable.forget_users()

    def finish(self) -> None:
        return None


class _PartitionApplier:
    """The kecamatan's records, a chunk at a time, with every check before writing."""

    def __init__(
        self,
        spec,
        portable,
        *,
        peer,
        kecamatan,
        bundle,
        now,
        created_files,
        log,
        remember_outbox,
    ):
        self.spec = spec
        self.model = spec.model
        self.meta = self.model._meta
        self.portable = portable
        self.peer = peer
        self.kecamatan = kecamatan
        self.bundle = bundle
        self.now = now
        self.created_files = created_files
        self.log = log
        self.remember_outbox = remember_outbox
        self.decoder = codec.Decoder(spec, portable)
        self.count = 0
        self._upsert_sql: str | None = None
        self._upsert_fields: list = []
        self.pending_self_refs: list[tuple[str, str, object]] = []
        self.grace = timedelta(minutes=getattr(settings, "PATEN_SYNC_CLOCK_GRACE_MINUTES", 10))
        self.reference = peer.last_claimed_at

    # -- checks ------------------------------------------------------------------------
    def _translations(self, documents: list[dict]) -> dict[str, dict]:
        out = {}
        for attname, keys_ in self.decoder.references(documents).items():
            target = self.decoder.kinds[attname]
            out[attname] = self.portable.local_pks(target, keys_)
        return out

    def _check_partition(self, rows: list[tuple[str, dict]]) -> None:
        path = self.spec.kecamatan_path
        first, _sep, rest = path.partition("__")
        if not rest:
            for key, values in rows:
                if values.get(first) != self.kecamatan:
                    raise BundleRefused(
                        Refusal.FOREIGN,
                        f"{self.spec.label} {key}: kecamatan {values.get(first)!r}",
                    )
            return
        field_ = self.meta.get_field(first)
        target = field_.related_model
        ids = {values.get(field_.attname) for _key, values in rows}
        found = dict(target._base_manager.filter(pk__in=ids).values_list("pk", rest))
        for key, values in rows:
            ref = values.get(field_.attname)
            if ref not in found and str(ref) not in {str(k) for k in found}:
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE, f"{self.spec.label} {key}: {first} {ref}"
                )
        for key, values in rows:
            ref = values.get(field_.attname)
            owner = found.get(ref, found.get(str(ref)))
            if owner != self.kecamatan:
                raise BundleRefused(
                    Refusal.FOREIGN, f"{self.spec.label} {key}: {first} of kecamatan {owner!r}"
                )

    def _check_references(self, rows: list[tuple[str, dict]], local_pks: list) -> None:
        """Every foreign key resolves: to a row here, or (self-reference) in this model."""
        for f in self.meta.local_concrete_fields:
            if not f.is_relation or f.attname == self.spec.kecamatan_path.split("__")[0]:
                continue
            if f.name == self.spec.kecamatan_path.partition("__")[0]:
                continue
            kind = self.decoder.kinds.get(f.attname)
            if kind is None or isinstance(kind, registry.Spec) or kind in ("user", "ct", "group"):
                continue  # resolved (or refused) by the decoder already
            ids = {values.get(f.attname) for _key, values in rows} - {None}
            if not ids:
                continue
            target = f.related_model
            if target is self.model:
                for key, values in rows:
                    if values.get(f.attname) is not None:
                        self.pending_self_refs.append((key, f.name, values.get(f.attname)))
                continue
            present = {
                str(pk)
                for pk in target._base_manager.filter(pk__in=ids).values_list("pk", flat=True)
            }
            for key, values in rows:
                value = values.get(f.attname)
                if value is not None and str(value) not in present:
                    raise BundleRefused(
                        Refusal.MISSING_REFERENCE,
                        f"{self.spec.label} {key}: {f.name} = {value}",
                    )

    def _unique_groups(self) -> list[tuple[str, ...]]:
        groups = [
            (f.attname,) for f in self.meta.local_concrete_fields if f.unique and not f.primary_key
        ]
        for constraint in self.meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
                if constraint.fields:
                    groups.append(tuple(self.meta.get_field(n).attname for n in constraint.fields))
        for fields in self.meta.unique_together:
            groups.append(tuple(self.meta.get_field(n).attname for n in fields))
        if self.spec.key == registry.NATURAL:
            natural = tuple(self.meta.get_field(n).attname for n in self.spec.natural)
            groups = [g for g in groups if set(g) != set(natural)]
        return groups

    def _check_unique(self, rows: list[tuple[str, dict]], local_pks: list) -> None:
        for group in self._unique_groups():
            incoming: dict[tuple, str] = {}
            for (key, values), _pk in zip(rows, local_pks, strict=True):
                value = tuple(values.get(a) for a in group)
                if None in value:
                    continue
                if value in incoming:
                    raise BundleRefused(
                        Refusal.UNIQUE_CLASH,
                        _("%(model)s %(a)s and %(b)s share %(fields)s = %(value)s")
                        % {
                            "model": self.spec.label,
                            "a": incoming[value],
                            "b": key,
                            "fields": ", ".join(group),
                            "value": ", ".join(map(str, value)),
                        },
                    )
                incoming[value] = key
            if not incoming:
                continue
            mine = {str(pk) for pk in local_pks if pk is not None}
            for row in self._existing(group, list(incoming)):
                if str(row[0]) in mine:
                    continue
                value = tuple(row[1:])
                normalised = next(
                    (v for v in incoming if tuple(map(str, v)) == tuple(map(str, value))), None
                )
                if normalised is None:
                    continue
                raise BundleRefused(
                    Refusal.UNIQUE_CLASH,
                    _(
                        "%(model)s %(key)s would have %(fields)s = %(value)s, which record "
                        "%(other)s already has here."
                    )
                    % {
                        "model": self.spec.label,
                        "key": incoming[normalised],
                        "fields": ", ".join(group),
                        "value": ", ".join(map(str, value)),
                        "other": row[0],
                    },
                )

    def _existing(self, group: tuple[str, ...], values: list[tuple]):
        """Rows here that already hold one of ``values`` in the fields of ``group``."""
        manager = self.model._base_manager
        if len(group) == 1:
            yield from manager.filter(**{f"{group[0]}__in": [v[0] for v in values]}).values_list(
                "pk", *group
            )
            return
        # SQLite refuses expressions nested deeper than 1000: ask in slices.
        for start in range(0, len(values), 100):
            query = models.Q()
            for value in values[start : start + 100]:
                query |= models.Q(**dict(zip(group, value, strict=True)))
            yield from manager.filter(query).values_list("pk", *group)

    # -- writing -----------------------------------------------------------------------
    def apply(self, lines: list[dict]) -> None:
        deletions = [line for line in lines if line.get("deleted")]
        lines = [line for line in lines if not line.get("deleted")]
        for line in deletions:
            local = self._local_pks([line["key"]]).get(line["key"])
            if local is not None:
                models.QuerySet(self.model).filter(pk=local).delete()
        if not lines:
            return
        documents = [line.get("f") or {} for line in lines]
        translations = self._translations(documents)
        rows = []
        for line, document in zip(lines, documents, strict=True):
            values, problems = self.decoder.decode(document, translations)
            for attname, raw in problems:
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE,
                    f"{self.spec.label} {line.get('key')}: {attname} = {raw}",
                )
            rows.append((line["key"], values))
        self._check_partition(rows)
        keys_ = [key for key, _values in rows]
        existing = self._local_pks(keys_)
        local_pks = [self._pk_for(key, values, existing) for key, values in rows]
        self._check_references(rows, local_pks)
        self._check_unique(rows, local_pks)
        if self.spec.merge:
            rows, local_pks = MERGES[self.spec.merge](self, rows, local_pks)
        new_keys = {key for key in keys_ if key not in existing}
        self._write(rows, local_pks, lines, new_keys=new_keys)
        self.count += len(lines)

    def _local_pks(self, keys_: list[str]) -> dict:
        if self.spec.key == registry.PK:
            pk_field = self.meta.pk
            found = {
                str(pk)
                for pk in self.model._base_manager.filter(
                    pk__in=[pk_field.to_python(k) for k in keys_]
                ).values_list("pk", flat=True)
            }
            return {k: k for k in keys_ if k in found}
        return self.portable.local_pks(self.spec, keys_)

    def _pk_for(self, key: str, values: dict, existing: dict):
        if self.spec.key == registry.PK:
            return values.get(self.meta.pk.attname)
        local = existing.get(key)
        return self.meta.pk.to_python(local) if local is not None else None

    def _upsert_statement(self) -> tuple[str, list]:
        """``INSERT … ON CONFLICT (pk) DO UPDATE`` of every travelling field, and each
        field's preparation, made once per model: what ``bulk_create(update_conflicts=…)``
        sends, without building a model instance and compiling every value per row."""
        if self._upsert_sql is None:
            quote = connection.ops.quote_name
            fields = codec.fields_of(self.spec)
            columns = [quote(f.column) for f in fields]
            updates = ", ".join(
                f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
                for f in fields
                if not f.primary_key
            )
            self._upsert_sql = (
                f"INSERT INTO {quote(self.meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
                f"VALUES ({', '.join(['%s'] * len(columns))}) "
                f"ON CONFLICT ({quote(self.meta.pk.column)}) DO UPDATE SET {updates}"
            )
            self._upsert_fields = [(f.attname, f.get_db_prep_save) for f in fields]
        return self._upsert_sql, self._upsert_fields

    def _upsert(self, rows) -> None:
        sql, fields = self._upsert_statement()
        # The connection itself, not the ``connection`` proxy: each value's preparation
        # asks it for its vendor and operations, and the proxy's lookup cost as much as
        # the preparation.
        db = transaction.get_connection()
        params = [
            tuple(prep(values.get(attname), db) for attname, prep in fields)
            for _key, values in rows
        ]
        with db.cursor() as cursor:
            cursor.executemany(sql, params)

    def _write(self, rows, local_pks, lines, *, new_keys: set[str]) -> None:
        pk_attname = self.meta.pk.attname
        old, new = [], []
        if self.spec.key != registry.PK:
            for (key, values), pk in zip(rows, local_pks, strict=True):
                obj = self.model(**values)
                if pk is not None:
                    setattr(obj, pk_attname, pk)
                    old.append((key, obj))
                else:
                    new.append((key, obj))
        update_fields = [f.name for f in codec.fields_of(self.spec) if not f.primary_key]
        if self.spec.key == registry.PK:
            self._upsert(rows)
        else:
            if old:
                self.model._base_manager.bulk_update([o for _k, o in old], update_fields)
            if new:
                objs = [o for _k, o in new]
                self.model._base_manager.bulk_create(objs)
                if self.spec.key == registry.MAPPED:
                    RecordKey.objects.bulk_create(
                        RecordKey(model=self.spec.label, key=key, local_pk=str(obj.pk))
                        for key, obj in new
                    )
                for key, obj in new:
                    self.portable.remember(self.spec, key, obj.pk)
        if self.spec.file_field:
            self._link_files(rows)
        self._received(rows, lines, new_keys=new_keys)

    def _link_files(self, rows) -> None:
        """Each record's file in private storage: a hard link to the received blob
        (a copy where links are impossible); a file already there is kept."""
        import shutil

        from forms_builder.models.application import private_storage

        attname = self.meta.get_field(self.spec.file_field).attname
        made = _made_dirs()
        for key, values in rows:
            name = values.get(attname)
            if not name:
                continue
            target = private_storage.path(name)
            sha = values.get("sha256") or ""
            source = str(blob_path(sha)) if sha else ""
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            try:
                os.link(source, target)
            except FileExistsError:
                continue
            except FileNotFoundError:
                if os.path.exists(target):
                    continue
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE,
                    _("the file of %(model)s %(key)s is neither in the bundle nor here")
                    % {"model": self.spec.label, "key": key},
                ) from None
            except OSError:
                if os.path.exists(target):
                    continue
                shutil.copyfile(source, target)
            self.created_files.append(Path(target))

    def _received(self, rows, lines, *, new_keys: set[str]) -> None:
        claimed_attname = self.spec.claimed
        received = []
        anomalies = []
        outbox = []
        adapt = connection.ops.adapt_datetimefield_value
        received_at = adapt(self.now)
        for (key, values), line in zip(rows, lines, strict=True):
            claimed = values.get(claimed_attname) if claimed_attname else None
            received.append(
                (
                    self.peer.pk,
                    self.spec.name,
                    key,
                    int(line.get("v") or 0),
                    adapt(claimed) if claimed else None,
                    received_at,
                    self.log.pk,
                )
            )
            if (
                key in new_keys
                and claimed
                and self.reference
                and claimed < self.reference - self.grace
            ):
                anomalies.append(
                    SyncAnomaly(
                        peer=self.peer,
                        bundle=self.log,
                        kind=AnomalyKind.BACKDATED,
                        model=self.spec.label,
                        key=key,
                        claimed_at=claimed,
                        reference_at=self.reference,
                        detail=_("A new record dated before the previous bundle was made."),
                    )
                )
            if self.remember_outbox:
                outbox.append(
                    OutboxRecord(
                        peer=self.peer,
                        model=self.spec.name,
                        key=key,
                        digest=codec.digest(line.get("f") or {}),
                        counter=0,
                    )
                )
        _receipts_insert(received)
        SyncAnomaly.objects.bulk_create(anomalies)
        if outbox:
            OutboxRecord.objects.bulk_create(
                outbox,
                update_conflicts=True,
                unique_fields=["peer", "model", "key"],
                update_fields=["digest", "counter"],
            )

    def finish(self) -> None:
        for key, field_name, ref in self.pending_self_refs:
            if not self.model._base_manager.filter(pk=ref).exists():
                raise BundleRefused(
                    Refusal.MISSING_REFERENCE, f"{self.spec.label} {key}: {field_name} = {ref}"
                )


def _receipts_insert(rows: list[tuple]) -> None:
    """The first receipt of each record (a record received again keeps its first one).

    Plain parameterised INSERTs: the import writes one receipt per record, and building
    model instances for them cost as much as the records themselves.
    """
    if not rows:
        return
    table = ReceivedRecord._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(c)
        for c in ("peer_id", "model", "key", "counter", "claimed_at", "received_at", "bundle_id")
    )
    peer_field = ReceivedRecord._meta.get_field("peer").target_field
    bundle_field = ReceivedRecord._meta.get_field("bundle").target_field
    prepared = [
        (
            peer_field.get_db_prep_value(row[0], connection),
            *row[1:6],
            bundle_field.get_db_prep_value(row[6], connection),
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({quote('peer_id')}, {quote('model')}, {quote('key')}) DO NOTHING",
            prepared,
        )


def _merge_indicator_value(applier: _PartitionApplier, rows, local_pks):
    """The instance owns the submission of an evidence value, the central its verification.

    A value the central has verified (or computed and frozen) keeps the central's
    fields; otherwise the newest submission wins and its verification starts afresh.
    """
    from reporting.models import IndicatorValue

    current = {
        str(v.pk): v
        for v in IndicatorValue.objects.filter(pk__in=[pk for pk in local_pks if pk is not None])
    }
    kept_rows, kept_pks = [], []
    for (key, values), pk in zip(rows, local_pks, strict=True):
        here = current.get(str(pk)) if pk is not None else None
        if here is not None:
            if here.status in (IndicatorValue.Status.VERIFIED, IndicatorValue.Status.FROZEN):
                continue
            incoming = values.get("submitted_at")
            if here.submitted_at and incoming and incoming < here.submitted_at:
                continue
            values["status"] = IndicatorValue.Status.SUBMITTED
            values["verified_by_id"] = None
            values["verified_at"] = None
            values["verification_note"] = here.verification_note
        kept_rows.append((key, values))
        kept_pks.append(pk)
    return kept_rows, kept_pks


MERGES = {"indicator_value": _merge_indicator_value}
