"""The PPID registers and the annual report's data: columns of the register keberatan,
masking by default, scope, the narrative of the period."""

from datetime import date

import pytest

from paten.ppid.constants import ObjectionGround, ReportPeriod, RequestState
from paten.ppid.models import ExceptionGround, ReportNarrative
from paten.ppid.reports import (
    annual_report_data,
    annual_report_sheets,
    narrative_period,
    objection_register_sheet,
    request_register_sheet,
)
from paten.ppid.services import objection_answer, objection_file

from .factories import NIK, UTARA, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(make_request, make_decided, utara, selatan, atasan):
    item = make_decided(
        RequestState.REFUSED,
        kecamatan=utara,
        received_at=at(2026, 2, 13, 10),
        decided_at=at(2026, 2, 20, 9),
        exception_ground=ExceptionGround.objects.get(article__endswith="huruf h"),
    )
    objection = objection_file(
        request=item,
        ground=ObjectionGround.REFUSED_EXCEPTION,
        reasons="Bukan rahasia",
        proxy_name="Ahmad Kuasa",
        proxy_address="Jl. Kuasa 1",
        now=at(2026, 2, 23, 9),
    )
    objection_answer(
        objection=objection, decision="ditolak", answer="Tetap", actor=atasan, now=at(2026, 3, 2, 9)
    )
    make_request(kecamatan=selatan, received_at=at(2026, 2, 16, 10), requester_name="Budi Lain")
    return item


YEAR = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}


def test_request_register_is_masked_by_default(answered):
    sheet = request_register_sheet(**YEAR, kecamatan=None, unmasked=False)
    rows = list(sheet.rows())
    assert sheet.row_count == 2 and len(rows) == 2
    text = str(rows)
    assert "Siti Rahmawati" not in text and NIK not in text and "siti@example.org" not in text
    assert "S. R." in text


def test_request_register_unmasked_for_who_may_see(answered):
    rows = list(request_register_sheet(**YEAR, kecamatan=None, unmasked=True).rows())
    assert any("Siti Rahmawati" in row for row in rows)


def test_request_register_of_one_kecamatan(answered):
    rows = list(request_register_sheet(**YEAR, kecamatan=UTARA, unmasked=True).rows())
    assert len(rows) == 1 and "Budi Lain" not in str(rows)


def test_objection_register_has_the_register_columns(answered):
    sheet = objection_register_sheet(**YEAR, kecamatan=None, unmasked=False)
    for column in (
        "Nomor registrasi keberatan",
        "Tanggal diterima",
        "Nomor pendaftaran permohonan",
        "Informasi yang diminta",
        "Tujuan penggunaan",
        "Alasan keberatan (UU 14/2008 Pasal 35)",
        "Keputusan atasan PPID",
        "Hari/tanggal tanggapan",
        "Nama dan jabatan atasan PPID",
        "Tanggapan pemohon",
    ):
        assert column in sheet.header
    (row,) = list(sheet.rows())
    values = dict(zip(sheet.header, row, strict=True))
    assert values["Nomor pendaftaran permohonan"] == answered.registration_number
    assert values["Kuasa"] == "A. K."
    assert "Siti" not in str(row)


def test_narrative_period_of_a_semester():
    assert narrative_period(date(2026, 1, 1), date(2026, 6, 30)) == ReportPeriod.SEMESTER_1
    assert narrative_period(date(2026, 7, 1), date(2026, 12, 31)) == ReportPeriod.SEMESTER_2
    assert narrative_period(date(2026, 1, 1), date(2026, 12, 31)) == ReportPeriod.YEAR


def test_annual_report_joins_the_computed_and_written_parts(answered):
    ReportNarrative.objects.create(year=2026, kecamatan=None, budget="Rp 50 juta, terserap 90 %")
    data = annual_report_data(**YEAR, kecamatan=None)
    assert data["due"] == date(2027, 3, 31)
    assert data["stats"].received == 2 and data["stats"].objections == 1
    sheets = {sheet.title: list(sheet.rows()) for sheet in annual_report_sheets(data)}
    assert ("Permohonan diterima", 2) in sheets["Ringkasan"]
    assert any("Rp 50 juta" in value for _label, value in sheets["Narasi"])
    assert ("UU 14/2008 Pasal 17 huruf h", 1) in sheets["Penolakan per alasan"]
