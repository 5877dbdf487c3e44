"""The computed statistics of the PPID (report, public page) and the evaluation metric
"PPID requests answered on time"."""

from datetime import date
from decimal import Decimal

import pytest

from paten.ppid.constants import ObjectionGround, RequestState
from paten.ppid.models import ExceptionGround
from paten.ppid.selectors import ppid_statistics, requests_on_time
from paten.ppid.services import objection_answer, objection_file

from .factories import UTARA, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(make_request, make_decided, utara, selatan, atasan):
    ground = ExceptionGround.objects.get(article__endswith="huruf h")
    received = {"kecamatan": utara, "received_at": at(2026, 2, 13, 10)}
    on_time = make_decided(
        RequestState.GRANTED, **received, decided_at=at(2026, 2, 20, 9), answer="Ya"
    )
    late = make_decided(
        RequestState.REFUSED, **received, decided_at=at(2026, 3, 10, 9), exception_ground=ground
    )
    make_decided(
        RequestState.NOT_HELD,
        kecamatan=selatan,
        received_at=at(2026, 4, 6, 9),
        decided_at=at(2026, 4, 7, 9),
        not_held_where="Dinas",
    )
    make_request(received_at=at(2026, 5, 4, 9))  # still open at the PPID utama
    objection = objection_file(
        request=late, ground=ObjectionGround.REFUSED_EXCEPTION, reasons="x", now=at(2026, 3, 11, 9)
    )
    objection_answer(
        objection=objection,
        decision="ditolak",
        answer="Tetap",
        actor=atasan,
        now=at(2026, 3, 16, 9),
    )
    return {"on_time": on_time, "late": late}


def test_on_time_metric_of_a_kecamatan(year):
    value, inputs = requests_on_time(UTARA, date(2026, 1, 1), date(2026, 12, 31))
    assert inputs == {"diputus": 2, "tepat_waktu": 1}
    assert value == Decimal("50.00")


def test_on_time_metric_is_none_without_decisions(year):
    assert requests_on_time(UTARA, date(2025, 1, 1), date(2025, 12, 31)) == (
        None,
        {"diputus": 0, "tepat_waktu": 0},
    )


def test_statistics_of_the_year(year):
    stats = ppid_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert stats.received == 4
    assert dict(stats.by_month)["Februari"] == 2
    assert stats.decided == 3 and stats.on_time == 2
    assert stats.by_state[RequestState.RECEIVED] == 1
    classes = dict(stats.time_classes)
    # 13 → 20 Feb is 3 working days (16 and 17 Feb are off), 6 → 7 Apr is 1; 13 Feb →
    # 10 Mar is 15, the written notice sent after the 10 days.
    assert classes["0–3 hari kerja"] == 2
    assert classes["11–17 hari kerja (dengan perpanjangan)"] == 1
    assert sum(classes.values()) == 3
    assert stats.refused_by_ground == [("UU 14/2008 Pasal 17 huruf h", 1)]
    assert stats.objections == 1 and stats.objections_answered_on_time == 1
    units = {u["code"]: u for u in stats.by_unit}
    assert units["64.74.01"]["received"] == 2 and units["pemda"]["received"] == 1


def test_statistics_of_one_unit(year):
    stats = ppid_statistics(start=date(2026, 1, 1), end=date(2026, 12, 31), kecamatan="64.74.02")
    assert stats.received == 1 and stats.objections == 0
