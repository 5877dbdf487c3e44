"""The receiving side's rules (docs/sync.md §5, §9), with bundles made in the test.

This installation is the central; ``laptop`` is an enrolled instance whose keys the
test holds, so it can write the laptop's bundles itself: in order, out of order, twice,
forked, for another kecamatan, with a clashing or dangling record.
"""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from forms_builder.models import Application
from paten.audit.verify_export import GENESIS_HASH, checkpoint_text, event_hash, sign_note
from paten.sync import audit_segment, codec, identity, keys, registry
from paten.sync.constants import BundleStatus, InstallationRole, PeerStatus, Refusal
from paten.sync.container import BundleWriter
from paten.sync.imports import bundle_import
from paten.sync.models import Peer
from tests.forms_builder.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.PATEN_SYNC_KEY_DIR = str(tmp_path / "keys")
    settings.VAR_DIR = tmp_path / "var"


class Laptop:
    def __init__(self, kecamatan):
        self.signing = Ed25519PrivateKey.generate()
        self.encryption = X25519PrivateKey.generate()
        self.peer = Peer.objects.create(
            id=uuid.uuid4(),
            role=InstallationRole.INSTANCE,
            kecamatan=kecamatan,
            signing_key=keys.b64(keys.raw_public(self.signing)),
            encryption_key=keys.b64(keys.raw_public(self.encryption)),
            tracking_prefix="00",
        )
        identity.ownership_changed()
        self.hashes = {0: ""}
        # The laptop's audit chain (export lines) and how much of it was sent.
        self.events: list[dict] = []
        self.audit_sent = 0

    @property
    def chain(self) -> str:
        return audit_segment.chain_of(self.peer.id)

    def record(self, count: int, *, kecamatan=None, at="2026-12-01T00:30:00.000000Z") -> None:
        """``count`` more events in the laptop's audit chain, sealed as its sealer would."""
        for _n in range(count):
            head = self.events[-1]["hash"] if self.events else GENESIS_HASH
            line = {
                "id": str(uuid.uuid4()),
                "chain": self.chain,
                "sequence": len(self.events) + 1,
                "timestamp": at,
                "actor": "",
                "action": "applications.submitted",
                "target_type": "",
                "target_id": "",
                "kecamatan": kecamatan or self.peer.kecamatan_id,
                "payload": {"n": len(self.events) + 1},
            }
            line["prev_hash"] = head
            line["hash"] = event_hash(head, line)
            self.events.append(line)

    def rewrite(self, sequence: int, payload: dict) -> None:
        """Change event ``sequence`` and recompute every later hash (a careful forger)."""
        self.events[sequence - 1]["payload"] = payload
        head = self.events[sequence - 2]["hash"] if sequence > 1 else GENESIS_HASH
        for line in self.events[sequence - 1 :]:
            line["prev_hash"] = head
            line["hash"] = head = event_hash(head, line)

    def checkpoint(self, size: int, head: str) -> str:
        name = audit_segment.key_name(self.peer.id)
        text = checkpoint_text(f"{name}/{self.chain}", size, head)
        return sign_note(
            text, name, lambda m: (keys.raw_public(self.signing), self.signing.sign(m))
        )

    def _audit(self, writer, audit_from):
        start = self.audit_sent if audit_from is None else audit_from
        lines = self.events[start:]
        if lines:
            writer.add_records(audit_segment.LABEL, [codec.canonical(x) + b"\n" for x in lines])
        head = self.events[-1]["hash"] if self.events else GENESIS_HASH
        self.audit_sent = len(self.events)
        return {
            "chain": self.chain,
            "from": start,
            "to": len(self.events),
            "head": head,
            "checkpoint": self.checkpoint(len(self.events), head),
        }

    def bundle(
        self,
        path,
        sequence,
        *,
        previous=None,
        kecamatan=None,
        records=None,
        signing=None,
        created_at="2026-12-01T01:00:00.000000+00:00",
        audit_from=None,
    ):
        previous = sequence - 1 if previous is None else previous
        writer = BundleWriter(
            path,
            header={
                "kind": "up",
                "sender": str(self.peer.id),
                "receiver": str(identity.installation().installation_id),
                "kecamatan": kecamatan or self.peer.kecamatan_id,
                "sequence": sequence,
            },
            receiver=keys.x25519_public(keys.encryption_public_b64()),
            signing_key=signing or self.signing,
        )
        audit = self._audit(writer, audit_from)
        counts = {}
        for name, lines in (records or {}).items():
            counts[name] = writer.add_records(name, [codec.canonical(x) + b"\n" for x in lines])
        bundle_hash = writer.finish(
            {
                "previous": {"sequence": previous, "hash": self.hashes.get(previous, "x" * 64)},
                "counter_from": 0,
                "counter_to": sequence,
                "ack": {"sequence": 0, "hash": "", "counter": 0},
                "created_at": created_at,
                "final": False,
                "records": counts,
                "files": 0,
                "audit": audit,
            }
        )
        self.hashes[sequence] = bundle_hash
        return path


@pytest.fixture
def laptop(utara):
    return Laptop(utara)


def _status(path):
    return bundle_import(path=path)


def test_same_bundle_twice_changes_nothing(laptop, tmp_path):
    first = laptop.bundle(tmp_path / "1.paten", 1)
    assert _status(first).status == BundleStatus.APPLIED
    again = _status(first)
    assert again.status == BundleStatus.DUPLICATE
    assert "sudah diimpor" in again.message
    laptop.peer.refresh_from_db()
    assert laptop.peer.in_sequence == 1


def test_out_of_order_waits_for_its_predecessor(laptop, tmp_path):
    first = laptop.bundle(tmp_path / "1.paten", 1)
    second = laptop.bundle(tmp_path / "2.paten", 2)
    held = _status(second)
    assert held.status == BundleStatus.HELD
    assert "#1" in held.message
    outcome = _status(first)
    assert outcome.status == BundleStatus.APPLIED
    assert [o.status for o in outcome.then_applied] == [BundleStatus.APPLIED]
    laptop.peer.refresh_from_db()
    assert laptop.peer.in_sequence == 2


def test_an_older_bundle_is_a_replay(laptop, tmp_path):
    for n in (1, 2):
        assert _status(laptop.bundle(tmp_path / f"{n}.paten", n)).status == BundleStatus.APPLIED
    other_first = laptop.bundle(tmp_path / "1b.paten", 1, previous=0)
    refused = _status(other_first)
    assert (refused.status, refused.reason) == (BundleStatus.REFUSED, Refusal.REPLAYED)


def test_a_fork_is_refused(laptop, tmp_path):
    assert _status(laptop.bundle(tmp_path / "1.paten", 1)).status == BundleStatus.APPLIED
    laptop.hashes[1] = "f" * 64  # as if bundle 2 followed another bundle #1
    refused = _status(laptop.bundle(tmp_path / "2.paten", 2))
    assert refused.reason == Refusal.FORKED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("revoked", Refusal.REVOKED),
        ("returned", Refusal.READ_ONLY),
        ("other_key", Refusal.BAD_SIGNATURE),
        ("other_kecamatan", Refusal.FOREIGN),
        ("unknown", Refusal.UNKNOWN_SENDER),
    ],
)
def test_who_may_send(laptop, tmp_path, change, reason):
    kwargs = {}
    if change in ("revoked", "returned"):
        laptop.peer.status = PeerStatus.REVOKED if change == "revoked" else PeerStatus.RETURNED
        laptop.peer.save()
    elif change == "other_key":
        kwargs["signing"] = Ed25519PrivateKey.generate()
    elif change == "other_kecamatan":
        kwargs["kecamatan"] = "64.74.02"
    path = laptop.bundle(tmp_path / "1.paten", 1, **kwargs)
    if change == "unknown":
        Peer.objects.filter(pk=laptop.peer.pk).delete()
    refused = _status(path)
    assert (refused.status, refused.reason) == (BundleStatus.REFUSED, reason)
    assert refused.message


def _application_lines(application, **changes):
    spec = registry.partition_spec("forms_builder.application")
    encoder = codec.Encoder(spec, codec.Portable(installation_id="x"))
    row = Application.objects.filter(pk=application.pk).values_list(*encoder.attnames).get()
    document = encoder.encode_chunk([row], [application.pk])[0]
    document.update(changes)
    return [{"key": document["id"], "v": 1, "f": document}]


def test_a_record_of_another_kecamatan_is_refused(laptop, tmp_path, service, selatan):
    application = submit(service, selatan)
    lines = _application_lines(application, id=str(uuid.uuid4()), tracking_code="00AAAAAAAA0")
    refused = _status(
        laptop.bundle(tmp_path / "1.paten", 1, records={"forms_builder.application": lines})
    )
    assert refused.reason == Refusal.FOREIGN
    assert Application.objects.count() == 1


def test_a_unique_clash_stops_the_import_and_names_both(laptop, tmp_path, service, selatan):
    here = submit(service, selatan)
    new_id = str(uuid.uuid4())
    lines = _application_lines(here, id=new_id, kecamatan_id="64.74.01")
    refused = _status(
        laptop.bundle(tmp_path / "1.paten", 1, records={"forms_builder.application": lines})
    )
    assert refused.reason == Refusal.UNIQUE_CLASH
    assert new_id in refused.message and str(here.pk) in refused.message
    assert here.tracking_code in refused.message
    assert Application.objects.count() == 1
    laptop.peer.refresh_from_db()
    assert laptop.peer.in_sequence == 0


def test_a_dangling_reference_fails_loudly(laptop, tmp_path, service, selatan):
    here = submit(service, selatan)
    lines = _application_lines(
        here,
        id=str(uuid.uuid4()),
        kecamatan_id="64.74.01",
        tracking_code="00AAAAAAAA0",
        form_version_id=str(uuid.uuid4()),
    )
    refused = _status(
        laptop.bundle(tmp_path / "1.paten", 1, records={"forms_builder.application": lines})
    )
    assert refused.reason == Refusal.MISSING_REFERENCE
    assert "form_version" in refused.message
    assert Application.objects.count() == 1


def test_a_good_record_is_imported_with_both_times(laptop, tmp_path, service, selatan):
    from paten.sync.models import ReceivedRecord

    here = submit(service, selatan)
    new_id = str(uuid.uuid4())
    lines = _application_lines(
        here, id=new_id, kecamatan_id="64.74.01", tracking_code="00AAAAAAAA0"
    )
    outcome = _status(
        laptop.bundle(tmp_path / "1.paten", 1, records={"forms_builder.application": lines})
    )
    assert outcome.status == BundleStatus.APPLIED, outcome.message
    imported = Application.objects.get(pk=new_id)
    received = ReceivedRecord.objects.get(model="forms_builder.application", key=new_id)
    assert received.claimed_at == imported.submitted_at
    assert received.received_at >= received.claimed_at


class TestHttpsExchange:
    """The same bundles over HTTPS: the body is the bundle, the answer the next one back."""

    def test_an_accepted_bundle_is_answered_with_the_next_configuration_bundle(
        self, client, laptop, tmp_path, service
    ):
        from paten.sync import container

        body = laptop.bundle(tmp_path / "1.paten", 1).read_bytes()
        response = client.post(
            "/sinkron/bundel/", data=body, content_type="application/octet-stream"
        )
        assert response.status_code == 200
        assert response["X-Paten-Bundle-Status"] == BundleStatus.APPLIED
        answer = tmp_path / "answer.paten"
        answer.write_bytes(b"".join(response.streaming_content))
        central_key = keys.ed25519_public(keys.signing_public_b64())
        bundle = container.verify(answer, key_for=lambda header: central_key)
        assert bundle.manifest["kind"] == "down"
        # The answer acknowledges the bundle just received.
        assert bundle.manifest["ack"]["sequence"] == 1
        assert bundle.manifest["ack"]["hash"] == laptop.hashes[1]
        members = list(container.open_members(bundle, private=laptop.encryption))
        assert any(m.label == "service_catalog.servicepage" for m in members)

    def test_a_refused_bundle_gets_the_reason(self, client, laptop, tmp_path):
        body = laptop.bundle(tmp_path / "1.paten", 1, signing=Ed25519PrivateKey.generate())
        response = client.post(
            "/sinkron/bundel/", data=body.read_bytes(), content_type="application/octet-stream"
        )
        assert response.status_code == 400
        assert response.json()["reason"] == Refusal.BAD_SIGNATURE
        assert response.json()["message"]

    def test_only_post(self, client):
        assert client.get("/sinkron/bundel/").status_code == 405


class TestAnomalies:
    """What a laptop's clock or data makes suspicious is flagged, never refused."""

    def test_a_clock_going_backwards_is_flagged(self, laptop, tmp_path):
        from paten.sync.constants import AnomalyKind
        from paten.sync.models import SyncAnomaly

        laptop.bundle(tmp_path / "1.paten", 1, created_at="2026-12-02T01:00:00.000000+00:00")
        laptop.bundle(tmp_path / "2.paten", 2, created_at="2026-12-01T01:00:00.000000+00:00")
        for n in (1, 2):
            assert _status(tmp_path / f"{n}.paten").status == BundleStatus.APPLIED
        anomaly = SyncAnomaly.objects.get()
        assert anomaly.kind == AnomalyKind.CLOCK_BACKWARDS
        assert anomaly.bundle.sequence == 2

    def test_a_new_record_dated_before_the_previous_bundle_is_flagged(
        self, laptop, tmp_path, service, selatan
    ):
        from paten.sync.constants import AnomalyKind
        from paten.sync.models import SyncAnomaly

        laptop.bundle(tmp_path / "1.paten", 1, created_at="2026-12-02T01:00:00.000000+00:00")
        assert _status(tmp_path / "1.paten").status == BundleStatus.APPLIED
        here = submit(service, selatan)
        new_id = str(uuid.uuid4())
        lines = _application_lines(
            here,
            id=new_id,
            kecamatan_id="64.74.01",
            tracking_code="00AAAAAAAA0",
            submitted_at="2026-11-20T01:00:00.000000+00:00",
        )
        laptop.bundle(
            tmp_path / "2.paten",
            2,
            records={"forms_builder.application": lines},
            created_at="2026-12-03T01:00:00.000000+00:00",
        )
        assert _status(tmp_path / "2.paten").status == BundleStatus.APPLIED
        anomaly = SyncAnomaly.objects.get()
        assert (anomaly.kind, anomaly.key) == (AnomalyKind.BACKDATED, new_id)


class TestAuditSegment:
    """The instance's audit chain travels up and must extend what was accepted before."""

    def _chain_size(self, laptop):
        from paten.audit.models import AuditEvent

        return AuditEvent.objects.filter(chain=laptop.chain).count()

    def test_the_segment_is_appended_to_the_instance_chain_and_verifies(self, laptop, tmp_path):
        from paten.audit.services import audit_verify

        laptop.record(3)
        outcome = _status(laptop.bundle(tmp_path / "1.paten", 1))
        assert outcome.status == BundleStatus.APPLIED, outcome.message
        laptop.peer.refresh_from_db()
        assert (laptop.peer.audit_size, laptop.peer.audit_head) == (3, laptop.events[-1]["hash"])
        assert laptop.peer.audit_checkpoint.startswith(
            f"{audit_segment.key_name(laptop.peer.id)}/{laptop.chain}\n3\n"
        )
        laptop.record(2)
        assert _status(laptop.bundle(tmp_path / "2.paten", 2)).status == BundleStatus.APPLIED
        result = audit_verify()
        assert result.ok, result.problems
        assert result.chains[laptop.chain] == 5

    def test_a_resend_repeating_accepted_events_is_accepted(self, laptop, tmp_path):
        laptop.record(2)
        assert _status(laptop.bundle(tmp_path / "1.paten", 1)).status == BundleStatus.APPLIED
        laptop.record(1)
        outcome = _status(laptop.bundle(tmp_path / "2.paten", 2, audit_from=0))
        assert outcome.status == BundleStatus.APPLIED, outcome.message
        assert self._chain_size(laptop) == 3

    @pytest.mark.parametrize("audit_from", [None, 0], ids=["delta", "full_resend"])
    def test_history_rewritten_after_a_sync_refuses_the_next_bundle_whole(
        self, laptop, tmp_path, service, selatan, audit_from
    ):
        laptop.record(3)
        assert _status(laptop.bundle(tmp_path / "1.paten", 1)).status == BundleStatus.APPLIED
        # At the laptop, event 2 is changed and every later hash recomputed.
        laptop.rewrite(2, {"n": "changed"})
        laptop.record(1)
        here = submit(service, selatan)
        new_id = str(uuid.uuid4())
        lines = _application_lines(
            here, id=new_id, kecamatan_id="64.74.01", tracking_code="00AAAAAAAA0"
        )
        refused = _status(
            laptop.bundle(
                tmp_path / "2.paten",
                2,
                records={"forms_builder.application": lines},
                audit_from=audit_from,
            )
        )
        assert (refused.status, refused.reason) == (BundleStatus.REFUSED, Refusal.AUDIT_REWRITTEN)
        assert "ditulis ulang" in refused.message
        assert not Application.objects.filter(pk=new_id).exists()
        laptop.peer.refresh_from_db()
        assert (laptop.peer.in_sequence, laptop.peer.audit_size) == (1, 3)
        assert self._chain_size(laptop) == 3

    def test_a_truncated_history_is_refused(self, laptop, tmp_path):
        laptop.record(3)
        assert _status(laptop.bundle(tmp_path / "1.paten", 1)).status == BundleStatus.APPLIED
        del laptop.events[2:]
        refused = _status(laptop.bundle(tmp_path / "2.paten", 2, audit_from=2))
        assert refused.reason == Refusal.AUDIT_REWRITTEN
        assert "dipotong" in refused.message and "3" in refused.message
        laptop.peer.refresh_from_db()
        assert laptop.peer.in_sequence == 1

    def test_an_event_of_another_kecamatan_is_refused(self, laptop, tmp_path):
        laptop.record(1, kecamatan="64.74.02")
        refused = _status(laptop.bundle(tmp_path / "1.paten", 1))
        assert refused.reason == Refusal.FOREIGN
        assert self._chain_size(laptop) == 0

    def test_a_checkpoint_signed_by_another_key_is_refused(self, laptop, tmp_path):
        laptop.record(1)
        real = laptop.checkpoint
        other = Ed25519PrivateKey.generate()
        name = audit_segment.key_name(laptop.peer.id)
        laptop.checkpoint = lambda size, head: sign_note(
            checkpoint_text(f"{name}/{laptop.chain}", size, head),
            name,
            lambda m: (keys.raw_public(other), other.sign(m)),
        )
        refused = _status(laptop.bundle(tmp_path / "1.paten", 1))
        laptop.checkpoint = real
        assert refused.reason == Refusal.BAD_SIGNATURE

    def test_backdated_audit_events_are_flagged(self, laptop, tmp_path):
        from paten.sync.constants import AnomalyKind
        from paten.sync.models import SyncAnomaly

        laptop.bundle(tmp_path / "1.paten", 1, created_at="2026-12-02T01:00:00.000000+00:00")
        assert _status(tmp_path / "1.paten").status == BundleStatus.APPLIED
        laptop.record(1, at="2026-11-20T01:00:00.000000Z")
        laptop.bundle(tmp_path / "2.paten", 2, created_at="2026-12-03T01:00:00.000000+00:00")
        assert _status(tmp_path / "2.paten").status == BundleStatus.APPLIED
        anomaly = SyncAnomaly.objects.get()
        assert (anomaly.kind, anomaly.key) == (AnomalyKind.BACKDATED, laptop.events[0]["id"])
