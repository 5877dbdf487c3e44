"""Report runs and schedules in the admin: request, progress, files, retry, scope."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from paten.accounts.services import staff_create
from reporting.models import (
    RelativePeriod,
    ReportFormat,
    ReportKind,
    ReportOutput,
    ReportRun,
    ReportStatus,
)
from reporting.reports import ReportDefinition, registered_kinds
from reporting.reports.schedules import relative_period
from reporting.reports.services import report_run_request
from tests.ppid.factories import ppid_staff, submit_request
from tests.reporting.factories import SELATAN, UTARA, logged_in
from tests.reporting.reports.factories import RECAP

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]


def request_report(client, **overrides):
    data = {"kind": RECAP, "period": "bulan_ini", "kecamatan": UTARA, "formats": ["xlsx"]}
    data.update(overrides)
    return client.post(reverse("report_runs:request"), data)


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def recap_sheet(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook["Rekap"].iter_rows(values_only=True))


def run_for(user, kecamatan, *, callbacks, kind=RECAP, formats=("xlsx",), options=None):
    today = timezone.localdate()
    with callbacks(execute=False) as queued:
        run = report_run_request(
            user=user,
            kind=kind,
            start=today.replace(day=1),
            end=today,
            kecamatan=kecamatan,
            formats=list(formats),
            options=options,
        )
    return run, queued


def generated_for(user, kecamatan, *, callbacks):
    """A recap run requested by ``user`` and generated (its queued task run)."""
    run, queued = run_for(user, kecamatan, callbacks=callbacks)
    for callback in queued:
        callback()
    return run


class TestRequest:
    def test_camat_requests_the_recap_and_downloads_the_xlsx(
        self, client, camat, finished, django_capture_on_commit_callbacks
    ):
        logged_in(client, camat)
        with django_capture_on_commit_callbacks(execute=True):
            response = request_report(client)
        run = ReportRun.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("report_runs:detail", args=[run.pk])
        assert (run.status, run.progress, run.kecamatan_id) == (ReportStatus.DONE, 100, UTARA)
        assert run.requested_by == camat

        page = client.get(response.url)
        output = run.outputs.get()
        assert page.status_code == 200
        assert reverse("report_runs:download", args=[output.pk]).encode() in page.content
        assert b'http-equiv="refresh"' not in page.content

        download = client.get(reverse("report_runs:download", args=[output.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"] == f'attachment; filename="{output.filename}"'
        assert "no-store" in download["Cache-Control"]
        rows = recap_sheet(downloaded(download))
        header = rows[0]
        service_row = next(
            r for r in rows[1:] if r[header.index("Layanan")] == finished.service.title
        )
        assert service_row[header.index("Selesai")] == 1
        assert service_row[header.index("Kecamatan")] == "Bontang Utara"

    def test_the_form_offers_only_the_users_kecamatan_and_the_kinds_formats(self, client, camat):
        response = logged_in(client, camat).get(reverse("report_runs:request"))
        form = response.context["form"]
        assert [k.code for k in form.fields["kecamatan"].queryset] == [UTARA]
        assert form.fields["kecamatan"].required
        expected = list(registered_kinds()[RECAP].formats)
        assert [value for value, _label in form.fields["formats"].choices] == expected

    def test_pemda_admin_may_request_for_the_whole_kabupaten(
        self, client, admin_pemda, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            response = request_report(logged_in(client, admin_pemda), kecamatan="")
        run = ReportRun.objects.get()
        assert response.status_code == 302
        assert run.kecamatan is None

    def test_quick_period_last_month_sets_the_dates(
        self, client, camat, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            request_report(logged_in(client, camat), period="bulan_lalu")
        run = ReportRun.objects.get()
        start, end = relative_period(RelativePeriod.LAST_MONTH, today=timezone.localdate())
        assert run.parameters["start"] == start.isoformat()
        assert run.parameters["end"] == end.isoformat()

    def test_other_dates_need_both_days(self, client, camat):
        response = request_report(logged_in(client, camat), period="tanggal", start="2026-01-01")
        assert response.status_code == 200
        assert response.context["form"].errors["start"]
        assert not ReportRun.objects.exists()

    def test_a_period_longer_than_two_years_is_a_form_error(self, client, camat):
        response = request_report(
            logged_in(client, camat), period="tanggal", start="2020-01-01", end="2026-01-01"
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not ReportRun.objects.exists()

    def test_camat_of_selatan_cannot_request_for_utara(self, client, camat_selatan, utara):
        response = request_report(logged_in(client, camat_selatan), kecamatan=UTARA)
        assert response.status_code == 200
        assert "kecamatan" in response.context["form"].errors
        assert not ReportRun.objects.exists()

    def test_a_camat_cannot_request_a_pemda_wide_report(self, client, camat):
        response = request_report(logged_in(client, camat), kecamatan="")
        assert "kecamatan" in response.context["form"].errors
        assert not ReportRun.objects.exists()

    def test_front_office_may_not_request_reports(self, client, loket):
        # Wagtail turns PermissionDenied in an admin page into a redirect to the
        # dashboard with a message; for XHR it stays a 403.
        logged_in(client, loket)
        home = reverse("wagtailadmin_home")
        for response in (
            client.get(reverse("report_runs:request")),
            request_report(client),
            client.get(reverse("report_runs:index")),
        ):
            assert (response.status_code, response.url) == (302, home)
        assert not ReportRun.objects.exists()
        xhr = client.get(
            reverse("report_runs:request"), headers={"x-requested-with": "XMLHttpRequest"}
        )
        assert xhr.status_code == 403

    def test_menu_shows_the_report_pages_to_the_camat_only(self, client, camat, loket):
        request_url = reverse("report_runs:request").encode()
        assert request_url in logged_in(client, camat).get(reverse("wagtailadmin_home")).content
        assert request_url not in logged_in(client, loket).get(reverse("wagtailadmin_home")).content


class TestSuggestionsOption:
    @pytest.fixture
    def ikm_kind(self, monkeypatch):
        from reporting.reports import registry

        registered_kinds()  # load the real kinds first, so they don't replace this one

        def build(*, run, progress):
            raise AssertionError("not generated in this test")

        definition = ReportDefinition(kind=ReportKind.IKM, formats=("xlsx",), build=build)
        monkeypatch.setitem(registry._REGISTRY, ReportKind.IKM, definition)

    def test_camat_may_include_the_suggestions(
        self, client, camat, ikm_kind, django_capture_on_commit_callbacks
    ):
        logged_in(client, camat)
        form = client.get(reverse("report_runs:request"), {"kind": "ikm"}).context["form"]
        assert "include_suggestions" in form.fields
        with django_capture_on_commit_callbacks(execute=False):
            request_report(client, kind="ikm", include_suggestions="on")
        assert ReportRun.objects.get().parameters["include_suggestions"] is True

    def test_back_office_gets_no_suggestions_even_when_posting_the_option(
        self, client, back_office, ikm_kind, django_capture_on_commit_callbacks
    ):
        logged_in(client, back_office)
        form = client.get(reverse("report_runs:request"), {"kind": "ikm"}).context["form"]
        assert "include_suggestions" not in form.fields
        with django_capture_on_commit_callbacks(execute=False):
            request_report(client, kind="ikm", include_suggestions="on")
        assert "include_suggestions" not in ReportRun.objects.get().parameters


class TestProgressAndScope:
    def test_progress_json_follows_the_run(
        self, client, camat, finished, django_capture_on_commit_callbacks
    ):
        run, queued = run_for(
            camat, finished.kecamatan, callbacks=django_capture_on_commit_callbacks
        )
        logged_in(client, camat)
        url = reverse("report_runs:progress", args=[run.pk])
        payload = client.get(url).json()
        assert payload["status"] == ReportStatus.QUEUED
        assert (payload["progress"], payload["finished"], payload["outputs"]) == (0, False, [])

        page = client.get(reverse("report_runs:detail", args=[run.pk]))
        assert b'<meta http-equiv="refresh" content="3">' in page.content
        assert b"<progress" in page.content
        assert b"reporting/js/report_progress.js" in page.content

        for callback in queued:
            callback()
        response = client.get(url)
        payload = response.json()
        assert "no-store" in response["Cache-Control"]
        assert (payload["status"], payload["progress"], payload["finished"]) == (
            ReportStatus.DONE,
            100,
            True,
        )
        [output] = payload["outputs"]
        assert output["format"] == ReportFormat.XLSX
        assert client.get(output["url"]).status_code == 200

    def test_camat_of_selatan_gets_404_for_a_run_of_utara(
        self, client, camat, camat_selatan, finished, django_capture_on_commit_callbacks
    ):
        run = generated_for(camat, finished.kecamatan, callbacks=django_capture_on_commit_callbacks)
        output = run.outputs.get()
        logged_in(client, camat_selatan)
        for name, args in [
            ("report_runs:detail", [run.pk]),
            ("report_runs:progress", [run.pk]),
            ("report_runs:download", [output.pk]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse("report_runs:retry", args=[run.pk])).status_code == 404
        listing = client.get(reverse("report_runs:index"))
        assert listing.status_code == 200
        assert str(run.pk).encode() not in listing.content

    def test_pemda_wide_runs_are_hidden_from_kecamatan_users(
        self, client, camat, admin_pemda, django_capture_on_commit_callbacks
    ):
        run, _queued = run_for(admin_pemda, None, callbacks=django_capture_on_commit_callbacks)
        assert run.kecamatan is None
        assert (
            logged_in(client, camat).get(reverse("report_runs:detail", args=[run.pk])).status_code
            == 404
        )
        listing = logged_in(client, admin_pemda).get(reverse("report_runs:index"))
        assert str(run.pk).encode() in listing.content

    def test_a_failed_run_shows_the_error_and_retry_completes_it(
        self, client, camat, finished, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(run):
            raise RuntimeError("database of applications unreachable")

        monkeypatch.setattr("reporting.reports.kinds.recap.recap_rows", broken)
        logged_in(client, camat)
        with django_capture_on_commit_callbacks(execute=True):
            request_report(client)
        run = ReportRun.objects.get()
        assert run.status == ReportStatus.FAILED

        page = client.get(reverse("report_runs:detail", args=[run.pk]))
        assert b"database of applications unreachable" in page.content
        assert reverse("report_runs:retry", args=[run.pk]).encode() in page.content
        assert b'http-equiv="refresh"' not in page.content
        payload = client.get(reverse("report_runs:progress", args=[run.pk])).json()
        assert payload["failed"] and "unreachable" in payload["error"]

        monkeypatch.undo()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("report_runs:retry", args=[run.pk]))
        assert response.status_code == 302
        run.refresh_from_db()
        assert (run.status, run.error, run.attempts) == (ReportStatus.DONE, "", 2)
        assert run.outputs.count() == 1

    def test_retrying_a_finished_run_is_refused_with_a_message(
        self, client, camat, finished, django_capture_on_commit_callbacks
    ):
        run = generated_for(camat, finished.kecamatan, callbacks=django_capture_on_commit_callbacks)
        response = logged_in(client, camat).post(
            reverse("report_runs:retry", args=[run.pk]), follow=True
        )
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE and run.attempts == 1
        assert list(response.context["messages"])

    def test_download_needs_the_view_permission(
        self, client, camat, loket, finished, django_capture_on_commit_callbacks
    ):
        run = generated_for(camat, finished.kecamatan, callbacks=django_capture_on_commit_callbacks)
        output = run.outputs.get()
        logged_in(client, loket)
        url = reverse("report_runs:download", args=[output.pk])
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403

    def test_viewing_runs_without_the_file_permission_shows_no_files(
        self, client, camat, finished, django_capture_on_commit_callbacks
    ):
        from django.contrib.auth.models import Permission

        run = generated_for(camat, finished.kecamatan, callbacks=django_capture_on_commit_callbacks)
        output = run.outputs.get()
        viewer = staff_create(username="pengamat.utara", password="x", roles=[], kecamatan=[UTARA])
        viewer.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["access_admin", "view_reportrun"],
                content_type__app_label__in=["wagtailadmin", "reporting"],
            )
        )
        logged_in(client, viewer)
        page = client.get(reverse("report_runs:detail", args=[run.pk]))
        assert page.status_code == 200
        assert page.context["outputs"] == []
        assert client.get(reverse("report_runs:progress", args=[run.pk])).json()["outputs"] == []
        url = reverse("report_runs:download", args=[output.pk])
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


class TestRunList:
    @staticmethod
    def make_runs(n: int, *, kecamatan, user):
        for index in range(n):
            run = ReportRun.objects.create(
                kind=RECAP,
                parameters={"start": "2026-01-01", "end": "2026-01-31"},
                formats=["xlsx", "csv"],
                kecamatan=kecamatan,
                requested_by=user,
                status=ReportStatus.DONE,
                progress=100,
            )
            for fmt in ("xlsx", "csv"):
                ReportOutput.objects.create(
                    run=run,
                    format=fmt,
                    file=f"reports/{run.pk}/r{index}.{fmt}",
                    filename=f"r{index}.{fmt}",
                    sha256="0" * 64,
                )

    def test_query_count_does_not_grow_with_the_rows(self, client, camat, utara):
        logged_in(client, camat)
        url = reverse("report_runs:index")
        client.get(url)  # warm up: content types, permission caches of this process
        self.make_runs(2, kecamatan=utara, user=camat)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        self.make_runs(10, kecamatan=utara, user=camat)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert len(response.context["rows"]) == 12
        assert len(many.captured_queries) == len(few.captured_queries)
        report_queries = [q for q in many.captured_queries if "reporting_report" in q["sql"]]
        assert len(report_queries) == 3  # count, the page of runs, their files
        assert len(many.captured_queries) <= 25  # with session, permissions and the menu

    def test_filters_by_kind_and_status(self, client, camat, utara):
        self.make_runs(1, kecamatan=utara, user=camat)
        ReportRun.objects.create(kind=RECAP, kecamatan=utara, status=ReportStatus.FAILED)
        logged_in(client, camat)
        url = reverse("report_runs:index")
        assert len(client.get(url, {"status": ReportStatus.FAILED}).context["rows"]) == 1
        assert len(client.get(url, {"kind": RECAP}).context["rows"]) == 2
        assert len(client.get(url, {"kind": ReportKind.SLA}).context["rows"]) == 0


def test_report_settings_sit_in_the_settings_menu(client, admin_pemda):
    url = reverse("wagtailsettings:edit", args=["reporting", "reportsettings"])
    logged_in(client, admin_pemda)
    assert url.encode() in client.get(reverse("wagtailadmin_home")).content
    assert client.get(url, follow=True).status_code == 200


class TestPpidReports:
    """The PPID's registers and annual report through the same admin pages, scoped."""

    def test_kecamatan_ppid_requests_and_downloads_the_annual_report(
        self, client, bontang, utara, django_capture_on_commit_callbacks
    ):
        ppid = ppid_staff("ppid.utara", kecamatan=UTARA)
        other = ppid_staff("ppid.selatan", kecamatan=SELATAN)
        submit_request(utara, requester_name="Siti Rahmawati")
        logged_in(client, ppid)
        page = client.get(reverse("report_runs:request"), {"kind": ReportKind.PPID_ANNUAL})
        assert page.status_code == 200
        kinds = {k["value"] for k in page.context["kinds"]}
        assert {ReportKind.PPID_REQUEST_REGISTER, ReportKind.PPID_ANNUAL} <= kinds
        with django_capture_on_commit_callbacks(execute=True):
            response = request_report(
                client, kind=ReportKind.PPID_ANNUAL, period="tahun_lalu", formats=["pdf"]
            )
        run = ReportRun.objects.get()
        assert response.status_code == 302, response.content
        assert (run.status, run.kecamatan_id, run.kind) == (
            ReportStatus.DONE,
            UTARA,
            ReportKind.PPID_ANNUAL,
        )
        output = run.outputs.get()
        download = client.get(reverse("report_runs:download", args=[output.pk]))
        assert download.status_code == 200
        assert downloaded(download).startswith(b"%PDF")

        logged_in(client, other)
        assert client.get(reverse("report_runs:download", args=[output.pk])).status_code == 404
        assert client.get(reverse("report_runs:detail", args=[run.pk])).status_code == 404

    def test_personal_data_option_for_the_registers_only(self, client, bontang):
        ppid = ppid_staff("ppid.utara", kecamatan=UTARA)
        logged_in(client, ppid)
        register = client.get(
            reverse("report_runs:request"), {"kind": ReportKind.PPID_REQUEST_REGISTER}
        )
        assert "personal_data" in register.context["form"].fields
        annual = client.get(reverse("report_runs:request"), {"kind": ReportKind.PPID_ANNUAL})
        assert "personal_data" not in annual.context["form"].fields

    def test_staff_outside_the_ppid_are_not_offered_them(self, client, camat):
        page = logged_in(client, camat).get(
            reverse("report_runs:request"), {"kind": ReportKind.PPID_ANNUAL}
        )
        kinds = {k["value"] for k in page.context["kinds"]}
        assert (
            ReportKind.PPID_ANNUAL not in kinds and page.context["kind"] != ReportKind.PPID_ANNUAL
        )
        response = request_report(client, kind=ReportKind.PPID_ANNUAL, formats=["pdf"])
        assert response.status_code == 200
        assert not ReportRun.objects.exists()
