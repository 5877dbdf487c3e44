"""A returned application completed online: new or replacement documents, then resubmit."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from forms_builder.models import ApplicationEvent, Attachment
from forms_builder.services import application_documents_replace
from forms_builder.services.applications import TransitionNotAllowed, application_transition
from forms_builder.workflow import APPLICANT, ApplicationState
from paten.audit.models import AuditEvent
from paten.audit.services import audit_verify
from tests.service_catalog.factories import make_service

from .factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    advance,
    digital_documents,
    form_version_for,
    good_data,
    pdf_upload,
    spec,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
S = ApplicationState

SCHEMA = [
    spec("nama_lengkap", label="Nama lengkap"),
    spec("nik", "nik", label="NIK pemohon", required=False),
    spec("surat_pengantar", "file", label="Surat pengantar RT", required_document_key="doc0"),
    spec(
        "ktp",
        "file",
        label="Fotokopi KTP",
        required=False,
        required_document_key="doc1",
        condition=("nama_lengkap", "tidak pernah"),
    ),
]
NIK = "6474011203900001"
TRACK = reverse("forms_builder:track")
UPLOAD = reverse("forms_builder:track_upload")


@pytest.fixture
def two_documents(bontang):
    service = make_service(title="Surat Keterangan Usaha", code="sku", steps=2)
    form_version_for(service, schema=SCHEMA)
    return service


def submitted(service, kecamatan):
    return submit(
        service,
        kecamatan,
        data=good_data(nik=NIK),
        files={"surat_pengantar": pdf_upload("pengantar-siti-rahmawati.pdf")},
    )


def returned(service, kecamatan, staff, *, note="Fotokopi KTP belum ada"):
    application = advance(submitted(service, kecamatan), **staff, until=S.VERIFYING)
    return application_transition(
        application=application, to_state=S.RETURNED, actor=staff["loket"], note=note
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(settings) -> set[Path]:
    private = Path(settings.PATEN_PRIVATE_ROOT)
    return {p for p in private.rglob("*") if p.is_file()} if private.exists() else set()


class TestService:
    def test_replacement_kept_beside_the_replaced_file_and_resubmitted(
        self, two_documents, utara, staff
    ):
        application = returned(two_documents, utara, staff)
        old = application.attachments.get()

        result = application_documents_replace(
            application=application,
            files={"surat_pengantar": upload("baru.pdf", PDF_BYTES + b"% baru\n")},
        )

        assert result.state == S.SUBMITTED
        assert result.return_note == ""
        new = Attachment.objects.exclude(pk=old.pk).get()
        old.refresh_from_db()
        assert old.replaced_by == new and old.is_replaced
        assert new.replaced_by is None and new.required_document_key == "doc0"
        assert new.file.open("rb").read() == PDF_BYTES + b"% baru\n"
        assert Path(old.file.path).is_file()  # evidence: the replaced file is kept

    def test_missing_document_added_without_replacing_others(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        original = application.attachments.get()

        application_documents_replace(
            application=application,
            files={"ktp": SimpleUploadedFile("ktp.jpg", JPEG_BYTES, content_type="image/jpeg")},
        )

        ktp = application.attachments.get(required_document_key="doc1")
        assert ktp.content_type == "image/jpeg" and ktp.replaced_by is None
        original.refresh_from_db()
        assert original.replaced_by is None

    def test_event_and_audit_recorded(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        old = application.attachments.get()

        application_documents_replace(
            application=application, files={"surat_pengantar": pdf_upload("x.pdf")}
        )

        event = ApplicationEvent.objects.filter(application=application).order_by("-at").first()
        assert (event.from_state, event.to_state) == (S.RETURNED, S.SUBMITTED)
        assert event.actor is None
        assert "Surat pengantar RT" in event.note
        audits = list(
            AuditEvent.objects.filter(action__startswith="application.").order_by("-timestamp")[:2]
        )
        assert [a.action for a in audits] == [
            "application.transition",
            "application.documents_replace",
        ]
        replaced = audits[1].payload
        new = application.attachments.get(replaced_by__isnull=True)
        assert replaced["by_applicant"] is True and replaced["state"] == S.RETURNED
        assert replaced["documents"] == {
            "doc0": {
                "attachment": str(new.pk),
                "sha256": new.sha256,
                "size": new.size,
                "replaces": [str(old.pk)],
            }
        }
        assert audits[0].payload["from"] == S.RETURNED and audits[0].payload["by_applicant"]
        assert audit_verify().ok

    @pytest.mark.parametrize("until", [S.SUBMITTED, S.VERIFYING, S.PROCESSING])
    def test_refused_unless_returned(self, two_documents, utara, staff, until, settings):
        application = advance(submitted(two_documents, utara), **staff, until=until)
        before = stored_files(settings)

        with pytest.raises(TransitionNotAllowed):
            application_documents_replace(
                application=application, files={"surat_pengantar": pdf_upload()}
            )

        application.refresh_from_db()
        assert application.state == until
        assert application.attachments.count() == 1
        assert stored_files(settings) == before

    def test_bad_file_stores_nothing_and_keeps_the_state(
        self, two_documents, utara, staff, settings
    ):
        application = returned(two_documents, utara, staff)
        before = stored_files(settings)
        audits = AuditEvent.objects.count()

        with pytest.raises(ValidationError) as caught:
            application_documents_replace(
                application=application,
                files={
                    "surat_pengantar": pdf_upload("baik.pdf"),
                    "ktp": upload("ktp.pdf", EXE_BYTES),  # an .exe renamed .pdf
                },
            )

        assert "ktp" in caught.value.message_dict
        application.refresh_from_db()
        assert application.state == S.RETURNED
        assert application.attachments.count() == 1
        assert stored_files(settings) == before
        assert AuditEvent.objects.count() == audits

    def test_size_limit_of_the_document_applies(self, two_documents, utara, staff):
        digital_documents(two_documents, types=("pdf",), max_mb=1)
        application = returned(two_documents, utara, staff)
        big = upload("besar.pdf", PDF_BYTES + b"0" * (1024 * 1024))

        with pytest.raises(ValidationError, match="too large|terlalu besar"):
            application_documents_replace(application=application, files={"surat_pengantar": big})
        with pytest.raises(ValidationError):
            application_documents_replace(
                application=application,
                files={"ktp": SimpleUploadedFile("k.jpg", JPEG_BYTES, content_type="image/jpeg")},
            )  # the document accepts PDF only now
        application.refresh_from_db()
        assert application.state == S.RETURNED and application.attachments.count() == 1

    def test_no_file_refused(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        with pytest.raises(ValidationError):
            application_documents_replace(application=application, files={"nik": "x"})
        application.refresh_from_db()
        assert application.state == S.RETURNED

    def test_failure_after_storing_removes_the_files(
        self, two_documents, utara, staff, settings, monkeypatch
    ):
        from forms_builder.services import applications

        application = returned(two_documents, utara, staff)
        before = stored_files(settings)

        def broken(**kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(applications, "application_transition", broken)
        with pytest.raises(RuntimeError):
            application_documents_replace(
                application=application, files={"surat_pengantar": pdf_upload()}
            )

        application.refresh_from_db()
        assert application.state == S.RETURNED
        assert application.attachments.count() == 1
        assert application.attachments.get().replaced_by is None
        assert stored_files(settings) == before
        assert not AuditEvent.objects.filter(action="application.documents_replace").exists()

    def test_the_applications_own_form_version_decides(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        # A newer version without the KTP upload does not change what this one accepts.
        form_version_for(two_documents, schema=[spec("nama_lengkap")])

        application_documents_replace(application=application, files={"ktp": pdf_upload("ktp.pdf")})
        assert application.attachments.filter(required_document_key="doc1").exists()

    def test_staff_of_another_kecamatan_refused(self, two_documents, utara, staff, loket_selatan):
        application = returned(two_documents, utara, staff)
        with pytest.raises(TransitionNotAllowed):
            application_documents_replace(
                application=application,
                files={"surat_pengantar": pdf_upload()},
                actor=loket_selatan,
            )
        application.refresh_from_db()
        assert application.state == S.RETURNED and application.attachments.count() == 1


class TestTracker:
    def test_upload_form_only_when_returned(self, client, two_documents, utara, staff):
        application = advance(submitted(two_documents, utara), **staff, until=S.VERIFYING)
        content = client.get(
            TRACK, {"kode": application.tracking_code}, follow=True
        ).content.decode()
        assert f'action="{UPLOAD}"' not in content

        application_transition(
            application=application, to_state=S.RETURNED, actor=staff["loket"], note="KTP buram"
        )
        response = client.get(TRACK, {"kode": application.tracking_code}, follow=True)
        content = response.content.decode()
        assert response.status_code == 200
        assert f'action="{UPLOAD}"' in content
        assert 'enctype="multipart/form-data"' in content
        assert 'type="file" name="surat_pengantar"' in content
        assert 'type="file" name="ktp"' in content
        assert "Surat pengantar RT" in content and "Fotokopi KTP" in content
        assert "KTP buram" in content  # the return note, shown prominently
        assert 'value="ajukan_ulang"' in content  # resubmitting unchanged stays possible
        assert "<script" not in content.split('id="documents"')[1].split("</form>")[0]

    def test_no_personal_data_or_file_names(self, client, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        attachment = application.attachments.get()
        content = client.get(
            TRACK, {"kode": application.tracking_code}, follow=True
        ).content.decode()
        for personal in (
            "Siti",
            "Rahmawati",
            "siti@example.id",
            NIK,
            "pengantar-siti-rahmawati",
            attachment.file.name,
            attachment.sha256,
            str(attachment.pk),
        ):
            assert personal not in content
        assert "S.R." in content

    def test_upload_resubmits_and_redirects(self, client, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)

        response = client.post(
            UPLOAD,
            {"kode": application.display_code, "ktp": pdf_upload("ktp.pdf")},
        )

        assert response.status_code == 302
        assert response["Location"] == f"/lacak/{application.display_code}/?terkirim=1"
        application.refresh_from_db()
        assert application.state == S.SUBMITTED
        assert application.attachments.filter(required_document_key="doc1").count() == 1
        content = client.get(response["Location"]).content.decode()
        assert "dokumen Anda sudah diterima" in content
        assert f'action="{UPLOAD}"' not in content

    def test_bad_file_shows_indonesian_message_and_changes_nothing(
        self, client, two_documents, utara, staff, settings
    ):
        application = returned(two_documents, utara, staff)
        before = stored_files(settings)

        response = client.post(
            UPLOAD,
            {
                "kode": application.tracking_code,
                "surat_pengantar": pdf_upload("baik.pdf"),
                "ktp": upload("ktp.pdf", EXE_BYTES),
            },
        )

        assert response.status_code == 400
        content = response.content.decode()
        assert "Isi berkas bukan jenis yang diterima" in content
        assert "Belum ada yang terkirim" in content
        assert "ktp.pdf" not in content and "Siti" not in content
        application.refresh_from_db()
        assert application.state == S.RETURNED
        assert application.attachments.count() == 1
        assert stored_files(settings) == before

    def test_no_file_chosen_is_explained(self, client, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        response = client.post(UPLOAD, {"kode": application.tracking_code})
        assert response.status_code == 400
        assert "Pilih sedikitnya satu berkas" in response.content.decode()
        application.refresh_from_db()
        assert application.state == S.RETURNED

    def test_not_returned_changes_nothing(self, client, two_documents, utara, staff):
        application = advance(submitted(two_documents, utara), **staff, until=S.PROCESSING)
        response = client.post(
            UPLOAD, {"kode": application.tracking_code, "surat_pengantar": pdf_upload()}
        )
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.state == S.PROCESSING
        assert application.attachments.count() == 1

    def test_unknown_code_is_404(self, client, bontang):
        response = client.post(UPLOAD, {"kode": "AAAA-AAAA-AA", "surat_pengantar": pdf_upload()})
        assert response.status_code == 404

    def test_rate_limited(self, client, two_documents, utara, staff, settings):
        application = returned(two_documents, utara, staff)
        settings.FORMS_BUILDER_LOOKUP_RATE = (2, 600)
        for _ in range(2):
            client.get(TRACK, {"kode": application.tracking_code}, follow=True)

        response = client.post(
            UPLOAD, {"kode": application.tracking_code, "surat_pengantar": pdf_upload()}
        )

        assert response.status_code == 429
        application.refresh_from_db()
        assert application.state == S.RETURNED and application.attachments.count() == 1

    def test_needs_csrf(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        response = Client(enforce_csrf_checks=True).post(
            UPLOAD, {"kode": application.tracking_code, "surat_pengantar": pdf_upload()}
        )
        assert response.status_code == 403
        application.refresh_from_db()
        assert application.state == S.RETURNED


class TestStaffDetail:
    def test_replacement_and_replaced_file_with_upload_times(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        old = application.attachments.get()
        application_documents_replace(
            application=application, files={"surat_pengantar": pdf_upload()}, actor=APPLICANT
        )
        new = application.attachments.get(replaced_by__isnull=True)
        client = Client()
        client.force_login(staff["loket"])

        content = client.get(
            reverse("forms_builder_admin:detail", args=[application.pk])
        ).content.decode()

        assert f'data-attachment="{new.pk}" data-attachment-status="replacement"' in content
        assert f'data-attachment="{old.pk}" data-attachment-status="replaced"' in content
        assert content.index(str(new.pk)) < content.index(str(old.pk))  # newest first
        assert "pengganti (berlaku)" in content and "sudah diganti" in content
        assert content.count("diunggah ") >= 2

    def test_untouched_file_is_plain(self, two_documents, utara, staff):
        application = returned(two_documents, utara, staff)
        attachment = application.attachments.get()
        client = Client()
        client.force_login(staff["loket"])
        content = client.get(
            reverse("forms_builder_admin:detail", args=[application.pk])
        ).content.decode()
        assert f'data-attachment="{attachment.pk}" data-attachment-status="original"' in content
        assert "sudah diganti" not in content
