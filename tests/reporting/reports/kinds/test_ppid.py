"""The PPID's report kinds end to end: requested through ``report_run_request``, built
by the (eager) Celery task, the files opened. The registers are scoped to the run's
kecamatan and masked unless asked for by someone who may see personal data; the annual
report has its computed and narrative parts and a semester variant; only the PPID roles
may request them."""

from datetime import date

from django.core.exceptions import PermissionDenied

import pytest

from paten.accounts.constants import Role
from paten.audit.models import AuditEvent
from paten.ppid.constants import ObjectionGround, ReportPeriod, RequestState
from paten.ppid.models import ExceptionGround, ReportNarrative
from paten.ppid.services import objection_answer, objection_file, request_decide
from reporting.models import ReportFormat, ReportKind
from reporting.reports import definition_for
from reporting.reports.selectors import report_kinds_for
from reporting.reports.services import report_run_request
from tests.ppid.factories import NIK as PPID_NIK
from tests.ppid.factories import PERSONAL as PPID_PERSONAL
from tests.ppid.factories import at, ppid_staff, submit_request
from tests.reporting.factories import SELATAN, UTARA
from tests.reporting.reports.factories import (
    pdf_text,
    xlsx_sheets,
    xlsx_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]

YEAR = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}
PPID_KINDS = (
    ReportKind.PPID_REQUEST_REGISTER,
    ReportKind.PPID_OBJECTION_REGISTER,
    ReportKind.PPID_ANNUAL,
)


@pytest.fixture
def ppid_utama(bontang):
    return ppid_staff("ppid")


@pytest.fixture
def ppid_utara(bontang):
    return ppid_staff("ppid.utara", kecamatan=UTARA)


@pytest.fixture
def atasan(bontang):
    return ppid_staff("atasan", role=Role.ATASAN_PPID)


@pytest.fixture
def year(utara, selatan, ppid_utama, atasan):
    """2026: a refused request of Utara with an answered objection, a granted one of
    Utara, an open one of Selatan (another requester)."""
    refused = submit_request(utara, received_at=at(2026, 2, 13, 10))
    request_decide(
        request=refused,
        outcome=RequestState.REFUSED,
        actor=ppid_utama,
        exception_ground=ExceptionGround.objects.get(article__endswith="huruf h"),
        now=at(2026, 2, 20, 9),
    )
    objection = objection_file(
        request=refused,
        ground=ObjectionGround.REFUSED_EXCEPTION,
        reasons="Bukan rahasia",
        now=at(2026, 2, 23, 9),
    )
    objection_answer(
        objection=objection, decision="ditolak", answer="Tetap", actor=atasan, now=at(2026, 3, 2)
    )
    granted = submit_request(utara, received_at=at(2026, 3, 2, 10))
    request_decide(
        request=granted,
        outcome=RequestState.GRANTED,
        actor=ppid_utama,
        answer="Terlampir",
        now=at(2026, 3, 4, 9),
    )
    submit_request(selatan, received_at=at(2026, 4, 6, 9), requester_name="Budi Selatan")
    return {"refused": refused, "objection": objection}


def test_the_kinds_are_registered_for_the_ppid_roles_only(ppid_utara, atasan, admin_pemda):
    for kind in PPID_KINDS:
        assert definition_for(kind).formats == (ReportFormat.XLSX, ReportFormat.PDF)
    assert not definition_for(ReportKind.PPID_REQUEST_REGISTER).schedulable
    assert definition_for(ReportKind.PPID_ANNUAL).schedulable
    assert set(PPID_KINDS) <= set(report_kinds_for(user=ppid_utara))
    assert set(PPID_KINDS) <= set(report_kinds_for(user=atasan))
    assert not set(PPID_KINDS) & set(report_kinds_for(user=admin_pemda))


def test_someone_outside_the_ppid_may_not_request_them(admin_pemda):
    with pytest.raises(PermissionDenied):
        report_run_request(user=admin_pemda, kind=ReportKind.PPID_ANNUAL, **YEAR)


def test_request_register_of_a_kecamatan_ppid_is_its_own_and_masked(
    year, ppid_utara, requested_run
):
    run = requested_run(
        ppid_utara,
        ReportKind.PPID_REQUEST_REGISTER,
        formats=[ReportFormat.XLSX, ReportFormat.PDF],
        **YEAR,
    )
    assert run.kecamatan_id == UTARA
    rows = xlsx_sheets(run)["Register permohonan"]
    assert len(rows) == 3  # the header and the two requests of Utara
    assert year["refused"].registration_number in {row[1] for row in rows[1:]}
    text = xlsx_text(run) + pdf_text(run)
    assert "Budi Selatan" not in text
    for value in PPID_PERSONAL:
        assert value not in text, value
    assert "S. R." in text
    assert "Buku register permohonan informasi publik" in pdf_text(run)


def test_personal_data_only_when_asked_for(year, ppid_utama, requested_run):
    run = requested_run(
        ppid_utama, ReportKind.PPID_REQUEST_REGISTER, options={"personal_data": True}, **YEAR
    )
    text = xlsx_text(run)
    assert run.kecamatan_id is None
    assert "Siti Rahmawati" in text and PPID_NIK in text and "Budi Selatan" in text
    read = AuditEvent.objects.get(action="ppid.personal_data_read")
    assert read.actor_id == ppid_utama.pk and read.payload["laporan"] == run.kind


def test_a_masked_register_records_no_personal_data_read(year, ppid_utama, requested_run):
    requested_run(ppid_utama, ReportKind.PPID_OBJECTION_REGISTER, **YEAR)
    assert not AuditEvent.objects.filter(action="ppid.personal_data_read").exists()


def test_objection_register_has_the_register_columns(year, atasan, requested_run):
    run = requested_run(atasan, ReportKind.PPID_OBJECTION_REGISTER, **YEAR)
    rows = xlsx_sheets(run)["Register keberatan"]
    header, (row,) = rows[0], rows[1:]
    assert "Alasan keberatan (UU 14/2008 Pasal 35)" in header
    assert row[header.index("Nomor registrasi keberatan")] == (
        year["objection"].registration_number
    )
    assert row[header.index("Nama pemohon")] == "S. R."


def test_annual_report_has_the_computed_and_the_written_parts(year, ppid_utama, requested_run):
    ReportNarrative.objects.create(
        year=2026,
        period=ReportPeriod.YEAR,
        policy="Perwali tentang PPID diterapkan sejak Januari.",
        recommendations="Menambah petugas meja layanan informasi.",
    )
    run = requested_run(
        ppid_utama, ReportKind.PPID_ANNUAL, formats=[ReportFormat.XLSX, ReportFormat.PDF], **YEAR
    )
    sheets = xlsx_sheets(run)
    summary = dict(sheets["Ringkasan"][1:])
    assert summary["Permohonan diterima"] == 3
    assert summary["Pemberitahuan tertulis dikirim"] == 2
    assert summary["Keberatan"] == 1
    assert any("Perwali tentang PPID" in str(row[1]) for row in sheets["Narasi"])
    text = pdf_text(run)
    assert "LAPORAN LAYANAN INFORMASI PUBLIK TAHUN 2026" in text
    assert "Perwali tentang PPID diterapkan sejak Januari." in text
    assert "Menambah petugas meja layanan informasi." in text
    assert "31 Maret 2027" in text
    for value in PPID_PERSONAL:
        assert value not in text + xlsx_text(run), value


def test_semester_variant(year, ppid_utara, requested_run):
    ReportNarrative.objects.create(
        year=2026, period=ReportPeriod.SEMESTER_1, kecamatan_id=UTARA, budget="Rp 5 juta"
    )
    run = requested_run(
        ppid_utara,
        ReportKind.PPID_ANNUAL,
        formats=[ReportFormat.PDF],
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
    )
    text = pdf_text(run)
    assert "SEMESTER I TAHUN 2026" in text
    assert "Rp 5 juta" in text
    assert "PPID Kecamatan Bontang Utara" in text


def test_a_kecamatan_ppid_cannot_report_on_another_kecamatan(ppid_utara, selatan):
    with pytest.raises(PermissionDenied):
        report_run_request(user=ppid_utara, kind=ReportKind.PPID_ANNUAL, kecamatan=SELATAN, **YEAR)
