"""Existing events of the single global chain move into per-partition chains."""

import hashlib
import json
import uuid
from datetime import UTC, datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_verify
from tests.bontang import SELATAN, UTARA

BEFORE = ("audit", "0002_append_only_triggers")


def old_hash(prev: str, document: dict) -> str:
    """The hash of the global chain (the canonical JSON had no chain key then)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + text).encode("utf-8")).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_events_are_rechained_per_partition_with_the_old_head_recorded(bontang):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    OldEvent = old_apps.get_model("audit", "AuditEvent")
    prev = "0" * 64
    kecamatan = [UTARA, None, SELATAN, UTARA, None]
    for sequence, code in enumerate(kecamatan, start=1):
        event_id = uuid.uuid4()
        timestamp = datetime(2026, 3, sequence, 1, 30, tzinfo=UTC)
        document = {
            "id": str(event_id),
            "sequence": sequence,
            "timestamp": timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": "",
            "action": f"old.event{sequence}",
            "target_type": "",
            "target_id": "",
            "kecamatan": code,
            "payload": {"n": sequence},
        }
        digest = old_hash(prev, document)
        OldEvent.objects.create(
            id=event_id,
            sequence=sequence,
            timestamp=timestamp,
            actor_username="",
            action=document["action"],
            target_object_id="",
            kecamatan_id=code,
            payload=document["payload"],
            prev_hash=prev,
            hash=digest,
        )
        prev = digest

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    result = audit_verify()
    assert result.ok, result.problems
    assert result.chains == {f"kecamatan:{UTARA}": 3, f"kecamatan:{SELATAN}": 2, "pemda": 3}
    for chain in result.chains:
        first = AuditEvent.objects.get(chain=chain, sequence=1)
        assert first.action == "audit.chain_start"
        assert first.payload == {"previous_global_size": 5, "previous_global_head": prev}
    utara = AuditEvent.objects.filter(chain=f"kecamatan:{UTARA}").order_by("sequence")
    assert [e.action for e in utara] == ["audit.chain_start", "old.event1", "old.event4"]
    # The triggers of the new layout are in place.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
