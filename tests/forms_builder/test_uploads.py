"""The two-stage upload: a valid file chosen on a refused form is kept privately by a
token bound to the session, shown instead of asked again, used once, and purged when
it expires."""

import os
import threading
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from forms_builder import submission as submission_module
from forms_builder.models import Application, PendingUpload
from forms_builder.models.application import private_storage
from forms_builder.services.uploads import pending_uploads_purge
from forms_builder.submission import KEPT_UPLOAD_PREFIX
from forms_builder.tasks import pending_uploads_purge as purge_task

from .factories import EXE_BYTES, PDF_BYTES, pdf_upload
from .test_queue import counter_version, intake_post, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

TOKEN_FIELD = KEPT_UPLOAD_PREFIX + "surat_pengantar"


def apply_url(service, kecamatan):
    return f"{reverse('forms_builder:apply', args=[service.code])}?kecamatan={kecamatan.code}"


def post_data(**extra):
    return {
        "pemohon-name": "Siti Rahmawati",
        "pemohon-phone": "0812 3456 7890",
        "nama_lengkap": "Siti Rahmawati",
        "keperluan": "Sekolah",
        **extra,
    }


def refused_post(client, service, utara, upload=None):
    """A post whose answer is missing but whose file is valid: returns the kept token."""
    response = client.post(
        apply_url(service, utara),
        post_data(nama_lengkap="", surat_pengantar=upload or pdf_upload("pengantar-rt.pdf")),
    )
    assert response.status_code == 400
    return response, response.context["form"].kept_uploads.get("surat_pengantar")


class TestKeptAfterAnError:
    def test_the_refused_form_shows_the_file_instead_of_asking_again(self, service, utara):
        client = Client()
        response, kept = refused_post(client, service, utara)
        content = response.content.decode()
        assert kept is not None and kept.name == "pengantar-rt.pdf"
        assert f'name="{TOKEN_FIELD}" value="{kept.token}"' in content
        assert "pengantar-rt.pdf" in content
        assert not Application.objects.exists()
        upload = PendingUpload.objects.get()
        # Private storage, never under MEDIA_ROOT; the token itself is not stored.
        assert private_storage.exists(upload.file.name)
        assert kept.token not in upload.token_digest

    def test_the_corrected_form_is_submitted_without_choosing_the_file_again(
        self, service, utara, django_capture_on_commit_callbacks
    ):
        client = Client()
        _, kept = refused_post(client, service, utara)
        stored = PendingUpload.objects.get().file.name
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token})
            )
        assert response.status_code == 302
        attachment = Application.objects.get().attachments.get()
        assert attachment.required_document_key == "doc0"
        assert attachment.original_name == "pengantar-rt.pdf"
        with attachment.file.open("rb") as handle:
            assert handle.read() == PDF_BYTES
        # Used once: the kept file and its row are gone.
        assert not PendingUpload.objects.exists()
        assert not private_storage.exists(stored)

    def test_a_used_token_does_not_work_again(self, service, utara):
        client = Client()
        _, kept = refused_post(client, service, utara)
        assert (
            client.post(
                apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token})
            ).status_code
            == 302
        )
        again = client.post(apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token}))
        assert again.status_code == 400
        assert "surat_pengantar" in again.context["form"].errors
        assert Application.objects.count() == 1

    def test_a_token_from_another_session_is_refused(self, service, utara):
        _, kept = refused_post(Client(), service, utara)
        stranger = Client()
        response = stranger.post(apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token}))
        assert response.status_code == 400
        assert "surat_pengantar" in response.context["form"].errors
        assert not Application.objects.exists()
        assert PendingUpload.objects.count() == 1  # still there for its own session

    def test_an_expired_token_is_refused(self, service, utara):
        client = Client()
        _, kept = refused_post(client, service, utara)
        PendingUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = client.post(apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token}))
        assert response.status_code == 400 and not Application.objects.exists()

    def test_a_new_file_replaces_the_kept_one(self, service, utara):
        client = Client()
        _, kept = refused_post(client, service, utara)
        response = client.post(
            apply_url(service, utara),
            post_data(surat_pengantar=pdf_upload("baru.pdf"), **{TOKEN_FIELD: kept.token}),
        )
        assert response.status_code == 302
        assert Application.objects.get().attachments.get().original_name == "baru.pdf"

    def test_an_invalid_file_is_not_kept(self, service, utara):
        response = Client().post(
            apply_url(service, utara),
            post_data(nama_lengkap="", surat_pengantar=pdf_upload("a.pdf", EXE_BYTES)),
        )
        assert response.status_code == 400
        assert "surat_pengantar" in response.context["form"].errors
        assert not PendingUpload.objects.exists()

    def test_the_kept_file_survives_a_second_error(self, service, utara):
        client = Client()
        _, kept = refused_post(client, service, utara)
        second = client.post(
            apply_url(service, utara), post_data(nama_lengkap="", **{TOKEN_FIELD: kept.token})
        )
        assert second.status_code == 400
        assert second.context["form"].kept_uploads["surat_pengantar"].token == kept.token
        third = client.post(apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token}))
        assert third.status_code == 302
        assert Application.objects.get().attachments.count() == 1


class TestCounterIntake:
    def test_the_scan_is_kept_after_an_error_at_the_counter(self, service, utara, loket):
        counter_version(service)
        client = login(loket)
        refused = intake_post(client, service, nama_pemohon="", ktp=pdf_upload("ktp.pdf"))
        assert refused.status_code == 200 and not Application.objects.exists()
        kept = refused.context["form"].kept_uploads["ktp"]
        response = intake_post(client, service, **{KEPT_UPLOAD_PREFIX + "ktp": kept.token})
        assert response.status_code == 302
        assert Application.objects.get().attachments.get().original_name == "ktp.pdf"


class TestPurge:
    def test_expired_files_are_removed_and_fresh_ones_kept(
        self, service, utara, django_capture_on_commit_callbacks
    ):
        refused_post(Client(), service, utara)
        refused_post(Client(), service, utara)
        old, fresh = PendingUpload.objects.order_by("pk")
        PendingUpload.objects.filter(pk=old.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert pending_uploads_purge() == 1
        assert list(PendingUpload.objects.all()) == [fresh]
        assert not private_storage.exists(old.file.name)
        assert private_storage.exists(fresh.file.name)

    def test_the_beat_task_purges(self, service, utara):
        refused_post(Client(), service, utara)
        PendingUpload.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        assert purge_task.run() == 1
        assert not PendingUpload.objects.exists()


# Transactional only where it runs: on SQLite the test is skipped, and a skipped
# transactional test breaks the session's serialized-rollback restore (tests/conftest.py).
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_two_posts_with_one_token_use_the_file_once(request, monkeypatch):
    """A double click: two posts of the corrected form, each on its own connection, both
    find the kept file; exactly one application is made with it, and the other post is
    told so in Indonesian and changes nothing."""
    # Fixtures fetched in the body: a skipped transactional test must not set them up.
    service, utara = (request.getfixturevalue(n) for n in ("service", "utara"))
    browser = Client()
    _, kept = refused_post(browser, service, utara)
    # Both posts have found the kept file before either claims it.
    together = threading.Barrier(2, timeout=60)
    claim = submission_module.pending_uploads_claim

    def claim_together(**kwargs):
        together.wait()
        return claim(**kwargs)

    monkeypatch.setattr(submission_module, "pending_uploads_claim", claim_together)
    responses, errors = [], []

    def post():
        tab = Client()
        tab.cookies = browser.cookies  # the same session, as two tabs or a double click
        try:
            responses.append(
                tab.post(apply_url(service, utara), post_data(**{TOKEN_FIELD: kept.token}))
            )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400)
    assert "Berkas ini baru saja terkirim bersama pengiriman lain formulir ini" in (
        refused.content.decode()
    )
    application = Application.objects.get()
    assert application.attachments.get().original_name == "pengantar-rt.pdf"
    assert not PendingUpload.objects.exists()
