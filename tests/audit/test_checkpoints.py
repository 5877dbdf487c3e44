"""Signed checkpoints: the C2SP tlog-checkpoint note, the key, refusals, witnesses."""

import base64
import hashlib
import os
import stat
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from paten.audit import keys
from paten.audit.models import AuditCheckpoint, AuditSettings
from paten.audit.services import (
    audit_checkpoint,
    audit_record,
    audit_seal_all,
    audit_verify,
    checkpoint_refusal,
)
from paten.audit.verify_export import (
    CheckpointError,
    VerifierKey,
    checkpoint_parse,
    checkpoint_text,
    checkpoints_split,
    sign_note,
)
from tests.bontang import UTARA

pytestmark = pytest.mark.django_db

CHAIN = f"kecamatan:{UTARA}"


@pytest.fixture
def chain(bontang):
    for i in range(3):
        audit_record(actor=None, action="application.submit", kecamatan=UTARA, payload={"i": i})
    audit_seal_all()


def forged(size: int, head_hex: str, *, key=None) -> str:
    """A checkpoint of this installation's chain signed by ``key`` (default: ours)."""
    text = checkpoint_text(keys.origin_for(CHAIN), size, head_hex)
    if key is None:
        return keys.sign(text)
    public = key.public_key().public_bytes_raw()
    return sign_note(text, keys.key_name(), lambda m: (public, key.sign(m)))


class TestNoteFormat:
    def test_checkpoint_is_a_c2sp_signed_note(self, chain):
        checkpoint = audit_checkpoint(chains=[CHAIN])[0]
        text, signature_line = checkpoint.note.split("\n\n")
        origin, size, head = text.split("\n")
        assert origin == f"paten.test/audit/{CHAIN}"
        assert size == "3"
        assert base64.b64decode(head).hex() == checkpoint.head_hash
        assert signature_line.startswith("\u2014 paten.test/audit ")
        blob = base64.b64decode(signature_line.split(" ")[2])
        public = keys.public_bytes()
        key_hash = hashlib.sha256(b"paten.test/audit\n\x01" + public).digest()[:4]
        assert blob[:4] == key_hash
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], (text + "\n").encode())

    def test_verifier_key_line(self, db):
        line = keys.public_verifier_key()
        name, key_hash, encoded = line.split("+", 2)
        assert name == "paten.test/audit"
        assert base64.b64decode(encoded) == b"\x01" + keys.public_bytes()
        assert VerifierKey.parse(line).key_id.hex() == key_hash

    def test_public_key_command_prints_it(self, db, capsys):
        call_command("audit_public_key")
        assert capsys.readouterr().out.strip() == keys.public_verifier_key()

    def test_notes_in_one_file_are_split(self, chain):
        notes = [c.note for c in audit_checkpoint()]
        audit_record(actor=None, action="application.more", kecamatan=UTARA)
        notes += [c.note for c in audit_checkpoint()]
        assert checkpoints_split("\n".join(notes)) == notes

    def test_empty_chain_checkpoint(self, db):
        note = keys.sign(checkpoint_text(keys.origin_for("pemda"), 0, None))
        assert checkpoint_parse(note, keys.verifier()).size == 0
        assert checkpoint_refusal(note) is None


class TestKey:
    def test_key_file_is_private(self, db, settings):
        keys.public_bytes()
        mode = stat.S_IMODE(os.stat(settings.PATEN_AUDIT_KEY_FILE).st_mode)
        assert mode == 0o600

    def test_key_from_the_environment(self, db, monkeypatch, settings):
        private = Ed25519PrivateKey.generate()
        monkeypatch.setenv(keys.ENV_KEY, base64.b64encode(private.private_bytes_raw()).decode())
        assert keys.public_bytes() == private.public_key().public_bytes_raw()
        assert not os.path.exists(settings.PATEN_AUDIT_KEY_FILE)

    def test_migrate_creates_the_key(self, db, settings):
        keys.create_key_after_migrate(sender=None)
        assert os.path.exists(settings.PATEN_AUDIT_KEY_FILE)


class TestRefusals:
    def test_a_good_checkpoint_holds(self, chain):
        note = audit_checkpoint(chains=[CHAIN])[0].note
        assert checkpoint_refusal(note) is None

    def test_bad_signature_is_refused(self, chain):
        note = audit_checkpoint(chains=[CHAIN])[0].note
        tampered = note.replace("\n3\n", "\n2\n", 1)
        assert checkpoint_refusal(tampered) == "bad signature"
        with pytest.raises(CheckpointError):
            checkpoint_parse(tampered, keys.verifier())

    def test_a_stranger_signature_is_refused(self, chain):
        stranger = forged(3, "ab" * 32, key=Ed25519PrivateKey.generate())
        assert "paten.test/audit" in checkpoint_refusal(stranger)

    def test_size_the_chain_never_had_is_refused(self, chain):
        assert checkpoint_refusal(forged(9, "ab" * 32)) == f"chain {CHAIN} never had size 9"

    def test_other_head_at_that_size_is_refused(self, chain):
        assert "another head" in checkpoint_refusal(forged(2, "ab" * 32))

    def test_audit_verify_refuses_a_stored_checkpoint_with_a_bad_signature(self, chain):
        checkpoint = audit_checkpoint(chains=[CHAIN])[0]
        AuditCheckpoint(
            chain_id=CHAIN,
            size=3,
            head_hash=checkpoint.head_hash,
            created_at=timezone.now(),
            note=checkpoint.note.replace("\n3\n", "\n1\n", 1),
        ).save()
        result = audit_verify()
        assert (result.chain, result.reason) == (CHAIN, "bad_signature")

    def test_audit_verify_refuses_a_size_the_chain_never_had(self, chain):
        result = audit_verify(checkpoints=[forged(9, "ab" * 32)])
        assert (result.chain, result.sequence, result.reason) == (CHAIN, 9, "truncated")


class TestSchedule:
    def test_due_only_skips_recent_and_unchanged_chains(self, chain):
        assert len(audit_checkpoint(due_only=True)) == 1
        assert audit_checkpoint(due_only=True) == []  # younger than the interval
        past = timezone.now() - timedelta(minutes=61)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditcheckpoint SET created_at = %s", [past])
        assert audit_checkpoint(due_only=True) == []  # the chain did not grow
        audit_record(actor=None, action="application.more", kecamatan=UTARA)
        made = audit_checkpoint(due_only=True)
        assert [(c.chain_id, c.size) for c in made] == [(CHAIN, 4)]

    def test_the_interval_is_an_admin_setting(self, chain):
        settings_row = AuditSettings.load()
        settings_row.checkpoint_interval_minutes = 1
        settings_row.save()
        audit_checkpoint(due_only=True)
        audit_record(actor=None, action="application.more", kecamatan=UTARA)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditcheckpoint SET created_at = %s",
                [timezone.now() - timedelta(minutes=2)],
            )
        assert len(audit_checkpoint(due_only=True)) == 1

    def test_witnesses_receive_new_checkpoints(self, chain, django_capture_on_commit_callbacks):
        settings_row = AuditSettings.load()
        settings_row.witness_emails = "inspektorat@bontangkota.go.id\nbupati@bontangkota.go.id"
        settings_row.save()
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint = audit_checkpoint(chains=[CHAIN])[0]
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["inspektorat@bontangkota.go.id", "bupati@bontangkota.go.id"]
        assert checkpoint.note in message.body
        assert keys.public_verifier_key() in message.body

    def test_no_witnesses_no_mail(self, chain, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            audit_checkpoint(chains=[CHAIN])
        assert mail.outbox == []

    def test_witness_addresses_are_checked(self, db):
        from django.core.exceptions import ValidationError

        settings_row = AuditSettings.load()
        settings_row.witness_emails = "inspektorat@bontangkota.go.id\nbukan-alamat"
        with pytest.raises(ValidationError) as excinfo:
            settings_row.full_clean()
        assert "bukan-alamat" in str(excinfo.value)

    def test_checkpoint_command_prints_the_notes(self, chain, capsys):
        call_command("audit_checkpoint", CHAIN)
        assert capsys.readouterr().out.startswith(f"paten.test/audit/{CHAIN}\n3\n")
