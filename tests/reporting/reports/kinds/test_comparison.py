"""The kecamatan comparison report kind: ranks, the kabupaten average, and a camat who
sees only the own row."""

from datetime import timedelta
from decimal import Decimal

import pytest

from forms_builder.models import Application
from paten.regions.models import Region
from reporting.models import (
    ReportFormat,
    ReportKind,
)
from reporting.reports.kinds.comparison import AVERAGE_LABEL, assign_ranks, build_comparison
from reporting.survey.constants import SurveyChannel
from reporting.survey.ikm import display_ikm
from reporting.survey.selectors import Slice, ikm_for
from reporting.survey.services import survey_response_submit
from tests.reporting.factories import BARAT, SELATAN, UTARA, all_answers, finished_application
from tests.reporting.reports.factories import (
    Progress,
    as_dicts,
    csv_rows,
    make_run,
    pdf_html,
    pdf_text,
    period_of,
    sheet_rows,
    with_report_permission,
    xlsx_sheets,
    xlsx_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison_data(service, utara, selatan, staff, staff_selatan, quarter):
    """Utara: 2 finished on time, respondents all 4. Selatan: 2 finished, 1 late, all 3.

    Barat: nothing. Expected ranking: Utara (100 %, 100,00), Selatan (50 %, 75,00), Barat.
    """
    for _ in range(2):
        survey_response_submit(
            answers=all_answers(4),
            channel=SurveyChannel.TRACKING,
            application=finished_application(service, utara, staff),
        )
    late = None
    for _ in range(2):
        late = finished_application(service, selatan, staff_selatan)
        survey_response_submit(
            answers=all_answers(3), channel=SurveyChannel.TRACKING, application=late
        )
    Application.objects.filter(pk=late.pk).update(due_at=late.finished_at - timedelta(hours=1))


class TestComparison:
    def test_pemda_wide_ranks_every_kecamatan(self, comparison_data, quarter):
        data = build_comparison(
            run=make_run(ReportKind.COMPARISON, period_of(quarter)), progress=Progress()
        )
        rows = as_dicts(data, "Perbandingan")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (1, 3, "Bontang Utara"),
            (2, 3, "Bontang Selatan"),
            (3, 3, "Bontang Barat"),
            ("", "", AVERAGE_LABEL),
        ]
        utara, selatan, barat, average = rows
        assert (utara["Diterima"], utara["Selesai"], utara["Selesai tepat waktu"]) == (2, 2, 2)
        assert (utara["% kepatuhan SLA"], utara["IKM (25–100)"], utara["Mutu"]) == (
            100.0,
            Decimal("100.00"),
            "A",
        )
        assert (selatan["Selesai tepat waktu"], selatan["% kepatuhan SLA"]) == (1, 50.0)
        assert (selatan["IKM (25–100)"], selatan["Mutu"], selatan["Kinerja"]) == (
            Decimal("75.00"),
            "C",
            "Kurang baik",
        )
        assert (selatan["Responden"], selatan["Sampel minimum"], selatan["Sampel memadai"]) == (
            2,
            2,
            "Ya",
        )
        assert (barat["Diterima"], barat["% kepatuhan SLA"], barat["IKM (25–100)"]) == (
            0,
            None,
            None,
        )
        # Average: counts per kecamatan, rates pooled over the kabupaten.
        assert (average["Diterima"], average["Selesai tepat waktu"]) == (1.3, 1.0)
        assert average["% kepatuhan SLA"] == 75.0  # 3 of 4
        pooled = ikm_for(Slice(start=quarter.start_date, end=quarter.end_date))
        assert average["IKM (25–100)"] == display_ikm(pooled.result.ikm_converted)
        assert average["IKM (25–100)"] == Decimal("87.50")
        assert average["Mutu"] == "B"

    def test_ties_share_a_rank_and_the_next_rank_skips(self):
        rows = [
            {"name": "a", "sla_pct": 90.0, "ikm": Decimal("80.00")},
            {"name": "b", "sla_pct": 80.0, "ikm": Decimal("85.00")},
            {"name": "c", "sla_pct": 80.0, "ikm": Decimal("85.00")},
            {"name": "d", "sla_pct": 80.0, "ikm": None},
            {"name": "e", "sla_pct": None, "ikm": Decimal("99.00")},
            {"name": "f", "sla_pct": 80.0, "ikm": Decimal("90.00")},
        ]
        assign_ranks(rows)
        assert {r["name"]: r["rank"] for r in rows} == {
            "a": 1,
            "f": 2,
            "b": 3,
            "c": 3,
            "d": 5,
            "e": 6,
        }

    def test_kecamatan_scope_shows_only_its_own_row(self, comparison_data, selatan, quarter):
        data = build_comparison(
            run=make_run(ReportKind.COMPARISON, period_of(quarter), kecamatan=selatan),
            progress=Progress(),
        )
        rows = as_dicts(data, "Perbandingan")
        assert [(r["Peringkat"], r["Dari"], r["Kecamatan"]) for r in rows] == [
            (2, 3, "Bontang Selatan"),
            ("", "", AVERAGE_LABEL),
        ]
        assert rows[1]["% kepatuhan SLA"] == 75.0  # the average still covers every kecamatan
        html = pdf_html(data)
        for other in ("Bontang Utara", "Bontang Barat", UTARA, BARAT):
            assert other not in str(sheet_rows(data, "Perbandingan"))
            assert other not in html
        assert data.context["own"]["rank"] == 2

    def test_end_to_end_as_camat(self, comparison_data, camat_selatan, quarter, requested_run):
        run = requested_run(with_report_permission(camat_selatan), ReportKind.COMPARISON, quarter)
        assert run.kecamatan_id == SELATAN  # never wider than the camat's own kecamatan
        assert sorted(run.outputs.values_list("format", flat=True)) == ["csv", "pdf", "xlsx"]
        sheet = xlsx_sheets(run)["Perbandingan"]
        assert sheet[1][:4] == (2, 3, SELATAN, "Bontang Selatan")
        assert [row[3] for row in sheet[1:]] == ["Bontang Selatan", AVERAGE_LABEL]
        table = csv_rows(run)
        assert table[0][:4] == ["Peringkat", "Dari", "Kode kecamatan", "Kecamatan"]
        assert [row[3] for row in table[1:]] == ["Bontang Selatan", AVERAGE_LABEL]
        for other in ("Bontang Utara", "Bontang Barat"):
            assert other not in xlsx_text(run)
            assert other not in str(table)
        pdf = pdf_text(run)
        assert "Bontang Selatan" in pdf
        for other in ("Bontang Utara", "Bontang Barat"):
            assert other not in pdf

    def test_csv_escapes_formulas(self, admin_pemda, bontang, quarter, requested_run):
        Region(code="64.74.04", name="@SUM(1+1)").save()
        run = requested_run(admin_pemda, ReportKind.COMPARISON, quarter, formats=[ReportFormat.CSV])
        names = [row[3] for row in csv_rows(run)[1:]]
        assert "'@SUM(1+1)" in names
        assert "@SUM(1+1)" not in names
        assert len(names) == 5  # four kecamatan and the average
