"""The demo survey data: periods, kiosks, responses on every channel, follow-up plans;
deterministic and idempotent."""

import io
from datetime import date, timedelta

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

import pytest

from forms_builder.demo import DEMO_EMAIL_DOMAIN
from forms_builder.models import Application
from forms_builder.services.applications import Applicant, application_transition
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.demo import DEMO_KECAMATAN
from reporting.models import FollowUpPlan, SurveyKiosk, SurveyPeriod, SurveyResponse
from reporting.survey import demo
from reporting.survey.constants import PeriodKind, SurveyChannel
from reporting.survey.demo import WEAK_UNSUR, survey_demo_load
from reporting.survey.selectors import Slice, ikm_for
from reporting.survey.services import survey_version_current
from tests.forms_builder.factories import advance, submit
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db
S = ApplicationState
MODELS = (SurveyPeriod, SurveyKiosk, SurveyResponse, FollowUpPlan)


@pytest.fixture
def loaded(service, staff, utara):
    """Bontang, a service, the demo loket users and two demo applications (one finished,
    one handed over), then the survey demo. The full chain is in the last test."""
    for code, slug in DEMO_KECAMATAN.items():
        staff_create(
            username=f"loket.{slug}", password="x", roles=[Role.PETUGAS_LOKET], kecamatan=[code]
        )
    make_service(title="Surat Keterangan Usaha", code="sku", steps=1)
    for n, until in enumerate((S.FINISHED, S.HANDED_OVER), start=1):
        applicant = Applicant(name=f"Warga Demo {n}", email=f"warga{n}@{DEMO_EMAIL_DOMAIN}")
        application = submit(service, utara, applicant=applicant)
        application = advance(application, **staff, until=S.FINISHED)
        if until == S.HANDED_OVER:
            application_transition(
                application=application, to_state=S.HANDED_OVER, actor=staff["loket"]
            )
    return survey_demo_load()


def counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def test_counts_and_every_channel(loaded):
    responses = SurveyResponse.objects.all()
    assert 150 <= responses.count() <= 450
    assert loaded.responses_created + loaded.tracking_responses_created == responses.count()
    channels = set(responses.values_list("channel", flat=True))
    assert channels == set(SurveyChannel.values)
    per_kecamatan = dict(
        responses.values("kecamatan_id").annotate(n=Count("id")).values_list("kecamatan_id", "n")
    )
    assert set(per_kecamatan) == set(DEMO_KECAMATAN)
    assert min(per_kecamatan.values()) >= 50
    assert responses.exclude(service=None).values("service").distinct().count() == 2
    assert responses.filter(service=None).exists()
    assert responses.exclude(suggestion="").exists()
    assert responses.exclude(gender="").exists() and responses.exclude(age=None).exists()


def test_no_response_in_the_future(loaded):
    today = timezone.localdate()
    assert not SurveyResponse.objects.filter(answered_on__gt=today).exists()
    assert not SurveyResponse.objects.filter(submitted_at__gt=timezone.now()).exists()
    assert SurveyResponse.objects.filter(answered_on__lt=date(today.year, 1, 1)).exists()


def test_bulk_uses_the_current_version_and_channel_details(loaded):
    version = survey_version_current()
    assert set(SurveyResponse.objects.values_list("version", flat=True)) == {version.pk}
    kiosk = SurveyResponse.objects.filter(channel=SurveyChannel.KIOSK)
    assert kiosk.exists() and not kiosk.filter(kiosk=None).exists()
    for response in kiosk.select_related("kiosk"):
        assert response.kiosk.kecamatan_id == response.kecamatan_id
    paper = SurveyResponse.objects.filter(channel__in=[SurveyChannel.PAPER, SurveyChannel.IMPORT])
    assert not paper.filter(entered_by=None).exists()
    assert not paper.filter(paper_reference="").exists()


def test_handed_over_demo_applications_answered_by_tracking_code(loaded):
    demo_applications = Application.objects.filter(
        applicant_email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    )
    handed_over = demo_applications.filter(state=S.HANDED_OVER)
    tracking = SurveyResponse.objects.filter(channel=SurveyChannel.TRACKING)
    assert handed_over.exists()
    assert set(tracking.values_list("application", flat=True)) == set(
        handed_over.values_list("pk", flat=True)
    )
    # The finished ones stay open, so the demo tracker shows its survey link.
    assert not SurveyResponse.objects.filter(application__state=S.FINISHED).exists()
    assert demo_applications.filter(state=S.FINISHED).exists()


def test_periods_kiosks_and_follow_up(loaded):
    year = timezone.localdate().year
    quarters = SurveyPeriod.objects.filter(kind=PeriodKind.QUARTER)
    assert {(p.year, p.number) for p in quarters} == {
        (y, n) for y in (year - 1, year) for n in range(1, 5)
    }
    assert SurveyPeriod.objects.filter(kind=PeriodKind.SEMESTER, year=year).count() == 2
    assert SurveyPeriod.objects.filter(kind=PeriodKind.YEAR, year=year).count() == 1
    kiosks = SurveyKiosk.objects.filter(is_active=True)
    assert sorted(kiosks.values_list("kecamatan_id", flat=True)) == sorted(DEMO_KECAMATAN)
    assert len(loaded.kiosk_paths) == 3
    plans = FollowUpPlan.objects.all()
    assert 2 <= plans.count() <= 4
    weak = {unsur for unsurs in WEAK_UNSUR.values() for unsur in unsurs}
    assert set(plans.values_list("unsur", flat=True)) <= weak


def test_weak_unsur_really_are_weak(loaded):
    today = timezone.localdate()
    everything = Slice(start=date(today.year - 1, 1, 1), end=today)
    for code, unsurs in WEAK_UNSUR.items():
        figure = ikm_for(Slice(**{**everything.__dict__, "kecamatan": code}))
        assert set(unsurs) <= set(figure.result.weak_unsur)
    other = next(code for code in DEMO_KECAMATAN if code not in WEAK_UNSUR)
    figure = ikm_for(Slice(**{**everything.__dict__, "kecamatan": other}))
    assert figure.result.weak_unsur == ()
    assert figure.result.mutu in ("A", "B")


def test_second_run_creates_nothing(loaded, django_assert_max_num_queries):
    before = counts()
    with django_assert_max_num_queries(60):
        second = survey_demo_load()
    assert (second.periods_created, second.kiosks_created, second.follow_ups_created) == (0, 0, 0)
    assert second.responses_created == second.tracking_responses_created == 0
    assert counts() == before


def test_a_rerun_on_a_later_day_adds_no_responses(loaded, monkeypatch):
    before = SurveyResponse.objects.count()
    later = timezone.localdate() + timedelta(days=3)
    monkeypatch.setattr(demo.timezone, "localdate", lambda *args: later)
    assert survey_demo_load().responses_created == 0
    assert SurveyResponse.objects.count() == before


def test_same_data_on_a_fresh_database(loaded):
    """Seeded: the answers only depend on the day the demo was loaded."""
    rows = list(
        SurveyResponse.objects.filter(paper_reference__startswith="DEMO-")
        .order_by("paper_reference")
        .values_list("paper_reference", "kecamatan_id", "answered_on", "u_waktu")[:20]
    )
    SurveyResponse.objects.all().delete()
    FollowUpPlan.objects.all().delete()
    survey_demo_load()
    again = list(
        SurveyResponse.objects.filter(paper_reference__startswith="DEMO-")
        .order_by("paper_reference")
        .values_list("paper_reference", "kecamatan_id", "answered_on", "u_waktu")[:20]
    )
    assert rows == again


@pytest.mark.slow
def test_load_demo_data_twice_creates_the_survey_once(settings):
    """The whole chain of ``load_demo_data``; the second run duplicates nothing."""
    settings.PATEN_KABUPATEN_KOTA = "64.74"
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert "survey:" in out.getvalue() and "/survei/kios/" in out.getvalue()
    first = counts()
    assert all(first)
    channels = set(SurveyResponse.objects.values_list("channel", flat=True))
    assert channels == set(SurveyChannel.values)
    call_command("load_demo_data", stdout=io.StringIO())
    assert counts() == first
