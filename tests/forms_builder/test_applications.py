"""Intake: application_submit, online and at the counter."""

from pathlib import Path

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from forms_builder.models import Application, ApplicationEvent, Attachment
from forms_builder.notifications import notifications_paused
from forms_builder.services.applications import Applicant
from forms_builder.workflow import ApplicationState, Channel
from paten.audit.models import AuditEvent
from service_catalog.models import KecamatanOverride
from tests.service_catalog.factories import DelegatedAuthorityFactory, make_service

from .factories import EXE_BYTES, PDF_BYTES, form_version_for, good_data, pdf_upload, submit

pytestmark = pytest.mark.django_db


def _nothing_saved(settings):
    assert Application.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="application.").exists()
    private = Path(settings.PATEN_PRIVATE_ROOT)
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def notification_callbacks(callbacks) -> list:
    """The on-commit callbacks that queue the applicant's notification (the audit log's
    sealer is queued on commit as well)."""
    return [c for c in callbacks if c.__qualname__.startswith("_queue_notification.")]


class TestSubmit:
    def test_stores_version_data_code_and_event(self, service, utara):
        application = submit(service, utara)
        assert application.state == ApplicationState.SUBMITTED
        assert application.form_version.number == 1
        assert application.data == {"nama_lengkap": "Siti Rahmawati", "keperluan": "Sekolah"}
        assert len(application.tracking_code) == 10
        assert application.events.get().to_state == ApplicationState.SUBMITTED
        audit = AuditEvent.objects.get(action="application.submit")
        assert audit.kecamatan_id == utara.code
        assert "Siti" not in str(audit.payload)

    def test_clock_waits_for_a_complete_file(self, service, utara):
        assert submit(service, utara).due_at is None

    def test_clock_starts_at_submission_when_configured(self, bontang, utara):
        service = make_service(code="imb", clock_starts_when_complete=False)
        form_version_for(service)
        assert submit(service, utara).due_at is not None

    def test_uses_the_latest_version(self, service, utara):
        form_version_for(
            service,
            schema=[{"key": "alamat", "label": "Alamat", "type": "singleline", "required": True}],
        )
        application = submit(service, utara, data={"alamat": "Jl. Mulawarman 1"})
        assert application.form_version.number == 2
        assert application.data == {"alamat": "Jl. Mulawarman 1"}

    def test_attachment_stored_privately_with_hash(self, service, utara, settings):
        application = submit(service, utara, files={"surat_pengantar": pdf_upload()})
        attachment = application.attachments.get()
        assert attachment.required_document_key == "doc0"
        assert attachment.content_type == "application/pdf"
        assert attachment.size == len(PDF_BYTES)
        assert len(attachment.sha256) == 64
        path = Path(attachment.file.path)
        assert path.is_file()
        assert str(path).startswith(str(Path(settings.PATEN_PRIVATE_ROOT).resolve()))
        assert not str(path).startswith(str(Path(settings.MEDIA_ROOT).resolve()))
        assert "pengantar" not in attachment.file.name

    def test_notification_email_after_commit(
        self, service, utara, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            application = submit(service, utara)
        assert len(mail.outbox) == 1
        assert application.display_code in mail.outbox[0].body
        assert mail.outbox[0].to == ["siti@example.id"]
        assert ApplicationEvent.objects.get().notified_at is not None

    def test_a_tracking_code_already_taken_is_drawn_again(self, service, utara, monkeypatch):
        from forms_builder import tracking

        taken = submit(service, utara).tracking_code
        draws = iter([taken, taken, "Z" * 10])
        monkeypatch.setattr(tracking, "tracking_code_new", lambda prefix="": next(draws))
        application = submit(service, utara, files={"surat_pengantar": pdf_upload()})
        assert application.tracking_code == "Z" * 10
        assert Application.objects.filter(tracking_code=taken).count() == 1
        assert application.attachments.count() == 1 and Attachment.objects.count() == 1
        assert ApplicationEvent.objects.filter(application=application).count() == 1

    def test_a_tracking_code_taken_five_times_is_an_error(self, service, utara, monkeypatch):
        from django.db import IntegrityError

        from forms_builder import tracking

        taken = submit(service, utara).tracking_code
        monkeypatch.setattr(tracking, "tracking_code_new", lambda prefix="": taken)
        with pytest.raises(IntegrityError):
            submit(service, utara)
        assert Application.objects.count() == 1

    def test_no_email_without_commit(self, service, utara, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submit(service, utara)
        assert len(notification_callbacks(callbacks)) == 1
        assert mail.outbox == []


class TestSubmitRefused:
    def test_not_offered_in_the_kecamatan(self, bontang, utara, selatan, settings):
        authority = DelegatedAuthorityFactory(kecamatan_list=[selatan])
        service = make_service(code="sktm", delegated_authority=authority)
        form_version_for(service)
        with pytest.raises(ValidationError) as error:
            submit(service, utara)
        assert "Bontang Utara" in str(error.value)
        _nothing_saved(settings)

    def test_withdrawn_by_override(self, bontang, utara, settings):
        service = make_service(
            code="skck", overrides=[KecamatanOverride(kecamatan=utara, offered=False)]
        )
        form_version_for(service)
        with pytest.raises(ValidationError):
            submit(service, utara)
        _nothing_saved(settings)

    def test_no_form_version(self, bontang, utara, settings):
        service = make_service(code="nf")
        with pytest.raises(ValidationError):
            submit(service, utara)
        _nothing_saved(settings)

    def test_message_is_indonesian(self, bontang, utara):
        service = make_service(code="nf")
        with translation.override("id"), pytest.raises(ValidationError) as error:
            submit(service, utara)
        assert "formulir" in str(error.value).lower()

    def test_missing_required_field(self, service, utara, settings):
        with pytest.raises(ValidationError) as error:
            submit(service, utara, data={"keperluan": "Sekolah"})
        assert "nama_lengkap" in error.value.message_dict
        _nothing_saved(settings)

    def test_tampered_choice(self, service, utara, settings):
        with pytest.raises(ValidationError) as error:
            submit(service, utara, data=good_data(keperluan="<script>"))
        assert "keperluan" in error.value.message_dict
        _nothing_saved(settings)

    def test_unknown_fields_are_ignored(self, service, utara):
        application = submit(service, utara, data=good_data(state="selesai", result_number="1"))
        assert application.state == ApplicationState.SUBMITTED
        assert "state" not in application.data
        assert application.result_number is None

    def test_disguised_executable(self, service, utara, settings):
        with pytest.raises(ValidationError):
            submit(service, utara, files={"surat_pengantar": pdf_upload("ktp.pdf", EXE_BYTES)})
        _nothing_saved(settings)

    def test_oversized_file(self, service, utara, settings):
        big = PDF_BYTES + b"0" * (5 * 1024 * 1024 + 1)
        with pytest.raises(ValidationError):
            submit(service, utara, files={"surat_pengantar": pdf_upload("big.pdf", big)})
        _nothing_saved(settings)

    def test_online_needs_a_contact(self, service, utara, settings):
        with pytest.raises(ValidationError) as error:
            submit(service, utara, applicant=Applicant(name="Siti"))
        assert "applicant_email" in error.value.message_dict
        _nothing_saved(settings)

    def test_failure_after_files_written_removes_them(self, service, utara, settings, monkeypatch):
        import forms_builder.services.applications as module

        def boom(**kwargs):
            raise RuntimeError("audit down")

        monkeypatch.setattr(module, "audit_record", boom)
        with pytest.raises(RuntimeError):
            submit(service, utara, files={"surat_pengantar": pdf_upload()})
        _nothing_saved(settings)


class TestCounterIntake:
    @staticmethod
    def at_counter(service, kecamatan, actor, **extra):
        return submit(
            service,
            kecamatan,
            applicant=Applicant(name="Budi Santoso"),
            channel=Channel.COUNTER,
            actor=actor,
            **extra,
        )

    def test_by_petugas_loket_with_originals(self, service, utara, loket):
        application = self.at_counter(service, utara, loket, originals_checked=["doc0"])
        assert application.channel == Channel.COUNTER
        assert application.created_by == loket
        assert application.originals_checked == ["doc0"]

    def test_refused_for_another_kecamatan(self, service, utara, loket_selatan, settings):
        with pytest.raises(ValidationError):
            self.at_counter(service, utara, loket_selatan)
        _nothing_saved(settings)

    def test_refused_for_other_roles(self, service, utara, camat):
        with pytest.raises(ValidationError):
            self.at_counter(service, utara, camat)

    def test_unknown_original_refused(self, service, utara, loket):
        with pytest.raises(ValidationError):
            self.at_counter(service, utara, loket, originals_checked=["nope"])


def test_paused_notifications_queue_nothing(service, utara, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, notifications_paused():
        submit(service, utara)
    assert notification_callbacks(callbacks) == []
    assert mail.outbox == []
