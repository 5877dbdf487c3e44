"""The evaluation metric "days since the last sync" and the pemda dashboard's figures."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from paten.sync import selectors
from paten.sync.constants import BundleKind, BundleStatus, Direction, PeerStatus
from paten.sync.models import BundleLog
from reporting.evaluation.metrics import metric_compute, value_from_inputs
from reporting.models import Metric

pytestmark = pytest.mark.django_db


def _local(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _bundle(peer, made: date, *, status=BundleStatus.APPLIED):
    return BundleLog.objects.create(
        peer=peer,
        direction=Direction.IN,
        kind=BundleKind.UP,
        sequence=BundleLog.objects.filter(peer=peer).count() + 1,
        status=status,
        claimed_at=_local(made),
    )


@pytest.fixture
def offline_since_june(offline_utara):
    offline_utara.enrolled_at = _local(date(2026, 6, 1))
    offline_utara.save()
    return offline_utara


def test_a_kecamatan_the_central_serves_has_no_days_outstanding(utara):
    value, inputs = metric_compute(
        Metric.DAYS_SINCE_SYNC, kecamatan=utara.code, start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    assert value == Decimal(0)
    assert inputs["luring"] is False
    assert value_from_inputs(Metric.DAYS_SINCE_SYNC, inputs) == value


def test_days_from_the_newest_bundle_made_before_the_period_ended(offline_since_june, utara):
    _bundle(offline_since_june, date(2026, 9, 10))
    _bundle(offline_since_june, date(2026, 9, 20))
    _bundle(offline_since_june, date(2026, 9, 25), status=BundleStatus.REFUSED)
    _bundle(offline_since_june, date(2026, 10, 3))  # made after the period: not counted
    value, inputs = metric_compute(
        Metric.DAYS_SINCE_SYNC, kecamatan=utara.code, start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    assert value == Decimal(10)
    assert inputs == {
        "luring": True,
        "akhir_periode": "2026-09-30",
        "data_terbaru": "2026-09-20",
        "hari": 10,
    }
    assert value_from_inputs(Metric.DAYS_SINCE_SYNC, inputs) == value


def test_without_a_bundle_the_days_count_from_the_enrolment(offline_since_june, utara):
    value, _inputs = selectors.days_since_sync(utara.code, date(2026, 7, 1), date(2026, 7, 31))
    assert value == Decimal(60)


def test_a_kecamatan_handed_back_before_the_period_ended_is_online(offline_since_june, utara):
    offline_since_june.status = PeerStatus.RETURNED
    offline_since_june.returned_at = _local(date(2026, 9, 1))
    offline_since_june.save()
    value, inputs = selectors.days_since_sync(utara.code, date(2026, 7, 1), date(2026, 9, 30))
    assert (value, inputs["luring"]) == (Decimal(0), False)


def test_the_dashboard_row_counts_days_outstanding_from_the_last_bundle(offline_utara):
    offline_utara.enrolled_at = timezone.now() - timedelta(days=30)
    offline_utara.last_claimed_at = timezone.now() - timedelta(days=5)
    offline_utara.last_received_at = timezone.now() - timedelta(days=1)
    offline_utara.save()
    (row,) = selectors.instance_rows()
    assert row.days_outstanding == 5
    assert row.last_claimed_at == offline_utara.last_claimed_at
    assert row.last_received_at == offline_utara.last_received_at
