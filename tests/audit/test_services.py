import datetime
import decimal

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import pytest

from paten.audit.models import GENESIS_HASH, AuditChain, AuditEvent, AuditEventImmutable
from paten.audit.services import audit_record, audit_seal, audit_seal_all, audit_verify
from tests.bontang import SELATAN, UTARA

from .conftest import raw_execute

pytestmark = pytest.mark.django_db

CHAIN_UTARA = f"kecamatan:{UTARA}"
CHAIN_SELATAN = f"kecamatan:{SELATAN}"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="petugas", password="x")


@pytest.fixture
def events(bontang, utara, user):
    return [
        audit_record(actor=user, action="application.submit", target=utara, kecamatan=utara),
        audit_record(
            actor=user,
            action="application.transition",
            kecamatan=SELATAN,
            payload={"from": "submitted", "to": "verified", "fee": decimal.Decimal("0.00")},
        ),
        audit_record(
            actor=None, action="system.cleanup", payload={"at": datetime.date(2026, 3, 18)}
        ),
        audit_record(actor=user, action="ppid.respond", kecamatan=UTARA, payload={"ü": "ok"}),
        audit_record(actor=user, action="application.issue", kecamatan=UTARA),
    ]


@pytest.fixture
def sealed(events):
    audit_seal_all()
    return {e.pk: AuditEvent.objects.get(pk=e.pk) for e in events}


def chain_of(chain: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=chain).order_by("sequence"))


class TestAuditRecord:
    def test_events_go_to_the_chain_of_their_kecamatan(self, events):
        assert [e.chain for e in events] == [
            CHAIN_UTARA,
            CHAIN_SELATAN,
            "pemda",
            CHAIN_UTARA,
            CHAIN_UTARA,
        ]

    def test_an_event_is_written_unsealed(self, events):
        stored = AuditEvent.objects.get(pk=events[0].pk)
        assert (stored.sequence, stored.prev_hash, stored.hash) == (None, None, None)
        assert not stored.is_sealed

    def test_an_event_is_one_insert_outside_wagtails_reference_index(self, user, bontang):
        from django.test.utils import CaptureQueriesContext
        from django.urls import get_resolver
        from wagtail.models import ReferenceIndex

        assert get_resolver().url_patterns  # loading the admin's viewsets registers models
        with CaptureQueriesContext(connection) as queries:
            audit_record(actor=user, action="application.submit", kecamatan=UTARA)
        assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
        assert not ReferenceIndex.objects.filter(content_type__model="auditevent").exists()

    def test_another_chain_can_be_named(self, bontang):
        event = audit_record(actor=None, action="sync.received", chain="instance:7")
        assert event.chain == "instance:7"

    def test_stored_fields(self, events, user):
        first = AuditEvent.objects.get(pk=events[0].pk)
        assert first.actor == user
        assert first.actor_username == "petugas"
        assert first.target_type_label == "regions.region"
        assert first.target_object_id == UTARA
        assert first.kecamatan_id == UTARA
        # Non-JSON types are stored as their JSON form, which is what is hashed.
        assert AuditEvent.objects.get(pk=events[1].pk).payload["fee"] == "0.00"
        assert AuditEvent.objects.get(pk=events[2].pk).payload == {"at": "2026-03-18"}

    def test_anonymous_actor_is_recorded_as_system(self, db):
        from django.contrib.auth.models import AnonymousUser

        event = audit_record(actor=AnonymousUser(), action="public.view")
        assert event.actor is None
        assert event.actor_username == ""

    def test_kecamatan_must_be_a_kecamatan_code(self, bontang):
        with pytest.raises(ValueError):
            audit_record(actor=None, action="x.y", kecamatan="64.74")

    def test_rollback_removes_the_event_too(self, events):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, action="application.rolled_back")
            raise RuntimeError
        assert not AuditEvent.objects.filter(action="application.rolled_back").exists()
        audit_seal_all()
        assert [e.sequence for e in chain_of("pemda")] == [1]

    def test_the_commit_queues_the_sealer_of_the_chain(
        self, bontang, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            event = audit_record(actor=None, action="application.submit", kecamatan=UTARA)
        assert len(callbacks) == 1
        # Celery runs eagerly in the tests: the task sealed the event.
        assert AuditEvent.objects.get(pk=event.pk).sequence == 1


class TestAuditSeal:
    def test_each_chain_is_numbered_from_one_in_order(self, sealed, events):
        assert [sealed[e.pk].sequence for e in events] == [1, 1, 1, 2, 3]
        utara = chain_of(CHAIN_UTARA)
        assert [e.pk for e in utara] == [events[0].pk, events[3].pk, events[4].pk]
        assert utara[0].prev_hash == GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in zip(utara, utara[1:], strict=False))

    def test_hash_is_reproducible_from_the_stored_row(self, sealed):
        for event in AuditEvent.objects.all():
            assert event.compute_hash() == event.hash

    def test_chain_row_tracks_the_head(self, sealed):
        row = AuditChain.objects.get(pk=CHAIN_UTARA)
        assert (row.sealed_size, row.head_hash) == (3, chain_of(CHAIN_UTARA)[-1].hash)
        assert row.sealed_at is not None
        assert row.kecamatan_code == UTARA

    def test_sealing_again_seals_only_new_events(self, sealed):
        assert audit_seal(CHAIN_UTARA) == 0
        audit_record(actor=None, action="application.more", kecamatan=UTARA)
        assert audit_seal(CHAIN_UTARA) == 1
        assert [e.sequence for e in chain_of(CHAIN_UTARA)] == [1, 2, 3, 4]
        assert audit_verify().ok

    def test_one_run_is_queued_per_chain_until_it_starts(
        self, bontang, fresh_cache, django_capture_on_commit_callbacks, monkeypatch
    ):
        from paten.audit import tasks

        queued = []
        monkeypatch.setattr(tasks.audit_seal_task, "delay", queued.append)
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(5):
                audit_record(actor=None, action="bulk.event", kecamatan=UTARA, payload={"i": i})
            audit_record(actor=None, action="bulk.event", kecamatan=SELATAN)
        assert sorted(queued) == [CHAIN_UTARA, CHAIN_SELATAN]
        # The queued run frees the slot before sealing: the next commit queues again.
        assert tasks.audit_seal_task(CHAIN_UTARA) == 5
        with django_capture_on_commit_callbacks(execute=True):
            audit_record(actor=None, action="bulk.event", kecamatan=UTARA)
        assert queued[2:] == [CHAIN_UTARA]

    def test_a_large_backlog_is_sealed_in_several_transactions(self, bontang):
        for i in range(7):
            audit_record(actor=None, action="bulk.event", payload={"i": i})
        batches = []
        assert audit_seal("pemda", batch_size=3, before_commit=batches.append) == 7
        assert batches == [3, 3, 1]
        assert audit_verify().count == 7

    def test_canonical_json_is_sorted_and_compact(self, sealed, events):
        text = AuditEvent.objects.get(pk=events[3].pk).canonical_json()
        assert text.startswith('{"action":"ppid.respond","actor":"petugas","chain":"kecamatan:')
        assert '"ü"' in text  # UTF-8, not \u escapes
        assert ", " not in text and ": " not in text
        assert '"timestamp":"' in text and text.split('"timestamp":"')[1][26] == "Z"

    def test_deleting_the_actor_keeps_the_event_and_the_chain(self, sealed, events, user):
        user.delete()
        event = AuditEvent.objects.get(pk=events[0].pk)
        assert event.actor is None
        assert event.actor_username == "petugas"
        assert audit_verify().ok

    def test_deleting_the_actor_of_an_unsealed_event_keeps_it_sealable(self, events, user):
        user.delete()
        audit_seal_all()
        assert audit_verify().count == 5


class TestOrmRefusesChanges:
    def test_save_of_existing_event(self, sealed, events):
        event = AuditEvent.objects.get(pk=events[0].pk)
        event.action = "tampered"
        with pytest.raises(AuditEventImmutable):
            event.save()

    def test_delete_of_event(self, events):
        with pytest.raises(AuditEventImmutable):
            events[0].delete()

    def test_queryset_update(self, events):
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.filter(chain="pemda").update(action="tampered")

    def test_queryset_delete(self, events):
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.all().delete()

    def test_bulk_update(self, sealed, events):
        events[0].action = "tampered"
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.bulk_update([events[0]], ["action"])
        assert audit_verify().ok


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


class TestDatabaseTriggers:
    """Both vendors: the table refuses UPDATE and DELETE even without the ORM, except the
    sealer's one-time fill of the seal columns."""

    def test_raw_update_is_refused(self, sealed):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET action = 'x' WHERE chain = 'pemda'")
        assert AuditEvent.objects.get(chain="pemda").action == "system.cleanup"

    def test_raw_update_of_an_unsealed_event_is_refused(self, events):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET payload = '{}' WHERE chain = 'pemda'")

    def test_moving_an_event_to_another_chain_is_refused(self, events):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET chain = 'kecamatan:x' WHERE chain = 'pemda'")

    def test_the_seal_columns_are_filled_once(self, sealed):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET hash = %s WHERE chain = 'pemda'", ["f" * 64])
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET sequence = 9 WHERE chain = 'pemda'")
        with pytest.raises(DatabaseError, match="append-only"):
            raw(
                "UPDATE audit_auditevent SET sequence = NULL, prev_hash = NULL, hash = NULL "
                "WHERE chain = 'pemda'"
            )

    def test_a_partial_seal_is_refused(self, events):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("UPDATE audit_auditevent SET sequence = 1 WHERE chain = 'pemda'")

    def test_the_sealer_fill_is_allowed(self, events):
        raw(
            "UPDATE audit_auditevent SET sequence = 1, prev_hash = %s, hash = %s "
            "WHERE chain = 'pemda'",
            [GENESIS_HASH, "a" * 64],
        )
        assert AuditEvent.objects.get(chain="pemda").sequence == 1

    def test_raw_update_of_actor_to_another_user_is_refused(self, sealed):
        other = get_user_model().objects.create_user(username="other", password="x")
        with pytest.raises(DatabaseError):
            raw("UPDATE audit_auditevent SET actor_id = %s WHERE chain = 'pemda'", [other.pk])

    def test_raw_delete_is_refused(self, sealed):
        with pytest.raises(DatabaseError, match="append-only"):
            raw("DELETE FROM audit_auditevent WHERE chain = 'pemda'")
        assert AuditEvent.objects.count() == 5


class TestAuditVerify:
    def test_empty_log_is_ok(self, db):
        result = audit_verify()
        assert result.ok
        assert result.count == 0

    def test_unsealed_events_are_counted_not_failed(self, events):
        result = audit_verify()
        assert result.ok
        assert (result.count, result.unsealed, result.stale) == (0, 5, 0)

    def test_old_unsealed_events_raise_the_alarm(self, events, settings):
        from paten.audit.models import AuditSettings
        from paten.audit.services import stale_unsealed_counts

        raw_execute(
            "UPDATE audit_auditevent SET timestamp = %s WHERE chain <> %s",
            [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), CHAIN_SELATAN],
        )
        AuditSettings.load()  # the default bound: 10 minutes
        result = audit_verify()
        assert result.ok
        assert result.stale == 4
        assert stale_unsealed_counts() == {CHAIN_UTARA: 3, "pemda": 1}

    def test_edited_payload_names_that_event(self, sealed, events):
        raw_execute(
            "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
            [events[3].pk.hex if connection.vendor == "sqlite" else events[3].pk],
        )
        result = audit_verify(chunk_size=2)
        assert not result.ok
        assert (result.chain, result.sequence, result.event_id, result.reason) == (
            CHAIN_UTARA,
            2,
            str(events[3].pk),
            "hash_mismatch",
        )
        # The other chains verified.
        assert result.count == 1 + 1 + 1

    def test_changed_prev_hash_is_a_broken_link(self, sealed):
        raw_execute(
            "UPDATE audit_auditevent SET prev_hash = %s WHERE chain = %s AND sequence = 3",
            ["a" * 64, CHAIN_UTARA],
        )
        result = audit_verify()
        assert (result.sequence, result.reason) == (3, "broken_link")

    def test_removed_event_is_a_sequence_gap(self, sealed, events):
        raw_execute("DELETE FROM audit_auditevent WHERE chain = %s AND sequence = 2", [CHAIN_UTARA])
        result = audit_verify()
        assert (result.sequence, result.event_id, result.reason) == (
            3,
            str(events[4].pk),
            "sequence_gap",
        )


class TestAuditVerifyCommand:
    def test_ok(self, sealed, capsys):
        call_command("audit_verify")
        assert capsys.readouterr().out.strip() == (
            "OK: 5 events verified in 3 chains against 0 checkpoints"
        )

    def test_names_the_tampered_event_and_exits_1(self, sealed, events):
        raw_execute(
            "UPDATE audit_auditevent SET payload = %s WHERE chain = %s AND sequence = 1",
            ['{"to": "x"}', CHAIN_SELATAN],
        )
        with pytest.raises(CommandError) as excinfo:
            call_command("audit_verify")
        assert excinfo.value.returncode == 1
        message = str(excinfo.value)
        assert f"FAILED: {CHAIN_SELATAN}: event #1" in message
        assert str(events[1].pk) in message
        assert "hash_mismatch" in message

    def test_stale_unsealed_events_exit_1_with_an_alarm(self, events):
        raw_execute(
            "UPDATE audit_auditevent SET timestamp = %s",
            [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)],
        )
        with pytest.raises(CommandError, match="ALARM: 5 events unsealed"):
            call_command("audit_verify")


def test_the_audit_tasks_store_no_result():
    """A sealer runs after every burst of commits: its result would be one more row
    written to the result backend each time, and nothing reads it."""
    from paten.audit import tasks

    for task in (
        tasks.audit_seal_task,
        tasks.audit_seal_sweep_task,
        tasks.audit_checkpoint_due_task,
    ):
        assert task.ignore_result, task.name
