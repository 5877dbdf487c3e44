"""Import of paper questionnaire files and the export of responses."""

import hashlib
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
import tablib

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.audit.models import AuditEvent
from reporting.models import SurveyResponse
from reporting.survey.constants import SurveyChannel
from reporting.survey.ikm import UNSUR_KEYS
from reporting.survey.resources import IMPORT_ACTION, IMPORT_HEADERS, SurveyResponseResource
from reporting.survey.services import survey_response_submit
from tests.reporting.factories import SELATAN, UTARA, all_answers, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]

IMPORT = "survey_import:index"
EXPORT = "survey_responses:export"
HEADER = ",".join(
    ["kecamatan", "layanan", "tanggal", "nomor", *UNSUR_KEYS, "jenis_kelamin", "umur", "saran"]
)


def today() -> str:
    return timezone.localdate().strftime("%d-%m-%Y")


def row(kecamatan=UTARA, *, answers="4,4,4,4,4,4,4,4,4", day=None, number="1", rest="L,30,"):
    return f"{kecamatan},,{day or today()},{number},{answers},{rest}"


def csv_file(*rows, header=HEADER, name="kuesioner.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode())


def dry_run(client, upload):
    response = client.post(reverse(IMPORT), {"import_file": upload})
    assert response.status_code == 200
    return response


def confirm(client, preview):
    token = preview.context["confirm_form"].initial["import_token"]
    name = preview.context["confirm_form"].initial["original_name"]
    return client.post(reverse(IMPORT), {"import_token": token, "original_name": name})


def errors_by_line(summary) -> dict:
    return {error.line: " ".join(error.messages) for error in summary.errors}


# -----------------------------------------------------------------------------
# Import
# -----------------------------------------------------------------------------


class TestImportDryRun:
    def test_reports_every_bad_row_and_saves_nothing(self, client, loket, bontang):
        logged_in(client, loket)
        future = (timezone.localdate() + timedelta(days=2)).strftime("%d-%m-%Y")
        upload = csv_file(
            row(number="1"),
            row(number="2", answers="4,4,5,4,4,4,4,4,4"),
            row("64.74.99", number="3"),
            row(SELATAN, number="4"),
            row(number="5", day=future),
            row(number="6", answers="4,4,4,4,4,4,4,4,"),
        )

        preview = dry_run(client, upload)

        summary = preview.context["summary"]
        errors = errors_by_line(summary)
        assert set(errors) == {3, 4, 5, 6, 7}
        assert "“5”" in errors[3] and "U3" in errors[3]
        assert "64.74.99" in errors[4]
        assert "Bontang Selatan" in errors[5]
        assert future in errors[6]
        assert "U9" in errors[7]
        assert preview.context["confirm_form"] is None
        assert not SurveyResponse.objects.exists()
        assert not AuditEvent.objects.filter(action=IMPORT_ACTION).exists()

    def test_missing_unsur_column_refuses_the_whole_file(self, client, loket, bontang):
        logged_in(client, loket)
        header = HEADER.replace(",pengaduan", "")

        preview = dry_run(
            client, csv_file(f"{UTARA},,{today()},1,4,4,4,4,4,4,4,4,L,30,", header=header)
        )

        summary = preview.context["summary"]
        assert [error.line for error in summary.errors] == [None]  # the whole file
        assert "pengaduan" in " ".join(summary.errors[0].messages)
        assert summary.total == 0
        assert not SurveyResponse.objects.exists()

    def test_u8_pengaduan_header_is_refused_as_the_body_order_mistake(self, client, loket, bontang):
        logged_in(client, loket)
        header = HEADER.replace("sarana,pengaduan", "U9 sarana,U8 pengaduan")

        preview = dry_run(client, csv_file(row(), header=header))

        message = " ".join(preview.context["summary"].errors[0].messages)
        assert "U9 sarana" in message or "U8 pengaduan" in message
        assert not SurveyResponse.objects.exists()


class TestImport:
    def test_u1_to_u9_headers_follow_the_questionnaire_order(self, client, loket, bontang):
        logged_in(client, loket)
        header = HEADER.replace(",".join(UNSUR_KEYS), ",".join(f"U{n}" for n in range(1, 10)))
        # U8 = sarana gets 1, U9 = pengaduan gets 2 (docs/domain/skm-ikm.md, the nine unsur).
        upload = csv_file(row(answers="4,4,4,4,4,4,4,1,2"), header=header)

        confirm(client, dry_run(client, upload))

        saved = SurveyResponse.objects.get()
        assert (saved.u_sarana, saved.u_pengaduan, saved.u_persyaratan) == (1, 2, 4)

    def test_writes_every_row_and_exactly_one_audit_event(self, client, loket, utara, service):
        logged_in(client, loket)
        content = "\n".join(
            [
                HEADER,
                row(number="1"),
                f"{UTARA},{service.code},{today()},2,1,2,3,4,1,2,3,4,1,P,45,Antre lama",
                row(number="3", rest="l,,"),
            ]
        ).encode()

        preview = dry_run(client, SimpleUploadedFile("kertas.csv", content))
        assert preview.context["summary"].new == 3
        assert not SurveyResponse.objects.exists()  # still a dry run
        done = confirm(client, preview)

        assert done.status_code == 302
        saved = SurveyResponse.objects.order_by("paper_reference")
        assert saved.count() == 3
        assert {r.channel for r in saved} == {SurveyChannel.IMPORT}
        assert {r.entered_by for r in saved} == {loket}
        second = saved.get(paper_reference="2")
        assert (second.service, second.gender, second.age, second.suggestion) == (
            service,
            "P",
            45,
            "Antre lama",
        )
        assert second.answers == dict(zip(UNSUR_KEYS, [1, 2, 3, 4, 1, 2, 3, 4, 1], strict=True))
        events = AuditEvent.objects.filter(action__startswith="survey.")
        assert events.count() == 1
        event = events.get()
        assert event.action == IMPORT_ACTION and event.actor == loket
        assert event.kecamatan_id == UTARA
        assert event.payload["count"] == 3
        assert event.payload["sha256"] == hashlib.sha256(content).hexdigest()

    def test_xlsx_with_date_cells(self, client, loket, bontang):
        logged_in(client, loket)
        data = tablib.Dataset(headers=list(IMPORT_HEADERS))
        day = datetime.combine(timezone.localdate(), datetime.min.time())
        data.append([UTARA, "", day, "A1", *[3] * 9, "P", 28, "D3", "Petani", "", "Bagus"])
        upload = SimpleUploadedFile("kuesioner.xlsx", data.export("xlsx"))

        confirm(client, dry_run(client, upload))

        saved = SurveyResponse.objects.get()
        assert saved.answered_on == timezone.localdate()
        assert (saved.education, saved.occupation, saved.occupation_other) == (
            "diploma",
            "lainnya",
            "Petani",
        )

    def test_one_bad_row_saves_nothing_even_without_the_preview(self, loket, bontang):
        dataset = tablib.Dataset().load(
            "\n".join([HEADER, row(number="1"), row(number="2", answers="4,4,4,4,4,4,4,4,0")]),
            format="csv",
        )

        result = SurveyResponseResource(user=loket).import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )

        assert result.has_validation_errors()
        assert not SurveyResponse.objects.exists()
        assert not AuditEvent.objects.filter(action=IMPORT_ACTION).exists()

    def test_an_id_column_never_updates_an_existing_response(self, loket, utara):
        existing = survey_response_submit(
            answers=all_answers(4), channel=SurveyChannel.PAPER, kecamatan=utara
        )
        dataset = tablib.Dataset().load(f"id,{HEADER}\n{existing.pk},{row()}", format="csv")

        result = SurveyResponseResource(user=loket).import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )

        assert result.has_errors() or result.has_validation_errors()
        assert SurveyResponse.objects.count() == 1

    def test_needs_the_add_permission(self, client, bontang):
        evaluator = staff_create(username="evaluator", password="x", roles=[Role.EVALUATOR])
        logged_in(client, evaluator)

        response = client.post(reverse(IMPORT), {"import_file": csv_file(row())})

        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
        assert not SurveyResponse.objects.exists()

    def test_template_has_the_import_headers(self, client, loket):
        logged_in(client, loket)
        page = client.get(reverse(IMPORT))
        assert reverse("survey_import:template", args=["xlsx"]) in page.content.decode()

        xlsx = client.get(reverse("survey_import:template", args=["xlsx"]))
        csv = client.get(reverse("survey_import:template", args=["csv"]))

        assert tablib.Dataset().load(xlsx.content, format="xlsx").headers == list(IMPORT_HEADERS)
        assert csv.content.decode().strip() == ",".join(IMPORT_HEADERS)


# -----------------------------------------------------------------------------
# Export
# -----------------------------------------------------------------------------


def exported(client, **params) -> tablib.Dataset:
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 200
    return tablib.Dataset().load(response.content, format="xlsx")


class TestExport:
    def test_leaves_out_the_suggestions(self, admin_client, utara):
        survey_response_submit(
            answers=all_answers(3),
            channel=SurveyChannel.PAPER,
            kecamatan=utara,
            suggestion="Nama saya Budi, hubungi 0812",
        )

        data = exported(admin_client)

        assert "saran" not in data.headers and "suggestion" not in data.headers
        assert {"kecamatan", "tanggal", *UNSUR_KEYS} <= set(data.headers)
        assert "Budi" not in str(data.dict)
        assert data.dict[0]["waktu"] == 3

    def test_is_scoped_and_filtered(self, client, admin_client, loket_selatan, utara, selatan):
        for kecamatan in (utara, selatan, selatan):
            survey_response_submit(
                answers=all_answers(4), channel=SurveyChannel.PAPER, kecamatan=kecamatan
            )
        logged_in(client, loket_selatan)

        mine = exported(client)
        crafted = exported(client, kecamatan=UTARA)
        filtered = exported(admin_client, kecamatan=UTARA)

        assert [r["kecamatan"] for r in mine.dict] == [SELATAN, SELATAN]
        # A kecamatan outside the scope is not a valid filter: the scope still holds.
        assert [r["kecamatan"] for r in crafted.dict] == [SELATAN, SELATAN]
        assert [r["kecamatan"] for r in filtered.dict] == [UTARA]

    def test_export_without_rights_is_refused(self, client, bontang):
        ppid = staff_create(username="ppid", password="x", roles=[Role.PPID])
        logged_in(client, ppid)

        response = client.get(reverse(EXPORT))

        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
