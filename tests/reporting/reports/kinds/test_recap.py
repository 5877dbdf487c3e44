"""The monthly recap (reporting/reports/recap.py), its figures checked by hand.

The data lie in February 2025, a month without national holidays or cuti bersama in
Indonesia (weekdays 3–7, 10–14, 17–21 and 24–28), so working days are countable on
the fingers; one application verified in January crosses Isra Mi'raj (27 Jan), the
cuti bersama of Imlek (28 Jan) and Imlek (29 Jan).
"""

from datetime import timedelta

from django.utils import timezone

import pytest

from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from reporting.models import ReportFormat, ReportKind, ReportRun
from reporting.reports import definition_for
from reporting.reports.kinds.recap import build_monthly_recap, recap_rows
from tests.reporting.reports.factories import FEBRUARY

pytestmark = pytest.mark.django_db

S = ApplicationState


def recap_run(**extra) -> ReportRun:
    return ReportRun.objects.create(
        kind=ReportKind.MONTHLY_RECAP,
        parameters=dict(FEBRUARY),
        formats=[ReportFormat.XLSX],
        **extra,
    )


class TestRecapFigures:
    def test_figures_of_bontang_utara_by_hand(self, february, utara):
        rows = {row["kecamatan_id"]: row for row in recap_rows(recap_run())}
        row = rows[utara.code]
        assert row["kecamatan"] == "Bontang Utara"
        assert row["received"] == 7  # a b c d e f h (g came in January)
        assert row["completed"] == 4  # a b c g (h finished in March)
        assert row["within_sla"] == 3  # a c g
        assert row["within_sla_pct"] == 75.0
        assert row["returned"] == 1  # d
        assert row["rejected"] == 1  # e
        assert row["open_at_end"] == 3  # d f h
        assert row["overdue_at_end"] == 2  # d h
        # Working days from verification to completion: a 1, b 5, c 2, g 7.
        assert row["mean_days"] == 3.8  # 15 / 4 = 3.75
        assert row["median_days"] == 3.5

    def test_each_kecamatan_has_its_own_row(self, february, selatan):
        rows = {row["kecamatan_id"]: row for row in recap_rows(recap_run())}
        assert set(rows) == {february["a"].kecamatan_id, selatan.code}
        row = rows[selatan.code]
        assert (row["received"], row["completed"], row["within_sla"]) == (1, 1, 1)
        assert (row["open_at_end"], row["overdue_at_end"], row["returned"]) == (0, 0, 0)
        assert (row["mean_days"], row["median_days"]) == (1.0, 1.0)

    def test_kecamatan_scope_leaves_other_kecamatan_out(self, february, selatan):
        rows = recap_rows(recap_run(kecamatan=selatan))
        assert [row["kecamatan_id"] for row in rows] == [selatan.code]

    def test_sheet_ends_with_totals(self, february):
        calls = []
        data = build_monthly_recap(run=recap_run(), progress=lambda p, n="": calls.append(p))
        sheet = data.sheets[0]
        rows = list(sheet.rows())
        assert len(rows) == sheet.row_count == 3
        total = dict(zip(sheet.header, rows[-1], strict=True))
        assert total["Kecamatan"] == "JUMLAH"
        assert total["Diterima"] == 8
        assert total["Selesai"] == 5
        assert total["Selesai tepat waktu"] == 4
        assert total["% tepat waktu"] == 80.0
        assert total["Masih diproses"] == 3
        assert total["Melewati batas waktu"] == 2
        assert calls and max(calls) <= 30

    def test_not_yet_overdue_in_a_period_ending_today(self, due_later_today):
        """An application due later today is open, not overdue, in a report run today."""
        application = due_later_today
        today = timezone.localdate()
        run = ReportRun.objects.create(
            kind=ReportKind.MONTHLY_RECAP,
            parameters={"start": today.replace(day=1).isoformat(), "end": today.isoformat()},
            formats=[ReportFormat.XLSX],
        )
        [row] = recap_rows(run)
        assert (row["open_at_end"], row["overdue_at_end"]) == (1, 0)
        Application.objects.filter(pk=application.pk).update(
            due_at=timezone.now() - timedelta(minutes=1)
        )
        [row] = recap_rows(run)
        assert (row["open_at_end"], row["overdue_at_end"]) == (1, 1)


def test_recap_is_registered_with_three_formats():
    definition = definition_for(ReportKind.MONTHLY_RECAP)
    assert definition.formats == (ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV)
