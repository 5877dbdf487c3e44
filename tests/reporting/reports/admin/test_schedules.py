"""The report schedules in the admin: created and changed through the service that keeps
beat in step, scoped like the runs."""

import json

from django.urls import reverse

import pytest
from django_celery_beat.models import PeriodicTask

from reporting.models import ReportSchedule
from reporting.reports import ReportDefinition, registered_kinds
from reporting.reports.schedules import TASK_NAME
from tests.reporting.factories import SELATAN, UTARA, logged_in
from tests.reporting.reports.factories import RECAP

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


class TestSchedules:
    @staticmethod
    def schedule_data(**overrides):
        data = {
            "name": "Rekap bulanan Utara",
            "kind": RECAP,
            "kecamatan": UTARA,
            "period": "bulan_lalu",
            "formats": ["xlsx", "pdf"],
            "frequency": "bulanan",
            "day_of_month": "5",
            "day_of_week": "1",
            "hour": "7",
            "minute": "30",
            "recipients": "camat.utara@example.id\n\n sekcam@example.id ",
            "is_active": "on",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def test_create_edit_and_delete_keep_the_periodic_task_in_step(self, client, camat):
        logged_in(client, camat)
        assert client.get(reverse("report_schedules:add")).status_code == 200
        response = client.post(reverse("report_schedules:add"), self.schedule_data())
        assert response.status_code == 302, response.context["form"].errors
        schedule = ReportSchedule.objects.get()
        task = schedule.periodic_task
        assert (task.task, json.loads(task.args), task.enabled) == (TASK_NAME, [schedule.pk], True)
        crontab = task.crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.day_of_week) == (
            "30",
            "7",
            "5",
            "*",
        )
        assert schedule.recipients == "camat.utara@example.id\nsekcam@example.id"
        assert schedule.created_by == camat

        listing = client.get(reverse("report_schedules:index"))
        assert b"Rekap bulanan Utara" in listing.content

        edit_url = reverse("report_schedules:edit", args=[schedule.pk])
        assert client.get(edit_url).status_code == 200
        response = client.post(
            edit_url,
            self.schedule_data(frequency="mingguan", day_of_week="7", is_active=None),
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert (task.crontab.day_of_week, task.crontab.day_of_month) == ("0", "*")
        assert task.enabled is False
        assert PeriodicTask.objects.filter(name__startswith="report-schedule-").count() == 1

        response = client.post(reverse("report_schedules:delete", args=[schedule.pk]))
        assert response.status_code == 302
        assert not ReportSchedule.objects.exists()
        assert not PeriodicTask.objects.filter(pk=task.pk).exists()

    def test_a_camat_cannot_create_a_pemda_wide_schedule(self, client, camat):
        response = logged_in(client, camat).post(
            reverse("report_schedules:add"), self.schedule_data(kecamatan="")
        )
        assert response.status_code == 200
        assert "kecamatan" in response.context["form"].errors
        assert not ReportSchedule.objects.exists()
        assert not PeriodicTask.objects.filter(task=TASK_NAME).exists()

    def test_a_camat_cannot_schedule_for_another_kecamatan(self, client, camat):
        response = logged_in(client, camat).post(
            reverse("report_schedules:add"), self.schedule_data(kecamatan=SELATAN)
        )
        assert response.status_code == 200
        assert "kecamatan" in response.context["form"].errors
        assert not ReportSchedule.objects.exists()

    def test_pemda_admin_creates_a_pemda_wide_schedule(self, client, admin_pemda):
        response = logged_in(client, admin_pemda).post(
            reverse("report_schedules:add"), self.schedule_data(kecamatan="")
        )
        assert response.status_code == 302
        schedule = ReportSchedule.objects.get()
        assert schedule.kecamatan is None and schedule.periodic_task is not None

    def test_formats_the_kind_does_not_offer_are_a_form_error(self, client, camat, monkeypatch):
        from reporting.reports import registry

        registered_kinds()
        only_xlsx = ReportDefinition(kind=RECAP, formats=("xlsx",), build=lambda **kw: None)
        monkeypatch.setitem(registry._REGISTRY, RECAP, only_xlsx)
        response = logged_in(client, camat).post(
            reverse("report_schedules:add"), self.schedule_data(formats=["pdf"])
        )
        assert response.status_code == 200
        assert "formats" in response.context["form"].errors

    def test_bad_recipient_is_a_form_error(self, client, camat):
        response = logged_in(client, camat).post(
            reverse("report_schedules:add"), self.schedule_data(recipients="bukan-email")
        )
        assert "recipients" in response.context["form"].errors

    def test_kecamatan_users_see_and_edit_only_their_schedules(
        self, client, camat, camat_selatan, admin_pemda
    ):
        logged_in(client, camat).post(reverse("report_schedules:add"), self.schedule_data())
        logged_in(client, admin_pemda).post(
            reverse("report_schedules:add"), self.schedule_data(name="Kabupaten", kecamatan="")
        )
        utara_schedule = ReportSchedule.objects.get(kecamatan=UTARA)
        pemda_schedule = ReportSchedule.objects.get(kecamatan=None)

        logged_in(client, camat_selatan)
        listing = client.get(reverse("report_schedules:index"))
        assert list(listing.context["object_list"]) == []
        for schedule in (utara_schedule, pemda_schedule):
            for name in ("edit", "delete", "history"):
                url = reverse(f"report_schedules:{name}", args=[schedule.pk])
                assert client.get(url).status_code == 404, (name, schedule)

        logged_in(client, camat)
        listing = client.get(reverse("report_schedules:index"))
        assert list(listing.context["object_list"]) == [utara_schedule]
        edit_pemda = reverse("report_schedules:edit", args=[pemda_schedule.pk])
        assert client.get(edit_pemda).status_code == 404

    def test_the_listing_shows_the_next_run(self, client, camat):
        logged_in(client, camat).post(reverse("report_schedules:add"), self.schedule_data())
        response = client.get(reverse("report_schedules:index"))
        assert response.status_code == 200
        assert b" 07.30" in response.content

    def test_front_office_has_no_schedules(self, client, loket):
        assert logged_in(client, loket).get(reverse("report_schedules:index")).status_code in (
            302,
            403,
        )
