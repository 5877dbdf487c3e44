"""The monthly recap (reporting/reports/recap.py), its figures checked by hand.

The data lie in February 2025, a month without national holidays or cuti bersama in
Indonesia (weekdays 3–7, 10–14, 17–21 and 24–28), so working days are countable on
the fingers; one application verified in January crosses Isra Mi'raj (27 Jan), the
cuti bersama of Imlek (28 Jan) and Imlek (29 Jan).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

import pytest

from forms_builder.models import Application, ApplicationEvent
from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import ReportFormat, ReportKind, ReportRun
from reporting.reports import definition_for
from reporting.reports.kinds.recap import build_monthly_recap, recap_rows
from tests.forms_builder.factories import advance, submit
from tests.reporting.conftest import SELATAN

pytestmark = pytest.mark.django_db

S = ApplicationState
FEBRUARY = {"start": "2025-02-01", "end": "2025-02-28"}


def at(day: int, hour: int = 10, minute: int = 0, *, month: int = 2) -> datetime:
    """An instant of 2025 in the installation's time zone (Asia/Jakarta)."""
    return timezone.make_aware(datetime(2025, month, day, hour, minute))


def place(application, *, submitted, verified=None, due=None, finished=None, events=None):
    """Move an application (and some of its events) to fixed dates in the past."""
    Application.objects.filter(pk=application.pk).update(
        submitted_at=submitted, verified_at=verified, due_at=due, finished_at=finished
    )
    for state, when in (events or {}).items():
        ApplicationEvent.objects.filter(application=application, to_state=state).update(at=when)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def staff_selatan(loket_selatan, camat_selatan):
    back_office = staff_create(
        username="backoffice.selatan",
        password="x",
        roles=[Role.BACK_OFFICE],
        kecamatan=[SELATAN],
    )
    return {"loket": loket_selatan, "back_office": back_office, "camat": camat_selatan}


@pytest.fixture
def february(service, utara, selatan, staff, staff_selatan):
    """Applications of February 2025, named by what they exercise.

    Bontang Utara:
      a  verified Mon 3, finished Tue 4, due Wed 5            on time, 1 working day
      b  verified Mon 3, finished Mon 10, due Wed 5 16:00     late (3 wd), 5 working days
      c  verified Thu 13, finished Mon 17, due Tue 18         on time, 2 working days
      g  received 20 Jan, verified Tue 21 Jan, finished Tue 4 Feb, due Wed 5
                                                               on time, 7 working days
      d  returned Wed 12, still returned, due Fri 14          open and overdue at the end
      e  rejected Wed 12                                      closed, not open
      f  processing, due 5 March                              open, not overdue
      h  finished 3 March, due Thu 27 Feb                      open and overdue at the end
    Bontang Selatan:
      s  verified Wed 5, finished Thu 6, due Fri 7            on time, 1 working day
    """
    apps = {}

    def finished(kecamatan, crew):
        return advance(submit(service, kecamatan), **crew, until=S.FINISHED)

    apps["a"] = place(
        finished(utara, staff), submitted=at(3, 8), verified=at(3, 9), due=at(5, 16), finished=at(4)
    )
    apps["b"] = place(
        finished(utara, staff),
        submitted=at(3, 8),
        verified=at(3, 9),
        due=at(5, 16),
        finished=at(10),
    )
    apps["c"] = place(
        finished(utara, staff),
        submitted=at(13, 8),
        verified=at(13, 9),
        due=at(18, 16),
        finished=at(17),
    )
    apps["g"] = place(
        finished(utara, staff),
        submitted=at(20, month=1),
        verified=at(21, month=1),
        due=at(5, 16),
        finished=at(4, 11),
    )
    returned = advance(submit(service, utara), **staff, until=S.VERIFYING)
    returned = application_transition(
        application=returned, to_state=S.RETURNED, actor=staff["loket"], note="Kurang KK"
    )
    apps["d"] = place(
        returned, submitted=at(11), due=at(14, 16), events={S.RETURNED: at(12), S.VERIFYING: at(11)}
    )
    rejected = advance(submit(service, utara), **staff, until=S.VERIFYING)
    rejected = application_transition(
        application=rejected, to_state=S.REJECTED, actor=staff["loket"], note="Bukan warga"
    )
    apps["e"] = place(rejected, submitted=at(11), finished=at(12), events={S.REJECTED: at(12)})
    processing = advance(submit(service, utara), **staff, until=S.PROCESSING)
    apps["f"] = place(processing, submitted=at(20), verified=at(20), due=at(5, 16, month=3))
    apps["h"] = place(
        finished(utara, staff),
        submitted=at(25),
        verified=at(25),
        due=at(27, 16),
        finished=at(3, month=3),
    )
    apps["s"] = place(
        finished(selatan, staff_selatan),
        submitted=at(5, 8),
        verified=at(5, 9),
        due=at(7, 16),
        finished=at(6),
    )
    return apps


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

    def test_not_yet_overdue_in_a_period_ending_today(self, service, utara, staff):
        """An application due later today is open, not overdue, in a report run today."""
        application = advance(submit(service, utara), **staff, until=S.PROCESSING)
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        now = timezone.now()
        # Due between now and midnight: inside the period, but not past yet.
        Application.objects.filter(pk=application.pk).update(due_at=now + (midnight - now) / 2)
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
