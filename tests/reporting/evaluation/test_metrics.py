"""Every evaluation metric computed from real records, in a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from forms_builder.models import Application
from paten.ppid.constants import RequestState
from paten.ppid.models import InformationRequest
from paten.ppid.services import request_decide
from paten.workdays.calendar import WorkingCalendar
from reporting.evaluation import metrics
from reporting.models import Metric
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_response_submit
from tests.forms_builder.factories import submit
from tests.ppid.factories import ppid_staff, submit_request
from tests.reporting.evaluation.factories import (
    finish,
    region,
)
from tests.reporting.factories import SELATAN, UTARA, all_answers
from tests.service_catalog.factories import DelegatedAuthorityFactory, make_service

pytestmark = pytest.mark.django_db


class TestMetrics:
    def test_received_finished_sla(self, service, staff):
        done = finish(service, UTARA, staff, n=2)
        submit(service, kecamatan=region(UTARA))
        # One of the two finished after its due date.
        late = done[0]
        Application.objects.filter(pk=late.pk).update(due_at=late.finished_at - timedelta(hours=1))
        assert compute(Metric.APPLICATIONS_RECEIVED) == (D(3), {"diterima": 3})
        assert compute(Metric.APPLICATIONS_FINISHED) == (D(2), {"selesai": 2})
        assert compute(Metric.SLA_PERCENT) == (D("50.00"), {"selesai": 2, "tepat_waktu": 1})
        assert compute(Metric.APPLICATIONS_RECEIVED, SELATAN) == (D(0), {"diterima": 0})
        assert compute(Metric.SLA_PERCENT, SELATAN) == (None, {"selesai": 0, "tepat_waktu": 0})

    def test_outside_the_period_not_counted(self, service, staff):
        finish(service, UTARA, staff)
        Application.objects.update(submitted_at=timezone.now() - timedelta(days=60))
        assert compute(Metric.APPLICATIONS_RECEIVED)[0] == 0
        assert compute(Metric.APPLICATIONS_FINISHED)[0] == 1  # finished today

    def test_median_working_days(self, service, staff):
        first, second = finish(service, UTARA, staff, n=2)
        # The second one was verified ten calendar days before it was finished.
        Application.objects.filter(pk=second.pk).update(
            verified_at=second.finished_at - timedelta(days=10)
        )
        calendar = WorkingCalendar.for_region()
        done = second.finished_at.astimezone(calendar.tz).date()
        days = calendar.working_days_between(done - timedelta(days=10), done)
        value, inputs = compute(Metric.MEDIAN_WORKING_DAYS)
        assert value == (D(0) + D(days)) / 2  # median of [0, days]
        assert inputs == {"selesai": 2, "hari_kerja": {"0": 1, str(days): 1}}
        assert compute(Metric.MEDIAN_WORKING_DAYS, SELATAN) == (
            None,
            {"selesai": 0, "hari_kerja": {}},
        )

    def test_ikm_and_sample_adequacy(self, service, staff):
        first, second = finish(service, UTARA, staff, n=2)
        assert compute(Metric.IKM) == (None, {"responden": 0, "jumlah_per_unsur": {}})
        survey_response_submit(
            answers=all_answers(4), channel=SurveyChannel.TRACKING, application=first
        )
        value, inputs = compute(Metric.SURVEY_SAMPLE_ADEQUATE)
        # Krejcie–Morgan: a population of 2 needs both to answer.
        assert (value, inputs) == (D(0), {"responden": 1, "populasi": 2, "sampel_minimum": 2})
        survey_response_submit(
            answers=all_answers(3, persyaratan=2),
            channel=SurveyChannel.TRACKING,
            application=second,
        )
        assert compute(Metric.SURVEY_SAMPLE_ADEQUATE)[0] == D(1)
        value, inputs = compute(Metric.IKM)
        # U1 persyaratan = (4 + 2)/2 = 3, the other eight (4 + 3)/2 = 3.5; weight 1/9 each:
        # IKM = (3 + 8 × 3.5)/9 × 25 = 31/9 × 25 = 86.111… → 86.11
        assert value == D("86.11")
        assert inputs["responden"] == 2 and inputs["jumlah_per_unsur"]["persyaratan"] == 6

    def test_delegated_services_and_complete_standards(self, service):
        delegation = DelegatedAuthorityFactory(kecamatan_list=[UTARA])
        make_service(code="iumk", delegated_authority=delegation)
        make_service(
            code="lengkap",
            staff_competence="<p>Memahami administrasi kependudukan</p>",
            internal_supervision="<p>Oleh Sekretaris Camat</p>",
            service_guarantee="<p>Maklumat pelayanan</p>",
            safety_guarantee="<p>Data pemohon dijaga kerahasiaannya</p>",
            performance_evaluation="<p>Setiap semester</p>",
        )
        assert compute(Metric.DELEGATED_SERVICES_OFFERED) == (
            D(1),
            {"tanggal": today_window()[1].isoformat(), "layanan": ["iumk"]},
        )
        assert compute(Metric.DELEGATED_SERVICES_OFFERED, SELATAN)[0] == 0
        # Utara offers skd, iumk and lengkap; only lengkap has all 14 components: 1/3.
        value, inputs = compute(Metric.STANDARDS_COMPLETE_PERCENT)
        assert value == D("33.33")
        assert (inputs["ditawarkan"], inputs["lengkap"], inputs["belum_lengkap"]) == (
            3,
            1,
            ["iumk", "skd"],
        )
        # Selatan offers skd and lengkap: 1/2.
        assert compute(Metric.STANDARDS_COMPLETE_PERCENT, SELATAN)[0] == D("50.00")

    def test_an_empty_rich_text_component_is_missing(self, bontang):
        make_service(
            code="kosong",
            staff_competence="<p>Ada</p>",
            internal_supervision="<p></p>",
            service_guarantee="<p>Ada</p>",
            safety_guarantee="<p>Ada</p>",
            performance_evaluation="<p>Ada</p>",
        )
        value, inputs = compute(Metric.STANDARDS_COMPLETE_PERCENT)
        assert (value, inputs["belum_lengkap"]) == (D(0), ["kosong"])

    def test_metric_queries_do_not_grow_with_records(self, service, staff):
        finish(service, UTARA, staff, n=1)
        with CaptureQueriesContext(connection) as one:
            compute(Metric.SLA_PERCENT)
        finish(service, UTARA, staff, n=2)
        with CaptureQueriesContext(connection) as three:
            compute(Metric.SLA_PERCENT)
        assert len(one) == len(three) == 1

    def test_ppid_requests_answered_on_time(self, bontang, utara, selatan):
        ppid = ppid_staff("ppid")
        on_time = submit_request(utara)
        request_decide(request=on_time, outcome=RequestState.GRANTED, actor=ppid, answer="Ya")
        late = submit_request(utara)
        request_decide(request=late, outcome=RequestState.NOT_HELD, actor=ppid, not_held_where="x")
        # The second notice went out after its deadline (10 working days, UU 14/2008
        # Pasal 22 ayat (7)): its deadline moved before the decision.
        InformationRequest.objects.filter(pk=late.pk).update(
            due_at=late.received_at - timedelta(hours=1)
        )
        submit_request(utara)  # still open: not decided, not counted
        assert compute(Metric.PPID_ON_TIME) == (D("50.00"), {"diputus": 2, "tepat_waktu": 1})
        assert compute(Metric.PPID_ON_TIME, SELATAN) == (None, {"diputus": 0, "tepat_waktu": 0})


def today_window():
    today = timezone.localdate()
    return today - timedelta(days=30), today


def compute(metric, code=UTARA):
    """The metric for the last 30 days; its value must also follow from its inputs alone."""
    start, end = today_window()
    value, inputs = metrics.metric_compute(metric, kecamatan=code, start=start, end=end)
    assert metrics.value_from_inputs(metric, inputs) == value
    return value, inputs
