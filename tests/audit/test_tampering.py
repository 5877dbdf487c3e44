"""An attacker with database access drops the triggers and rewrites the log; both
verifiers (``audit_verify`` and the standalone ``verify_export.py``) find each attack,
given a checkpoint taken before it. Runs on the configured database (SQLite or
PostgreSQL)."""

import io
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import connection

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_checkpoint, audit_record, audit_seal_all, audit_verify
from paten.audit.verify_export import event_hash
from tests.bontang import UTARA

from .conftest import raw_execute

pytestmark = pytest.mark.django_db

CHAIN = f"kecamatan:{UTARA}"
VERIFIER = Path(__file__).resolve().parents[2] / "paten" / "audit" / "verify_export.py"


@pytest.fixture
def log(bontang):
    """Six events of Bontang Utara and two pemda-wide ones, sealed and checkpointed."""
    for i in range(6):
        audit_record(actor=None, action="application.submit", kecamatan=UTARA, payload={"i": i})
    for i in range(2):
        audit_record(actor=None, action="catalog.publish", payload={"i": i})
    audit_seal_all()
    checkpoints = audit_checkpoint()
    assert {c.chain_id: c.size for c in checkpoints} == {CHAIN: 6, "pemda": 2}
    return checkpoints


def db_id(event_id):
    return event_id.hex if connection.vendor == "sqlite" else event_id


def events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=CHAIN).order_by("sequence"))


def rehash_from(sequence: int) -> None:
    """Recompute every hash from ``sequence`` on, as a careful attacker would."""
    chain = events()
    prev = chain[sequence - 2].hash if sequence > 1 else "0" * 64
    for event in chain[sequence - 1 :]:
        digest = event_hash(prev, event.document())
        raw_execute(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, db_id(event.pk)],
        )
        prev = digest


def edit_payload() -> None:
    event = events()[2]
    raw_execute(
        "UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"i": 99}', db_id(event.pk)]
    )


def edit_payload_and_rehash() -> None:
    edit_payload()
    rehash_from(3)


def delete_newest() -> None:
    for event in events()[-2:]:
        raw_execute("DELETE FROM audit_auditevent WHERE id = %s", [db_id(event.pk)])


def swap_two() -> None:
    second, third = events()[1:3]
    raw_execute("UPDATE audit_auditevent SET sequence = 100 WHERE id = %s", [db_id(second.pk)])
    raw_execute("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [db_id(third.pk)])
    raw_execute("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [db_id(second.pk)])


def swap_two_and_rehash() -> None:
    swap_two()
    rehash_from(2)


ATTACKS = {
    "edit payload": (edit_payload, 3, "hash_mismatch"),
    "edit payload, recompute later hashes": (edit_payload_and_rehash, 6, "checkpoint_mismatch"),
    "delete the newest events": (delete_newest, 6, "truncated"),
    "swap two events": (swap_two, 2, "broken_link"),
    "swap two events, recompute hashes": (swap_two_and_rehash, 6, "checkpoint_mismatch"),
}


def run_verifier(*args: str) -> subprocess.CompletedProcess:
    # No Django: the module must not even be importable in the verifier's process.
    code = (
        "import runpy, sys; sys.modules['django'] = None; "
        f"sys.argv = ['verify_export.py', *{list(args)!r}]; "
        f"runpy.run_path({str(VERIFIER)!r}, run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60
    )


def export_and_verify(tmp_path: Path, *, checkpoints: Path) -> subprocess.CompletedProcess:
    from paten.audit.keys import public_verifier_key

    export = tmp_path / "export"
    call_command("audit_export", str(export), stdout=io.StringIO())
    files = sorted(str(p) for p in export.glob("*.ndjson"))
    return run_verifier(
        "--key", public_verifier_key(), "--checkpoint", str(checkpoints), "--", *files
    )


@pytest.fixture
def witness_copy(log, tmp_path) -> Path:
    """The checkpoints as a witness keeps them (outside the database)."""
    path = tmp_path / "witness.txt"
    path.write_text("\n".join(c.note for c in log), encoding="utf-8")
    return path


def test_untouched_log_verifies_with_both(witness_copy, tmp_path):
    assert audit_verify().ok
    completed = export_and_verify(tmp_path, checkpoints=witness_copy)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"OK: {CHAIN}: 6 events, 1 checkpoints" in completed.stdout
    assert "OK: pemda: 2 events, 1 checkpoints" in completed.stdout


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_is_found_by_audit_verify(witness_copy, attack):
    tamper, sequence, reason = ATTACKS[attack]
    tamper()
    result = audit_verify()
    assert not result.ok
    assert (result.chain, result.sequence, result.reason) == (CHAIN, sequence, reason)
    assert result.chains["pemda"] == 2


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_is_found_by_the_standalone_verifier(witness_copy, tmp_path, attack):
    tamper, sequence, reason = ATTACKS[attack]
    tamper()
    completed = export_and_verify(tmp_path, checkpoints=witness_copy)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert f"FAILED: {CHAIN}: event #{sequence}" in completed.stdout
    assert reason in completed.stdout
    assert "OK: pemda: 2 events" in completed.stdout


def test_the_checkpoint_rows_gone_a_witness_copy_still_finds_the_rewrite(witness_copy, log):
    edit_payload_and_rehash()
    raw_execute("DELETE FROM audit_auditcheckpoint")
    assert audit_verify().ok  # the database alone now looks consistent
    notes = [c.note for c in log]
    result = audit_verify(checkpoints=notes)
    assert (result.chain, result.reason) == (CHAIN, "checkpoint_mismatch")
