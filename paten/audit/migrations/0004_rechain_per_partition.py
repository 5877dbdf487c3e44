"""Re-chain the existing events per partition and install the new triggers.

Every event moves to its chain (``kecamatan:<code>`` or ``pemda``) in the order of the old
global sequence. Each new chain starts with an ``audit.chain_start`` event whose payload
records the old global chain's head (size and hash), so that a witness who kept that head
can still tie the old history to the new chains. Uses the hash format of
``paten.audit.verify_export`` and raw SQL (the triggers are off meanwhile).
"""

import json
import uuid
from datetime import UTC, datetime

from django.db import migrations

from paten.audit.verify_export import GENESIS_HASH, event_hash

_LEGACY = "legacy"


def _document(row, chain, sequence, labels):
    event_id, timestamp, username, action, ct_id, target_id, kecamatan, payload = row
    if isinstance(timestamp, str):
        timestamp = datetime.fromisoformat(timestamp)
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    if isinstance(payload, str):
        payload = json.loads(payload)
    return {
        "id": str(uuid.UUID(str(event_id))),
        "chain": chain,
        "sequence": sequence,
        "timestamp": timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": username or "",
        "action": action,
        "target_type": labels.get(ct_id, ""),
        "target_id": target_id or "",
        "kecamatan": kecamatan or None,
        "payload": payload,
    }


def rechain(apps, schema_editor):
    from paten.audit import triggers

    connection = schema_editor.connection
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChain = apps.get_model("audit", "AuditChain")
    ContentType = apps.get_model("contenttypes", "ContentType")
    triggers.remove(connection)
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    old_head = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    )
    if old_head is not None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET chain = %s", [_LEGACY])
        rows = (
            AuditEvent.objects.filter(chain=_LEGACY)
            .order_by("sequence")
            .values_list(
                "id",
                "timestamp",
                "actor_username",
                "action",
                "target_content_type_id",
                "target_object_id",
                "kecamatan_id",
                "payload",
            )
        )
        now = datetime.now(UTC)
        heads: dict[str, tuple[int, str]] = {}
        pending: list[tuple] = []
        prep = AuditEvent._meta.pk.get_db_prep_value

        def flush():
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE audit_auditevent SET chain = %s, sequence = %s, prev_hash = %s, "
                    "hash = %s WHERE id = %s",
                    pending,
                )
            pending.clear()

        for row in list(rows):
            kecamatan = row[6]
            chain = f"kecamatan:{kecamatan}" if kecamatan else "pemda"
            if chain not in heads:
                start = AuditEvent(
                    id=uuid.uuid4(),
                    chain=chain,
                    sequence=1,
                    timestamp=now,
                    actor_username="",
                    action="audit.chain_start",
                    target_object_id="",
                    kecamatan_id=kecamatan,
                    payload={
                        "previous_global_size": old_head[0],
                        "previous_global_head": old_head[1],
                    },
                    prev_hash=GENESIS_HASH,
                )
                start.hash = event_hash(
                    GENESIS_HASH,
                    _document(
                        (start.id, now, "", start.action, None, "", kecamatan, start.payload),
                        chain,
                        1,
                        labels,
                    ),
                )
                start.save(force_insert=True)
                heads[chain] = (1, start.hash)
            size, head = heads[chain]
            size += 1
            digest = event_hash(head, _document(row, chain, size, labels))
            pending.append((chain, size, head, digest, prep(row[0], connection)))
            heads[chain] = (size, digest)
            if len(pending) >= 1000:
                flush()
        if pending:
            flush()
        for chain, (size, head) in heads.items():
            AuditChain.objects.update_or_create(
                id=chain, defaults={"sealed_size": size, "head_hash": head, "sealed_at": now}
            )
    triggers.install(connection)


def unchain(apps, schema_editor):
    """Only an empty log goes back: per-chain sequences cannot be one global sequence."""
    from paten.audit import triggers

    if apps.get_model("audit", "AuditEvent").objects.exists():
        raise RuntimeError("the per-partition chains cannot be merged back into one")
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_partitioned_chains")]

    operations = [migrations.RunPython(rechain, unchain, elidable=False)]
