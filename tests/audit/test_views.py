"""The public audit page and the plain-text checkpoints."""

from django.urls import reverse

import pytest

from paten.audit import keys
from paten.audit.services import audit_checkpoint, audit_record, audit_seal_all
from paten.audit.verify_export import checkpoint_parse, checkpoints_split
from tests.bontang import UTARA

pytestmark = pytest.mark.django_db

CHAIN = f"kecamatan:{UTARA}"


@pytest.fixture
def published(bontang):
    audit_record(actor=None, action="application.submit", kecamatan=UTARA, payload={"nik": "x"})
    audit_seal_all()
    first = audit_checkpoint()
    audit_record(actor=None, action="application.issue", kecamatan=UTARA)
    return first + audit_checkpoint()


def test_public_page_lists_chains_checkpoints_and_the_key(client, published):
    response = client.get(reverse("audit_public"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Titik periksa jejak audit" in content
    assert keys.public_verifier_key() in content
    assert "Kecamatan Bontang Utara" in content
    assert published[-1].note.split("\n")[2] in content  # the head hash line
    assert "<script" not in content
    assert "application.submit" not in content and '"nik"' not in content


def test_latest_checkpoint_as_text(client, published):
    response = client.get(reverse("audit_checkpoint_latest", args=[CHAIN]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    checkpoint = checkpoint_parse(response.content.decode(), keys.verifier())
    assert (checkpoint.chain, checkpoint.size) == (CHAIN, 2)


def test_all_checkpoints_as_text(client, published):
    response = client.get(reverse("audit_checkpoints_all", args=[CHAIN]))
    notes = checkpoints_split(response.content.decode())
    sizes = [checkpoint_parse(note, keys.verifier()).size for note in notes]
    assert sizes == [2, 1]


def test_public_key_as_text(client, db):
    response = client.get(reverse("audit_public_key"))
    assert response.content.decode().strip() == keys.public_verifier_key()


def test_unknown_chain_is_404(client, db):
    assert client.get(reverse("audit_checkpoint_latest", args=["kecamatan:99"])).status_code == 404


def test_empty_log_page(client, db):
    response = client.get(reverse("audit_public"))
    assert "Belum ada catatan audit." in response.content.decode()
