"""The personal data access record: append-only events, who reviews them, the log page."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from forms_builder.models import AccessAction, AppendOnlyError, Application, PersonalDataAccess
from forms_builder.selectors import personal_data_access_list_for_user
from forms_builder.services.access import (
    personal_data_download_record,
    personal_data_export_record,
    personal_data_view_record,
)

from .factories import pdf_upload, submit

pytestmark = pytest.mark.django_db
LOG = "personal_data_access:index"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def events(service, utara, selatan, camat, camat_selatan):
    """A read of an Utara applicant's data by the Utara camat and one of a Selatan
    applicant's data by the Selatan camat."""
    mine = submit(service, utara)
    theirs = submit(service, selatan)
    return [
        personal_data_view_record(actor=camat, application=mine, fields=["Nama lengkap"]),
        personal_data_view_record(actor=camat_selatan, application=theirs, fields=["NIK"]),
    ]


class TestAppendOnly:
    def test_an_event_is_never_changed_or_deleted_through_the_orm(self, events):
        event = events[0]
        event.reason = "diubah"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            PersonalDataAccess.objects.filter(pk=event.pk).update(reason="diubah")
        with pytest.raises(AppendOnlyError):
            PersonalDataAccess.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            PersonalDataAccess.objects.bulk_update(events, ["reason"])
        assert PersonalDataAccess.objects.count() == 2
        assert not PersonalDataAccess.objects.filter(reason="diubah").exists()

    def test_the_record_outlives_the_account(self, events, camat):
        camat.delete()
        event = PersonalDataAccess.objects.get(pk=events[0].pk)
        assert event.actor is None and event.actor_username == "camat.utara"


class TestRecording:
    def test_download(self, service, utara, loket):
        application = submit(service, utara, files={"surat_pengantar": pdf_upload()})
        attachment = application.attachments.get()
        event = personal_data_download_record(actor=loket, attachment=attachment)
        assert event.action == AccessAction.DOWNLOADED
        assert event.tracking_code == application.tracking_code
        assert event.detail == "doc0"

    def test_an_export_is_one_event_per_kecamatan_of_its_rows(
        self, service, utara, selatan, admin_pemda
    ):
        submit(service, utara)
        submit(service, utara)
        submit(service, selatan)
        events = personal_data_export_record(
            actor=admin_pemda,
            applications=Application.objects.all(),
            reason="Audit",
            detail="permohonan.csv",
        )
        assert {(e.kecamatan_id, e.detail) for e in events} == {
            (utara.code, "permohonan.csv (2)"),
            (selatan.code, "permohonan.csv (1)"),
        }
        assert {e.reason for e in events} == {"Audit"}


class TestWhoReviews:
    def test_the_pemda_admin_sees_every_read(self, events, admin_pemda):
        assert set(personal_data_access_list_for_user(user=admin_pemda)) == set(events)

    def test_a_camat_sees_the_reads_of_their_kecamatans_data_subjects(self, events, camat):
        assert list(personal_data_access_list_for_user(user=camat)) == [events[0]]

    def test_other_roles_see_nothing(self, events, loket, back_office):
        assert not personal_data_access_list_for_user(user=loket).exists()
        assert not personal_data_access_list_for_user(user=back_office).exists()

    def test_filters_by_date_and_username(self, events, admin_pemda):
        today = timezone.localdate()
        assert not personal_data_access_list_for_user(
            user=admin_pemda, start=today + timedelta(days=1)
        ).exists()
        assert personal_data_access_list_for_user(user=admin_pemda, end=today).count() == 2
        assert list(
            personal_data_access_list_for_user(user=admin_pemda, username="CAMAT.selatan")
        ) == [events[1]]


class TestLogPage:
    def test_the_camat_reads_their_log(self, events, camat):
        response = login(camat).get(reverse(LOG))
        content = response.content.decode()
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert events[0].tracking_code in content
        assert events[1].tracking_code not in content
        assert "Akses data pribadi" in content

    def test_filtered_by_user_and_period(self, events, admin_pemda):
        today = timezone.localdate().isoformat()
        content = (
            login(admin_pemda)
            .get(reverse(LOG), {"username": "camat.selatan", "start": today, "end": today})
            .content.decode()
        )
        assert events[1].tracking_code in content and events[0].tracking_code not in content

    def test_a_reversed_period_is_explained(self, events, admin_pemda):
        response = login(admin_pemda).get(
            reverse(LOG), {"start": "2026-02-02", "end": "2026-02-01"}
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    def test_other_roles_are_refused(self, events, loket):
        assert login(loket).get(reverse(LOG)).status_code in {302, 403}

    def test_the_menu_item_is_shown_to_the_camat_only(self, events, camat, loket):
        assert reverse(LOG) in login(camat).get(reverse("wagtailadmin_home")).content.decode()
        assert reverse(LOG) not in login(loket).get(reverse("wagtailadmin_home")).content.decode()


class TestAttachmentDownloadIsRecorded:
    def test_each_download_writes_an_event(self, service, utara, loket):
        application = submit(service, utara, files={"surat_pengantar": pdf_upload()})
        attachment = application.attachments.get()
        url = reverse("forms_builder_admin:attachment", args=[attachment.pk])
        assert login(loket).get(url).status_code == 200
        event = PersonalDataAccess.objects.get()
        assert (event.action, event.actor_username) == (AccessAction.DOWNLOADED, "loket.utara")
