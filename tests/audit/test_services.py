import datetime
import decimal

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import pytest

from paten.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditEventImmutable
from paten.audit.services import audit_record, audit_verify
from paten.regions.models import Region

from .conftest import raw_execute

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="petugas", password="x")


@pytest.fixture
def chain(bontang, user):
    kecamatan = Region.objects.get(code="64.74.01")
    return [
        audit_record(
            actor=user, action="application.submit", target=kecamatan, kecamatan=kecamatan
        ),
        audit_record(
            actor=user,
            action="application.transition",
            kecamatan="64.74.02",
            payload={"from": "submitted", "to": "verified", "fee": decimal.Decimal("0.00")},
        ),
        audit_record(
            actor=None, action="system.cleanup", payload={"at": datetime.date(2026, 3, 18)}
        ),
        audit_record(actor=user, action="ppid.respond", kecamatan="64.74.01", payload={"ü": "ok"}),
        audit_record(actor=user, action="application.issue", kecamatan="64.74.01"),
    ]


class TestAuditRecord:
    def test_chain_of_events_verifies(self, chain):
        result = audit_verify()
        assert result.ok
        assert result.count == 5
        assert [e.sequence for e in chain] == [1, 2, 3, 4, 5]
        assert chain[0].prev_hash == GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))

    def test_stored_fields(self, chain, user):
        first = AuditEvent.objects.get(pk=chain[0].pk)
        assert first.actor == user
        assert first.actor_username == "petugas"
        assert first.target_type_label == "regions.region"
        assert first.target_object_id == "64.74.01"
        assert first.kecamatan_id == "64.74.01"
        # Non-JSON types are stored as their JSON form, which is what was hashed.
        assert AuditEvent.objects.get(pk=chain[1].pk).payload["fee"] == "0.00"
        assert AuditEvent.objects.get(pk=chain[2].pk).payload == {"at": "2026-03-18"}

    def test_hash_is_reproducible_from_the_stored_row(self, chain):
        for event in AuditEvent.objects.all():
            assert event.compute_hash() == event.hash

    def test_canonical_json_is_sorted_and_compact(self, chain):
        text = AuditEvent.objects.get(pk=chain[3].pk).canonical_json()
        assert text.startswith('{"action":"ppid.respond","actor":"petugas",')
        assert '"ü"' in text  # UTF-8, not \u escapes
        assert ", " not in text and ": " not in text
        assert '"timestamp":"' in text and text.split('"timestamp":"')[1][26] == "Z"

    def test_head_tracks_last_event(self, chain):
        head = AuditChainHead.objects.get()
        assert (head.sequence, head.hash) == (5, chain[-1].hash)

    def test_head_is_rebuilt_from_events_if_missing(self, chain):
        AuditChainHead.objects.all().delete()
        event = audit_record(actor=None, action="system.check")
        assert event.sequence == 6
        assert event.prev_hash == chain[-1].hash
        assert audit_verify().count == 6

    def test_anonymous_actor_is_recorded_as_system(self, db):
        from django.contrib.auth.models import AnonymousUser

        event = audit_record(actor=AnonymousUser(), action="public.view")
        assert event.actor is None
        assert event.actor_username == ""

    def test_kecamatan_must_be_a_kecamatan_code(self, bontang):
        with pytest.raises(ValueError):
            audit_record(actor=None, action="x.y", kecamatan="64.74")

    def test_deleting_the_actor_keeps_the_event_and_the_chain(self, chain, user):
        user.delete()
        event = AuditEvent.objects.get(pk=chain[0].pk)
        assert event.actor is None
        assert event.actor_username == "petugas"
        assert audit_verify().ok

    def test_rollback_removes_the_event_too(self, chain):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, action="application.submit")
            raise RuntimeError
        assert audit_record(actor=None, action="application.submit").sequence == 6
        assert audit_verify().ok


class TestOrmRefusesChanges:
    def test_save_of_existing_event(self, chain):
        event = AuditEvent.objects.get(pk=chain[0].pk)
        event.action = "tampered"
        with pytest.raises(AuditEventImmutable):
            event.save()

    def test_delete_of_event(self, chain):
        with pytest.raises(AuditEventImmutable):
            chain[0].delete()

    def test_queryset_update(self, chain):
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.filter(sequence=1).update(action="tampered")

    def test_queryset_delete(self, chain):
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.all().delete()

    def test_bulk_update(self, chain):
        chain[0].action = "tampered"
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.bulk_update([chain[0]], ["action"])
        assert audit_verify().ok


class TestDatabaseTriggers:
    """Both vendors: the table refuses UPDATE and DELETE even without the ORM."""

    def test_raw_update_is_refused(self, chain):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE sequence = 2")
        assert AuditEvent.objects.get(sequence=2).action == "application.transition"

    def test_raw_update_of_actor_to_another_user_is_refused(self, chain):
        other = get_user_model().objects.create_user(username="other", password="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE audit_auditevent SET actor_id = %s WHERE sequence = 1", [other.pk]
                )

    def test_raw_delete_is_refused(self, chain):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 2")
        assert AuditEvent.objects.count() == 5


class TestAuditVerify:
    def test_empty_chain_is_ok(self, db):
        assert audit_verify().ok
        assert audit_verify().count == 0

    def test_edited_payload_names_that_event(self, chain):
        raw_execute("UPDATE audit_auditevent SET action = 'tampered' WHERE sequence = 3")
        result = audit_verify(chunk_size=2)
        assert not result.ok
        assert (result.sequence, result.event_id, result.reason) == (
            3,
            str(chain[2].pk),
            "hash_mismatch",
        )
        assert result.count == 2

    def test_recomputed_hash_breaks_the_next_link(self, chain):
        raw_execute("UPDATE audit_auditevent SET hash = %s WHERE sequence = 3", ["f" * 64])
        result = audit_verify()
        # Event 3's own hash no longer matches its content: reported first.
        assert (result.sequence, result.reason) == (3, "hash_mismatch")

    def test_changed_prev_hash_is_a_broken_link(self, chain):
        raw_execute("UPDATE audit_auditevent SET prev_hash = %s WHERE sequence = 4", ["a" * 64])
        result = audit_verify()
        assert (result.sequence, result.event_id, result.reason) == (
            4,
            str(chain[3].pk),
            "broken_link",
        )

    def test_removed_event_is_a_sequence_gap(self, chain):
        raw_execute("DELETE FROM audit_auditevent WHERE sequence = 2")
        result = audit_verify()
        assert (result.sequence, result.event_id, result.reason) == (
            3,
            str(chain[2].pk),
            "sequence_gap",
        )


class TestAuditVerifyCommand:
    def test_ok(self, chain, capsys):
        call_command("audit_verify")
        assert capsys.readouterr().out.strip() == "OK: 5 events verified"

    def test_names_the_tampered_event_and_exits_1(self, chain):
        raw_execute("UPDATE audit_auditevent SET payload = %s WHERE sequence = 2", ['{"to": "x"}'])
        with pytest.raises(CommandError) as excinfo:
            call_command("audit_verify")
        assert excinfo.value.returncode == 1
        message = str(excinfo.value)
        assert "#2" in message
        assert str(chain[1].pk) in message
        assert "hash_mismatch" in message
