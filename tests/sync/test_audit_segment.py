"""At an offline instance: its audit events go into its own chain, and up bundles carry it."""

import uuid

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_record
from paten.audit.verify_export import checkpoint_parse
from paten.sync import audit_segment, container, identity, keys, services
from paten.sync.constants import InstallationRole
from paten.sync.models import Peer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.PATEN_SYNC_KEY_DIR = str(tmp_path / "keys")
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def central(as_instance):
    """The central this instance is enrolled with (holding our own keys, so the test can
    open the bundles it sends)."""
    return Peer.objects.create(
        id=uuid.uuid4(),
        role=InstallationRole.CENTRAL,
        signing_key=keys.signing_public_b64(),
        encryption_key=keys.encryption_public_b64(),
    )


def _sent(path):
    """The verified bundle and the audit lines it carries."""
    public = keys.ed25519_public(keys.signing_public_b64())
    bundle = container.verify(path, key_for=lambda header: public)
    lines = []
    for member in container.open_members(bundle, private=keys.encryption_key()):
        if member.label == audit_segment.LABEL:
            lines += [audit_segment.parse_line(x) for x in container.lines(member.chunks)]
        else:
            for _chunk in member.chunks:
                pass
    return bundle.manifest, lines


def test_events_at_an_instance_go_into_its_own_chain(as_instance, utara):
    event = audit_record(actor=None, action="test.offline", kecamatan=utara)
    assert event.chain == f"instance:{as_instance.installation_id}"


def test_events_at_the_central_keep_their_kecamatan_chain(utara):
    event = audit_record(actor=None, action="test.central", kecamatan=utara)
    assert event.chain == f"kecamatan:{utara.code}"


def test_up_bundles_carry_the_chain_after_what_was_sent(as_instance, central, utara, tmp_path):
    for n in range(3):
        audit_record(actor=None, action="test.offline", kecamatan=utara, payload={"n": n})
    first = services.up_export(path=tmp_path / "1.paten")
    manifest, lines = _sent(first.path)
    section = manifest["audit"]
    chain = f"instance:{as_instance.installation_id}"
    assert (section["chain"], section["from"], section["to"]) == (chain, 0, 3)
    assert [line["sequence"] for line in lines] == [1, 2, 3]
    assert [line["payload"] for line in lines] == [{"n": 0}, {"n": 1}, {"n": 2}]
    # The checkpoint is signed by the instance's certified sync key.
    checkpoint = checkpoint_parse(
        section["checkpoint"],
        audit_segment.verifier_for(as_instance.installation_id, keys.signing_public_b64()),
    )
    assert (checkpoint.chain, checkpoint.size, checkpoint.head_hash) == (
        chain,
        3,
        AuditEvent.objects.get(chain=chain, sequence=3).hash,
    )

    audit_record(actor=None, action="test.offline", kecamatan=utara, payload={"n": 3})
    manifest, lines = _sent(services.up_export(path=tmp_path / "2.paten").path)
    assert (manifest["audit"]["from"], manifest["audit"]["to"]) == (3, 4)
    assert [line["sequence"] for line in lines] == [4]
    assert lines[0]["prev_hash"] == checkpoint.head_hash

    # A resend starts from what the central acknowledged.
    central.refresh_from_db()
    central.audit_acked_size = 3
    central.save()
    manifest, lines = _sent(services.up_export(path=tmp_path / "3.paten", resend=True).path)
    assert (manifest["audit"]["from"], manifest["audit"]["to"]) == (3, 4)


def test_the_bundle_is_signed_by_the_certified_instance_key(as_instance, central, tmp_path):
    """Not the audit key: the central checks the key it certified at enrolment."""
    from paten.audit import keys as audit_keys

    path = services.up_export(path=tmp_path / "1.paten").path
    bundle = container.verify(
        path, key_for=lambda header: keys.ed25519_public(keys.signing_public_b64())
    )
    assert bundle.header["sender"] == str(identity.installation().installation_id)
    assert audit_keys.public_bytes() != keys.unb64(keys.signing_public_b64())
    with pytest.raises(container.BundleRefused):
        container.verify(path, key_for=lambda header: audit_keys.signing_key().public_key())
