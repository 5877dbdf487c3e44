"""The kecamatan evaluation ranking report kind: figures equal the scoreboard,
the period is chosen by id or by the run's dates, and a kecamatan-scoped run shows only
its own rows."""

from datetime import date
from decimal import Decimal as D

import pytest

from reporting.evaluation.selectors import scoreboard
from reporting.evaluation.services import period_close
from reporting.models import ReportFormat, ReportKind
from reporting.reports import definition_for
from reporting.reports.kinds.ranking import AVERAGE_LABEL, RankingPeriodMissing, build_ranking
from tests.reporting.evaluation.factories import (
    REJECTION,
    SECRET_NOTE,
    make_instrument,
    make_period,
)
from tests.reporting.factories import BARAT, SELATAN, UTARA
from tests.reporting.reports.factories import (
    Progress,
    as_dicts,
    csv_rows,
    make_run,
    pdf_html,
    sheet_rows,
    with_report_permission,
    xlsx_sheets,
)

pytestmark = pytest.mark.django_db


def run_for(period, **kwargs):
    parameters = {"start": period.start_date.isoformat(), "end": period.end_date.isoformat()}
    return make_run(ReportKind.EVALUATION_RANKING, parameters, **kwargs)


def test_registered_with_its_formats():
    assert definition_for(ReportKind.EVALUATION_RANKING).formats == (
        ReportFormat.XLSX,
        ReportFormat.PDF,
        ReportFormat.CSV,
    )


class TestRankingSheet:
    def test_figures_equal_the_scoreboard(self, periods):
        _previous, period = periods
        data = build_ranking(run=run_for(period, period_id=period.pk), progress=Progress())
        board = scoreboard(period=period)
        rows = as_dicts(data, "Peringkat")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (1, 3, "Bontang Utara"),
            (2, 3, "Bontang Selatan"),
            (3, 3, "Bontang Barat"),
            ("", "", AVERAGE_LABEL),
        ]
        for row, score in zip(rows, board.rows, strict=False):
            assert row["Kode kecamatan"] == score.code
            assert row["Total (0–100)"] == score.total.quantize(D("0.01"))
            assert row["Pelayanan publik (60 %)"] == score.aspects[board.aspects[0].id]
            assert row["Pemerintahan umum (40 %)"] == score.aspects[board.aspects[1].id]
            assert row["Perubahan"] == score.change.quantize(D("0.01"))
        assert [r["Total (0–100)"] for r in rows] == [D("70.00"), D("38.00"), D("0.00"), D("36.00")]
        assert [r["Total periode sebelumnya"] for r in rows[:3]] == [D("0.00")] * 3
        assert rows[3]["Total (0–100)"] == board.average_total.quantize(D("0.01"))

    def test_indicator_detail(self, periods):
        _previous, period = periods
        data = build_ranking(run=run_for(period, period_id=period.pk), progress=Progress())
        detail = as_dicts(data, "Rincian indikator")
        assert len(detail) == 3 * 3 + 3  # three kecamatan × three indicators + averages
        by_key = {(r["Kode kecamatan"], r["Kode indikator"]): r for r in detail}
        barat_e1 = by_key[(BARAT, "E1")]
        assert (barat_e1["Nilai"], barat_e1["Status"], barat_e1["Dihitung dalam skor"]) == (
            D("3.0000"),
            "Ditolak",
            "Tidak",
        )
        assert barat_e1["Skor (0–100)"] == D("0.00")
        assert by_key[(BARAT, "E2")]["Status"] == "Diajukan, menunggu verifikasi"
        utara_e2 = by_key[(UTARA, "E2")]
        assert (utara_e2["Skor (0–100)"], utara_e2["Target"], utara_e2["Status"]) == (
            D("100.00"),
            D("10.0000"),
            "Terverifikasi",
        )
        assert by_key[(SELATAN, "K1")]["Status"] == "Dihitung, dibekukan"
        assert by_key[("", "E2")]["Kecamatan"] == AVERAGE_LABEL
        assert by_key[("", "E2")]["Skor (0–100)"] == D("50.00")  # (100 + 50 + 0) / 3
        text = str(sheet_rows(data, "Rincian indikator")) + pdf_html(data)
        assert SECRET_NOTE not in text
        assert REJECTION not in text

    def test_latest_closed_period_overlapping_the_dates_by_default(self, periods):
        previous, period = periods
        data = build_ranking(run=run_for(period), progress=Progress())
        assert (data.start, data.end) == (period.start_date, period.end_date)
        data = build_ranking(run=run_for(previous), progress=Progress())
        assert (data.start, data.end) == (previous.start_date, previous.end_date)

    def test_no_closed_period_fails_with_a_message(self, bontang):
        run = make_run(ReportKind.EVALUATION_RANKING, {"start": "2020-01-01", "end": "2020-12-31"})
        with pytest.raises(RankingPeriodMissing, match="Tidak ada periode evaluasi"):
            build_ranking(run=run, progress=Progress())

    def test_kecamatan_scope_shows_only_its_own_row(self, periods, selatan):
        _previous, period = periods
        data = build_ranking(
            run=run_for(period, period_id=period.pk, kecamatan=selatan), progress=Progress()
        )
        rows = as_dicts(data, "Peringkat")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (2, 3, "Bontang Selatan"),
            ("", "", AVERAGE_LABEL),
        ]
        assert rows[1]["Total (0–100)"] == D("36.00")  # the average covers every kecamatan
        detail = as_dicts(data, "Rincian indikator")
        assert {r["Kode kecamatan"] for r in detail} == {SELATAN, ""}
        html = pdf_html(data)
        assert "Kecamatan Bontang Selatan berada di peringkat 2 dari 3 kecamatan." in html
        for other in ("Bontang Utara", "Bontang Barat", UTARA, BARAT):
            assert other not in str(sheet_rows(data, "Peringkat"))
            assert other not in str(sheet_rows(data, "Rincian indikator"))
            assert other not in html


def test_end_to_end_as_camat(periods, camat_selatan, requested_run):
    _previous, period = periods
    run = requested_run(
        with_report_permission(camat_selatan),
        ReportKind.EVALUATION_RANKING,
        period,
        options={"period_id": period.pk},
    )
    assert run.kecamatan_id == SELATAN
    assert sorted(run.outputs.values_list("format", flat=True)) == ["csv", "pdf", "xlsx"]
    sheets = xlsx_sheets(run)
    assert set(sheets) == {"Peringkat", "Rincian indikator"}
    assert [row[3] for row in sheets["Peringkat"][1:]] == ["Bontang Selatan", AVERAGE_LABEL]
    table = csv_rows(run)
    assert table[0][:4] == ["Peringkat", "Dari", "Kode kecamatan", "Kecamatan"]
    assert [row[3] for row in table[1:]] == ["Bontang Selatan", AVERAGE_LABEL]
    assert "Bontang Utara" not in str(sheets) + str(table)


def test_period_dates_do_not_need_the_current_year(people):
    """A period of another year is found by its dates alone."""
    instrument = make_instrument(year=2025)
    period = make_period(instrument, end=date(2025, 12, 31), days=183)
    period_close(period=period, actor=people["admin"])
    run = make_run(ReportKind.EVALUATION_RANKING, {"start": "2025-10-01", "end": "2025-10-31"})
    data = build_ranking(run=run, progress=Progress())
    assert data.start == period.start_date
