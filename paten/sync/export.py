"""Writing a bundle for a peer: scan, give changed records a new counter, write what is due.

docs/sync.md §5: every record in scope is encoded and its digest compared with the
outbox; a changed or new record gets the next counter; the bundle carries every record
whose counter is above ``counter_from`` and the tombstones of records that left the
scope. Memory stays bounded: records are read in key order in chunks, their lines are
staged in temporary files, and file contents are streamed from private storage.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from . import audit_segment, codec, registry
from .constants import BundleKind, BundleStatus, Direction
from .container import BundleWriter
from .models import BundleLog, OutboxRecord, Peer

CHUNK = 2000


@dataclass
class ExportResult:
    log: BundleLog
    path: Path
    bundle_hash: str
    counts: dict


def _private_storage():
    from forms_builder.models.application import private_storage

    return private_storage


def _chunks(queryset, attnames: list[str]):
    """``(pks, rows)`` per chunk, in primary-key order (keyset pagination)."""
    last = None
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page.values_list("pk", *attnames)[:CHUNK])
        if not rows:
            return
        yield [r[0] for r in rows], [r[1:] for r in rows]
        last = rows[-1][0]


class _Scan:
    """The scan of one spec for one peer, writing due lines to a staged file."""

    def __init__(self, *, spec, peer, portable, counter_from, staging_dir, next_counter):
        self.spec = spec
        self.peer = peer
        self.portable = portable
        self.counter_from = counter_from
        self.next_counter = next_counter
        self.encoder = codec.Encoder(spec, portable)
        self.staged = tempfile.TemporaryFile(dir=staging_dir)
        self.count = 0
        self.seen = 0

    def _keys(self, pks: list) -> list[str]:
        if self.spec.key == registry.PK:
            return [str(codec.plain(pk)) for pk in pks]
        mapping = self.portable.sync_keys(self.spec, pks)
        return [mapping[str(pk)] for pk in pks]

    def run(self, kecamatan: str) -> None:
        queryset = self.spec.scope(kecamatan)
        file_index = (
            self.encoder.attnames.index(
                self.spec.model._meta.get_field(self.spec.file_field).attname
            )
            if self.spec.file_field
            else None
        )
        for pks, rows in _chunks(queryset, self.encoder.attnames):
            self.seen += len(pks)
            documents = self.encoder.encode_chunk(rows, pks)
            keys = self._keys(pks)
            known = {
                o.key: o
                for o in OutboxRecord.objects.filter(
                    peer=self.peer, model=self.spec.name, key__in=keys
                )
            }
            new, changed = [], []
            for key, document, row in zip(keys, documents, rows, strict=True):
                digest = codec.digest(document)
                outbox = known.get(key)
                blob, blob_name = "", ""
                if file_index is not None and row[file_index]:
                    blob_name = row[file_index]
                    blob = document.get("sha256", "")
                if outbox is None:
                    outbox = OutboxRecord(
                        peer=self.peer,
                        model=self.spec.name,
                        key=key,
                        digest=digest,
                        counter=self.next_counter(),
                        blob=blob,
                        blob_name=blob_name,
                    )
                    new.append(outbox)
                elif outbox.digest != digest or outbox.deleted:
                    outbox.digest = digest
                    outbox.counter = self.next_counter()
                    outbox.deleted = False
                    outbox.blob, outbox.blob_name = blob, blob_name
                    changed.append(outbox)
                if outbox.counter > self.counter_from:
                    self._write({"key": key, "v": outbox.counter, "f": document})
            OutboxRecord.objects.bulk_create(new)
            OutboxRecord.objects.bulk_update(
                changed, ["digest", "counter", "deleted", "blob", "blob_name"]
            )
        self._tombstones(kecamatan)

    def _tombstones(self, kecamatan: str) -> None:
        alive = OutboxRecord.objects.filter(peer=self.peer, model=self.spec.name, deleted=False)
        if alive.count() > self.seen:
            queryset = self.spec.scope(kecamatan)
            for chunk in _key_chunks(alive):
                local = self._local_pks(chunk)
                present = {
                    str(codec.plain(pk))
                    for pk in queryset.filter(pk__in=[p for p in local.values() if p]).values_list(
                        "pk", flat=True
                    )
                }
                gone = [key for key in chunk if local.get(key) not in present]
                for outbox in OutboxRecord.objects.filter(
                    peer=self.peer, model=self.spec.name, key__in=gone
                ):
                    outbox.deleted = True
                    outbox.counter = self.next_counter()
                    outbox.save(update_fields=["deleted", "counter"])
        for key, counter in OutboxRecord.objects.filter(
            peer=self.peer, model=self.spec.name, deleted=True, counter__gt=self.counter_from
        ).values_list("key", "counter"):
            self._write({"key": key, "v": counter, "deleted": True})

    def _local_pks(self, keys: list[str]) -> dict[str, str | None]:
        if self.spec.key == registry.PK:
            return {key: key for key in keys}
        found = self.portable.local_pks(self.spec, keys)
        return {key: found.get(key) for key in keys}

    def _write(self, line: dict) -> None:
        self.staged.write(codec.canonical(line) + b"\n")
        self.count += 1

    def lines(self):
        self.staged.seek(0)
        yield from self.staged
        self.staged.close()


def _key_chunks(queryset):
    last = None
    queryset = queryset.order_by("key")
    while True:
        page = queryset if last is None else queryset.filter(key__gt=last)
        keys = list(page.values_list("key", flat=True)[:CHUNK])
        if not keys:
            return
        yield keys
        last = keys[-1]


def specs_for_kind(kind: str) -> list[registry.Spec]:
    if kind == BundleKind.UP:
        return registry.PARTITION_SPECS
    if kind == BundleKind.DOWN:
        return registry.CONFIG_SPECS
    return registry.CONFIG_SPECS + registry.PARTITION_SPECS


def bundle_export(
    *,
    peer: Peer,
    path: Path | str,
    kind: str,
    kecamatan: str,
    final: bool = False,
    resend: bool = False,
    extra: dict | None = None,
    header_extra: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the next bundle for ``peer`` to ``path`` and record it (docs/sync.md §4–5).

    ``resend`` starts from what the peer acknowledged instead of the previous bundle, so
    a lost bundle is made good. Everything runs in one transaction: if writing fails,
    no counter moves.
    """
    from . import identity, keys

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    me = identity.installation()
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=peer.pk)
        counter_from = peer.acked_counter if resend else peer.out_sent_counter
        previous = (
            {"sequence": peer.acked_sequence, "hash": peer.acked_hash}
            if resend
            else {"sequence": peer.out_sequence, "hash": peer.out_hash}
        )
        sequence = peer.out_sequence + 1
        counter = {"value": peer.out_counter}

        def next_counter() -> int:
            counter["value"] += 1
            return counter["value"]

        header = {
            "kind": str(kind),
            "sender": str(me.installation_id),
            "receiver": str(peer.id),
            "kecamatan": kecamatan,
            "sequence": sequence,
            **(header_extra or {}),
        }
        writer = BundleWriter(
            path,
            header=header,
            receiver=keys.x25519_public(peer.encryption_key),
            signing_key=keys.signing_key(),
        )
        try:
            portable = codec.Portable(installation_id=str(me.installation_id))
            scans = []
            done = 0
            for spec in specs_for_kind(kind):
                scan = _Scan(
                    spec=spec,
                    peer=peer,
                    portable=portable,
                    counter_from=counter_from,
                    staging_dir=path.parent,
                    next_counter=next_counter,
                )
                scan.run(kecamatan)
                scans.append(scan)
                done += scan.count
                if progress:
                    progress(done)
            files = _add_files(writer, peer=peer, counter_from=counter_from, upto=counter["value"])
            audit = (
                audit_segment.segment_add(
                    writer, central=peer, instance_id=me.installation_id, resend=resend
                )
                if kind == BundleKind.UP
                else None
            )
            counts = {}
            for scan in scans:
                if scan.count:
                    writer.add_records(scan.spec.name, scan.lines())
                    counts[scan.spec.name] = scan.count
            now = timezone.now()
            manifest = {
                "previous": previous,
                "counter_from": counter_from,
                "counter_to": counter["value"],
                "ack": {
                    "sequence": peer.in_sequence,
                    "hash": peer.in_hash,
                    "counter": peer.in_counter,
                    # At the central: how much of the instance's audit chain it accepted.
                    **({"audit_size": peer.audit_size} if kind != BundleKind.UP else {}),
                },
                "created_at": codec.plain(now),
                "final": final,
                "records": counts,
                "files": files,
                **({"audit": audit} if audit is not None else {}),
                **(extra or {}),
            }
            bundle_hash = writer.finish(manifest)
        except BaseException:
            writer.abort()
            raise
        peer.out_sequence = sequence
        peer.out_hash = bundle_hash
        peer.out_counter = counter["value"]
        peer.out_sent_counter = counter["value"]
        update_fields = ["out_sequence", "out_hash", "out_counter", "out_sent_counter"]
        if audit is not None:
            audit_segment.segment_sent(peer, audit)
            update_fields += ["audit_size", "audit_head"]
        peer.save(update_fields=update_fields)
        log = BundleLog.objects.create(
            peer=peer,
            direction=Direction.OUT,
            kind=kind,
            sequence=sequence,
            bundle_hash=bundle_hash,
            previous_sequence=previous["sequence"],
            previous_hash=previous["hash"],
            counter_from=counter_from,
            counter_to=counter["value"],
            final=final,
            status=BundleStatus.WRITTEN,
            counts=counts,
            size=path.stat().st_size,
            claimed_at=now,
        )
    return ExportResult(log=log, path=path, bundle_hash=bundle_hash, counts=counts)


def _add_files(writer: BundleWriter, *, peer: Peer, counter_from: int, upto: int) -> int:
    """Each distinct file content due in this bundle, streamed from private storage."""
    rows = (
        OutboxRecord.objects.filter(
            peer=peer, counter__gt=counter_from, counter__lte=upto, deleted=False
        )
        .exclude(blob="")
        .values("blob")
        .annotate(name=Min("blob_name"))
        .order_by("blob")
    )
    storage = _private_storage()
    count = 0
    for row in rows.iterator(chunk_size=CHUNK):
        name = row["name"]
        size = storage.size(name)
        with storage.open(name, "rb") as handle:
            writer.add_file(
                sha256=row["blob"], size=size, chunks=iter(lambda h=handle: h.read(65536), b"")
            )
        count += 1
    return count
