"""Big bundles on the Celery worker: the admin queues a job and its page follows it."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.sync import guards, jobs, keys
from paten.sync.constants import BundleStatus, InstallationRole
from paten.sync.models import BundleLog, Peer
from paten.sync.tasks import sync_job_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.PATEN_SYNC_KEY_DIR = str(tmp_path / "keys")
    settings.VAR_DIR = tmp_path / "var"
    settings.PATEN_SYNC_INLINE_MAX_BYTES = 10  # every upload counts as big


@pytest.fixture
def admin_client(client, bontang):
    client.force_login(staff_create(username="admin.pemda", password="x", roles=[Role.ADMIN_PEMDA]))
    return client


def _token(response) -> str:
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_a_big_upload_is_imported_by_the_worker_and_its_page_follows_it(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(
            reverse("sync_admin:upload"),
            {"bundle": SimpleUploadedFile("besar.paten", b"not a bundle at all" * 50)},
        )
    token = _token(response)
    assert len(queued) == 1  # the worker is asked after the commit, not before
    page = admin_client.get(reverse("sync_admin:job", args=[token]))
    assert page.status_code == 200
    assert "menunggu" in page.content.decode()
    status = admin_client.get(reverse("sync_admin:job_status", args=[token])).json()
    assert status["status"] == "queued" and not status["finished"]

    sync_job_run.run(token)

    status = admin_client.get(reverse("sync_admin:job_status", args=[token])).json()
    assert status["finished"] and status["status"] == BundleStatus.REFUSED
    assert status["message"]
    assert (
        status["message"]
        in admin_client.get(reverse("sync_admin:job", args=[token])).content.decode()
    )
    assert BundleLog.objects.get().status == BundleStatus.REFUSED
    assert not jobs.inbox_path(token).exists()
    # A message delivered twice finds the job done and does nothing again.
    sync_job_run.run(token)
    assert BundleLog.objects.count() == 1


def test_the_page_shows_the_progress_reported_by_the_import(admin_client, monkeypatch):
    from paten.sync import services

    token = jobs.job_start(kind="import")
    jobs.inbox_path(token).write_bytes(b"x")
    seen = {}

    def importing(*, path, progress):
        progress(500, 2000)
        seen["state"] = jobs.job_state(token)
        seen["page"] = admin_client.get(reverse("sync_admin:job", args=[token])).content.decode()
        seen["status"] = admin_client.get(reverse("sync_admin:job_status", args=[token])).json()
        return services.imports.ImportOutcome(BundleStatus.APPLIED, message="Diimpor.")

    monkeypatch.setattr(services, "bundle_import", importing)
    jobs.job_run(token=token)
    assert (seen["state"]["status"], seen["state"]["done"]) == ("running", 500)
    assert "500 / 2000" in seen["page"]
    assert seen["status"]["done"] == 500 and seen["status"]["total"] == 2000
    assert jobs.job_state(token)["status"] == BundleStatus.APPLIED


def test_an_up_export_job_at_the_instance_ends_with_a_download(client, as_instance, utara):
    Peer.objects.create(
        id=uuid.uuid4(),
        role=InstallationRole.CENTRAL,
        signing_key=keys.signing_public_b64(),
        encryption_key=keys.encryption_public_b64(),
    )
    with guards.importing():  # the kecamatan's staff come from the central
        camat = staff_create(
            username="camat.utara", password="x", roles=[Role.CAMAT], kecamatan=[utara.code]
        )
    client.force_login(camat)
    token = _token(client.post(reverse("sync_admin:up_export")))
    sync_job_run.run(token)
    status = client.get(reverse("sync_admin:job_status", args=[token])).json()
    assert status["finished"] and status["status"] == "written"
    download = client.get(status["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"paten-bundle.json")
    assert "Unduh bundel" in client.get(reverse("sync_admin:job", args=[token])).content.decode()


def test_job_pages_refuse_a_user_who_may_not_sync_and_an_unknown_job(client, admin_client, camat):
    token = jobs.job_start(kind="import")
    assert admin_client.get(reverse("sync_admin:job", args=["tidak-ada"])).status_code == 404
    assert admin_client.get(reverse("sync_admin:job_status", args=["tidak-ada"])).status_code == 404
    client.force_login(camat)  # a camat at the central
    response = client.get(reverse("sync_admin:job", args=[token]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("sync_admin:job_status", args=[token])).status_code in (302, 403)
