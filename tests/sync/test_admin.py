"""The sync pages of the admin, as a pemda admin and a camat use them."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.sync import codec, keys
from paten.sync.constants import BundleStatus, PeerStatus
from paten.sync.models import BundleLog, Peer

pytestmark = pytest.mark.django_db


def _raw(key) -> str:
    return keys.b64(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def laptop_request(installation="0f8d7f4c-1c1e-4c57-9c39-3b0f1a2b3c4d"):
    """What ``sync_enrol --request`` writes on another laptop, and its fingerprint."""
    signing, encryption = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    document = {
        "format": "paten-sync-request/1",
        "installation": installation,
        "signing_key": _raw(signing),
        "encryption_key": _raw(encryption),
        "hostname": "laptop-utara",
        "created_at": "2026-12-03T01:00:00.000000+00:00",
    }
    envelope = {
        "document": document,
        "signature": base64.b64encode(signing.sign(codec.canonical(document))).decode(),
    }
    return codec.canonical(envelope), keys.fingerprint(
        document["signing_key"], document["encryption_key"]
    )


@pytest.fixture
def admin(bontang):
    return staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA])


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _enrol(admin_client, utara, fingerprint=None):
    data, printed = laptop_request()
    return admin_client.post(
        reverse("sync_admin:enrol"),
        {
            "kecamatan": utara.code,
            "request_file": SimpleUploadedFile("permintaan.json", data),
            "fingerprint": fingerprint or printed.lower(),
        },
    )


def test_pemda_admin_sees_the_page(admin_client):
    response = admin_client.get(reverse("sync_admin:home"))
    assert response.status_code == 200
    assert keys.fingerprint(keys.signing_public_b64(), keys.encryption_public_b64()).encode() in (
        response.content
    )


def test_a_camat_at_the_central_may_not(client, camat):
    client.force_login(camat)
    response = client.get(reverse("sync_admin:home"))
    # Wagtail answers a refused admin page by going back to the admin home.
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_enrol_writes_a_bundle_to_download(admin_client, utara, service):
    response = _enrol(admin_client, utara)
    assert response.status_code == 302
    peer = Peer.objects.get(kecamatan=utara)
    assert peer.status == PeerStatus.ACTIVE and peer.tracking_prefix == "00"
    log = BundleLog.objects.get(peer=peer, status=BundleStatus.WRITTEN)
    download = admin_client.get(reverse("sync_admin:download", args=[log.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"paten-bundle.json")


def test_a_wrong_fingerprint_enrols_nothing(admin_client, utara):
    response = _enrol(admin_client, utara, fingerprint="0000 0000 0000 0000")
    assert response.status_code == 200
    assert "tidak cocok" in response.content.decode()
    assert not Peer.objects.exists()


def test_a_file_that_is_not_a_bundle_is_refused_with_a_reason(admin_client):
    response = admin_client.post(
        reverse("sync_admin:upload"),
        {"bundle": SimpleUploadedFile("x.paten", b"not a bundle at all" * 50)},
        follow=True,
    )
    text = response.content.decode()
    assert "Refused" in text or "Ditolak" in text
    assert BundleLog.objects.get().status == BundleStatus.REFUSED


def test_revoke_needs_a_reason_and_ends_the_ownership(admin_client, utara, service):
    _enrol(admin_client, utara)
    peer = Peer.objects.get(kecamatan=utara)
    admin_client.post(reverse("sync_admin:revoke", args=[peer.pk]), {"reason": ""})
    peer.refresh_from_db()
    assert peer.status == PeerStatus.ACTIVE
    admin_client.post(reverse("sync_admin:revoke", args=[peer.pk]), {"reason": "Laptop hilang"})
    peer.refresh_from_db()
    assert peer.status == PeerStatus.REVOKED


def test_the_dashboard_lists_the_offline_kecamatan(admin_client, utara, service):
    _enrol(admin_client, utara)
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Bontang Utara" in response.content.decode()


def test_the_dashboard_shows_the_last_bundle_and_the_days_outstanding(admin_client, offline_utara):
    from datetime import timedelta

    from django.utils import timezone

    from paten.dates import long_date

    offline_utara.enrolled_at = timezone.now() - timedelta(days=30)
    offline_utara.last_claimed_at = timezone.now() - timedelta(days=5)
    offline_utara.save()
    html = admin_client.get("/admin/").content.decode()
    row = html[html.index("Bontang Utara", html.index("offline-sync-heading")) :]
    row = row[: row.index("</tr>")]
    assert long_date(timezone.localtime(offline_utara.last_claimed_at)) in row
    assert "<td>5</td>" in row
