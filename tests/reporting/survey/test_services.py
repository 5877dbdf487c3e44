import os
import threading
from datetime import date, timedelta
from unittest import mock

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation

import pytest

from paten.audit.models import AuditEvent
from reporting.models import (
    SurveyKiosk,
    SurveyPeriod,
    SurveyQuestion,
    SurveyResponse,
    SurveySettings,
    SurveyVersion,
)
from reporting.survey.constants import DEFAULT_QUESTIONS, PeriodKind, SurveyChannel
from reporting.survey.ikm import UNSUR_KEYS
from reporting.survey.selectors import Slice, ikm_for
from reporting.survey.services import (
    SurveyInputError,
    survey_period_create,
    survey_period_save,
    survey_response_submit,
    survey_version_current,
)
from tests.forms_builder.factories import submit
from tests.reporting.factories import SELATAN, UTARA, all_answers

pytestmark = pytest.mark.django_db

ALREADY_SURVEYED = "This application has already been surveyed. Thank you!"
# Transactional only where it runs: on SQLite the test is skipped, and a skipped
# transactional test breaks the session's serialized-rollback restore (tests/conftest.py).
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def paper(*, answers=None, kecamatan=UTARA, **kwargs) -> SurveyResponse:
    kwargs.setdefault("channel", SurveyChannel.PAPER)
    return survey_response_submit(
        answers=all_answers(4) if answers is None else answers, kecamatan=kecamatan, **kwargs
    )


def refused(message: str, **kwargs) -> None:
    """The submission is refused with ``message`` (English msgid) and writes nothing."""
    before = (SurveyResponse.objects.count(), SurveyVersion.objects.count())
    with translation.override("en"), pytest.raises(SurveyInputError, match=message):
        paper(**kwargs)
    assert (SurveyResponse.objects.count(), SurveyVersion.objects.count()) == before
    assert not AuditEvent.objects.filter(action__startswith="survey.").exists()


def test_one_response_per_application(finished, quarter):
    survey_response_submit(
        answers=all_answers(4), channel=SurveyChannel.TRACKING, application=finished
    )
    with translation.override("en"), pytest.raises(SurveyInputError, match=ALREADY_SURVEYED):
        survey_response_submit(
            answers=all_answers(1), channel=SurveyChannel.TRACKING, application=finished
        )
    assert SurveyResponse.objects.count() == 1
    figure = ikm_for(Slice.of(quarter, kecamatan=finished.kecamatan_id))
    assert figure.respondents == 1 and figure.population == 1 and figure.adequate
    assert figure.result.ikm_converted == 100


# -- bad input --------------------------------------------------------------------------


ONE_TO_FOUR = r"The answer for U3 Waktu Penyelesaian must be 1, 2, 3 or 4"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (all_answers(4, waktu=0), ONE_TO_FOUR),
        (all_answers(4, waktu=5), ONE_TO_FOUR),
        (all_answers(4, waktu=-1), ONE_TO_FOUR),
        (all_answers(4, waktu="3.5"), ONE_TO_FOUR + r" \(got “3.5”\)"),
        (all_answers(4, waktu=3.0), ONE_TO_FOUR),
        (all_answers(4, waktu=True), ONE_TO_FOUR),
        (all_answers(4, waktu="tiga"), ONE_TO_FOUR),
        (all_answers(4, waktu=" "), ONE_TO_FOUR),
        (all_answers(4, waktu=None), "Missing: U3 Waktu Penyelesaian"),
        (all_answers(4, waktu=""), "Missing: U3 Waktu Penyelesaian"),
        (
            {k: 4 for k in UNSUR_KEYS if k not in ("sarana", "pengaduan")},
            "Missing: U8 Sarana dan Prasarana; U9 Penanganan Pengaduan",
        ),
        ({}, "Every unsur must be answered"),
        ({**all_answers(4), "transparansi": 4}, "Unknown unsur: transparansi"),
    ],
)
def test_bad_answers_are_refused(utara, answers, message):
    refused(message, answers=answers)


def test_answers_as_digit_strings_are_accepted(utara):
    response = paper(answers={k: " 3 " if k == "waktu" else "2" for k in UNSUR_KEYS})
    assert response.answers == {k: 3 if k == "waktu" else 2 for k in UNSUR_KEYS}


def test_future_date_is_refused(utara):
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused("cannot be in the future", answered_on=tomorrow)


def test_unknown_channel_is_refused(utara):
    refused("Unknown survey channel", channel="sms")


@pytest.mark.parametrize("kecamatan", [f"{UTARA}.1001", "64.74", "99.99.99", None])
def test_kecamatan_must_be_a_kecamatan(bontang, kecamatan):
    refused("Choose a kecamatan", kecamatan=kecamatan)


def test_application_must_be_finished(service, utara, staff):
    application = submit(service, utara)
    refused(
        "The survey opens once the application is finished",
        channel=SurveyChannel.TRACKING,
        application=application,
    )


def test_second_response_racing_past_the_check_is_refused_by_the_constraint(finished):
    survey_response_submit(
        answers=all_answers(4), channel=SurveyChannel.TRACKING, application=finished
    )
    real_exists = QuerySet.exists

    def passed_before_the_first_committed(self):
        return False if self.model is SurveyResponse else real_exists(self)

    with mock.patch.object(QuerySet, "exists", passed_before_the_first_committed):
        refused(ALREADY_SURVEYED, channel=SurveyChannel.TRACKING, application=finished)
    assert SurveyResponse.objects.get().application == finished


def test_application_sets_kecamatan_and_service(finished, selatan):
    response = survey_response_submit(
        answers=all_answers(3),
        channel=SurveyChannel.TRACKING,
        application=finished,
        kecamatan=SELATAN,  # ignored: the application says where it was served
    )
    assert (response.kecamatan_id, response.service_id) == (UTARA, finished.service_id)


# -- respondent profile -----------------------------------------------------------------


AGE_RANGE = "Age must be a whole number of years between 15 and 110"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"age": 14}, AGE_RANGE),
        ({"age": 111}, AGE_RANGE),
        ({"age": "empat puluh"}, AGE_RANGE),
        ({"age": "30.5"}, AGE_RANGE),
        ({"gender": "X"}, "“X” is not a valid choice for gender"),
        ({"education": "sd2"}, "“sd2” is not a valid choice for education"),
        ({"occupation": "petani"}, "“petani” is not a valid choice for occupation"),
    ],
)
def test_bad_profile_is_refused(utara, profile, message):
    refused(message, profile=profile)


def test_profile_is_cleaned(utara):
    response = paper(
        profile={
            "age": " 42 ",
            "gender": "P",
            "education": "s1",
            "occupation": "lainnya",
            "occupation_other": "  Nelayan  ",
        },
        suggestion="  Antrean lebih cepat.  ",
    )
    assert (response.age, response.gender, response.education) == (42, "P", "s1")
    assert (response.occupation, response.occupation_other) == ("lainnya", "Nelayan")
    assert response.suggestion == "Antrean lebih cepat."
    # "Other" text is kept only with the "other" occupation.
    other = paper(profile={"occupation": "pns", "occupation_other": "Nelayan"})
    assert other.occupation_other == ""


def test_profile_required_setting(utara):
    paper(profile={})  # optional by default
    config = SurveySettings.load()
    config.profile_required = True
    config.save()
    with translation.override("en"), pytest.raises(SurveyInputError) as refusal:
        paper(profile={})
    (message,) = refusal.value.messages
    assert message.startswith("Please complete the profile: ")
    named = message.removeprefix("Please complete the profile: ").removesuffix(".").split(", ")
    assert sorted(named) == ["age", "education", "gender", "occupation"]
    refused(
        r"Please complete the profile: age\.",
        profile={"gender": "L", "education": "sd", "occupation": "pns"},
    )
    assert SurveyResponse.objects.count() == 1
    config.ask_age = False
    config.save()
    response = paper(profile={"gender": "L", "education": "sd", "occupation": "pns"})
    assert response.age is None


def test_suggestions_dropped_when_the_box_is_off(utara):
    config = SurveySettings.load()
    config.ask_suggestions = False
    config.save()
    assert paper(suggestion="Parkir sempit").suggestion == ""


# -- questionnaire versions ------------------------------------------------------------


def test_unchanged_setup_reuses_the_version(utara):
    first, second = paper(), paper()
    assert first.version_id == second.version_id
    assert survey_version_current() == first.version
    assert SurveyVersion.objects.count() == 1


def test_editing_a_question_creates_a_version_and_keeps_history(utara):
    before = paper()
    question = SurveyQuestion.objects.get(unsur="waktu")
    question.text = "Seberapa cepat pelayanan kami?"
    question.label_4 = "Kilat"
    question.save()
    after = paper()

    assert (before.version.number, after.version.number) == (1, 2)
    before.refresh_from_db()
    old, new = before.version.question("waktu"), after.version.question("waktu")
    assert old["text"] == DEFAULT_QUESTIONS["waktu"][0]
    assert old["labels"] == list(DEFAULT_QUESTIONS["waktu"][1])
    assert (new["text"], new["labels"][3]) == ("Seberapa cepat pelayanan kami?", "Kilat")
    assert before.version.question("biaya") == after.version.question("biaya")
    assert paper().version == after.version


def test_changing_the_profile_questions_creates_a_version(utara):
    before = paper()
    config = SurveySettings.load()
    config.ask_occupation = False
    config.save()
    after = paper()
    assert before.version.definition["profile"] == ["gender", "age", "education", "occupation"]
    assert after.version.definition["profile"] == ["gender", "age", "education"]


# -- periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "start", "end", "name", "slug"),
    [
        ("triwulan", 1, date(2024, 1, 1), date(2024, 3, 31), "Triwulan I 2024", "2024-tw1"),
        ("triwulan", 2, date(2024, 4, 1), date(2024, 6, 30), "Triwulan II 2024", "2024-tw2"),
        ("triwulan", 3, date(2024, 7, 1), date(2024, 9, 30), "Triwulan III 2024", "2024-tw3"),
        ("triwulan", 4, date(2024, 10, 1), date(2024, 12, 31), "Triwulan IV 2024", "2024-tw4"),
        ("semester", 1, date(2024, 1, 1), date(2024, 6, 30), "Semester I 2024", "2024-s1"),
        ("semester", 2, date(2024, 7, 1), date(2024, 12, 31), "Semester II 2024", "2024-s2"),
        ("tahun", None, date(2024, 1, 1), date(2024, 12, 31), "Tahun 2024", "2024"),
        ("tahun", 3, date(2024, 1, 1), date(2024, 12, 31), "Tahun 2024", "2024"),
    ],
)
def test_standard_period_dates(db, kind, number, start, end, name, slug):
    period = survey_period_create(kind=kind, year=2024, number=number)
    period.refresh_from_db()
    assert (period.start_date, period.end_date) == (start, end)
    assert (period.name, period.slug, period.year) == (name, slug, 2024)
    assert period.number == (None if kind == PeriodKind.YEAR else number)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "triwulan", "year": 2024, "number": 5}, "between 1 and 4"),
        ({"kind": "triwulan", "year": 2024, "number": None}, "between 1 and 4"),
        ({"kind": "semester", "year": 2024, "number": 3}, "between 1 and 2"),
        ({"kind": "triwulan", "number": 1}, "Enter the year"),
        ({"kind": "bulanan", "year": 2024, "number": 1}, "Choose the kind of period"),
        ({"kind": "khusus", "start_date": date(2024, 2, 1)}, "needs its first and last day"),
        (
            {"kind": "khusus", "start_date": date(2024, 3, 2), "end_date": date(2024, 3, 1)},
            "must not be after the last day",
        ),
    ],
)
def test_bad_periods_are_refused(db, kwargs, message):
    with translation.override("en"), pytest.raises(SurveyInputError, match=message):
        survey_period_create(**kwargs)
    assert not SurveyPeriod.objects.exists()


def test_custom_period(db):
    period = survey_period_create(
        kind=PeriodKind.CUSTOM, start_date=date(2024, 2, 10), end_date=date(2024, 3, 15), number=2
    )
    assert (period.number, period.year) == (None, 2024)
    assert (period.name, period.slug) == ("10-02-2024 s.d. 15-03-2024", "20240210-20240315")
    named = survey_period_create(
        kind=PeriodKind.CUSTOM,
        start_date=date(2024, 3, 16),  # the day after: no overlap
        end_date=date(2024, 3, 16),
        name="Survei hari pelayanan",
    )
    assert named.name == "Survei hari pelayanan"


def test_overlap_of_the_same_kind_is_refused(db):
    survey_period_create(kind=PeriodKind.QUARTER, year=2024, number=1)
    with translation.override("en"), pytest.raises(SurveyInputError) as refusal:
        survey_period_create(kind=PeriodKind.QUARTER, year=2024, number=1)
    assert refusal.value.messages == [
        "This period overlaps “Triwulan I 2024” (01-01-2024 – 31-03-2024), "
        "which is of the same kind."
    ]
    survey_period_create(
        kind=PeriodKind.CUSTOM, start_date=date(2024, 3, 1), end_date=date(2024, 3, 31)
    )
    with translation.override("en"), pytest.raises(SurveyInputError, match="overlaps"):
        survey_period_create(
            kind=PeriodKind.CUSTOM, start_date=date(2024, 2, 1), end_date=date(2024, 3, 1)
        )
    assert SurveyPeriod.objects.count() == 2


def test_periods_of_different_kinds_may_nest(db):
    quarter = survey_period_create(kind=PeriodKind.QUARTER, year=2024, number=2)
    semester = survey_period_create(kind=PeriodKind.SEMESTER, year=2024, number=1)
    year = survey_period_create(kind=PeriodKind.YEAR, year=2024)
    custom = survey_period_create(
        kind=PeriodKind.CUSTOM, start_date=date(2024, 5, 1), end_date=date(2024, 5, 31)
    )
    assert SurveyPeriod.objects.count() == 4
    for outer in (semester, year):
        assert outer.contains(quarter.start_date) and outer.contains(quarter.end_date)
    assert quarter.contains(custom.start_date)


def test_saving_a_period_again_does_not_overlap_itself(db):
    period = survey_period_create(kind=PeriodKind.YEAR, year=2024)
    period.notes = "Tim survei: Seksi Pelayanan Umum."
    period.is_published = False
    survey_period_save(period=period)
    period.refresh_from_db()
    assert (period.notes, period.is_published, period.slug) == (
        "Tim survei: Seksi Pelayanan Umum.",
        False,
        "2024",
    )


def test_period_slug_must_be_unique(db):
    # A row written outside the service (an old import) already uses the slug "2030".
    SurveyPeriod.objects.create(
        kind=PeriodKind.CUSTOM,
        year=2030,
        slug="2030",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 31),
    )
    with translation.override("en"), pytest.raises(SurveyInputError, match="already exists"):
        survey_period_create(kind=PeriodKind.YEAR, year=2030)
    assert SurveyPeriod.objects.count() == 1


# -- kiosk ------------------------------------------------------------------------------


WAIT = "Please wait a moment before the next respondent"
HOURLY = "reached its limit of responses for this hour"


@pytest.fixture
def kiosk(utara):
    return SurveyKiosk.objects.create(kecamatan=utara, name="Tablet ruang tunggu")


def earlier(kiosk, *seconds_ago: int) -> None:
    """Responses this kiosk recorded ``seconds_ago`` (simulated time)."""
    version = survey_version_current()
    now = timezone.now()
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            version=version,
            kecamatan=kiosk.kecamatan,
            kiosk=kiosk,
            channel=SurveyChannel.KIOSK,
            answered_on=timezone.localdate(),
            submitted_at=now - timedelta(seconds=seconds),
            **{f"u_{k}": 3 for k in UNSUR_KEYS},
        )
        for seconds in seconds_ago
    )


def by_kiosk(kiosk, **kwargs) -> SurveyResponse:
    return paper(channel=SurveyChannel.KIOSK, kiosk=kiosk, **kwargs)


def test_kiosk_response_belongs_to_the_kiosk_kecamatan(kiosk, selatan):
    response = by_kiosk(kiosk, kecamatan=SELATAN)
    assert (response.kecamatan_id, response.kiosk) == (UTARA, kiosk)


def test_kiosk_minimum_interval(kiosk):
    earlier(kiosk, 10)
    refused(WAIT, channel=SurveyChannel.KIOSK, kiosk=kiosk)
    SurveyResponse.objects.all().delete()
    earlier(kiosk, 40)  # default: 30 seconds
    by_kiosk(kiosk)
    config = SurveySettings.load()
    config.kiosk_min_interval_seconds = 0
    config.save()
    by_kiosk(kiosk)  # straight after the previous one
    assert SurveyResponse.objects.count() == 3


def test_kiosk_interval_is_an_admin_setting(kiosk):
    config = SurveySettings.load()
    config.kiosk_min_interval_seconds = 120
    config.save()
    earlier(kiosk, 90)
    refused(WAIT, channel=SurveyChannel.KIOSK, kiosk=kiosk)


def test_kiosk_hourly_limit(kiosk, selatan):
    config = SurveySettings.load()
    config.kiosk_max_per_hour = 3
    config.kiosk_min_interval_seconds = 0
    config.save()
    earlier(kiosk, 3000, 2000, 1000)
    refused(HOURLY, channel=SurveyChannel.KIOSK, kiosk=kiosk)

    SurveyResponse.objects.all().delete()
    earlier(kiosk, 3700, 2000, 1000)  # the first is older than an hour
    other = SurveyKiosk.objects.create(kecamatan=selatan, name="Tablet Selatan")
    earlier(other, 500, 400, 300)  # another kiosk's responses do not count
    by_kiosk(kiosk)
    refused(HOURLY, channel=SurveyChannel.KIOSK, kiosk=kiosk)


def test_inactive_kiosk_is_refused(kiosk):
    kiosk.is_active = False
    kiosk.save()
    refused("switched off by the administrator", channel=SurveyChannel.KIOSK, kiosk=kiosk)


# -- audit ------------------------------------------------------------------------------


def survey_events():
    return AuditEvent.objects.filter(action="survey.response_entered")


def test_staff_entry_is_audited(utara, staff):
    loket = staff["loket"]
    response = paper(
        answers=all_answers(3, biaya=4), entered_by=loket, paper_reference="  KS-0012 "
    )
    event = survey_events().get()
    assert (event.actor, event.actor_username) == (loket, loket.username)
    assert (event.target_object_id, event.kecamatan_id) == (str(response.pk), UTARA)
    assert event.payload == {
        "channel": "kertas",
        "answered_on": timezone.localdate().isoformat(),
        **all_answers(3, biaya=4),
    }
    assert response.paper_reference == "KS-0012"


def test_citizen_and_import_responses_are_not_audited(finished, staff, kiosk):
    survey_response_submit(
        answers=all_answers(4), channel=SurveyChannel.TRACKING, application=finished
    )
    by_kiosk(kiosk)
    paper(channel=SurveyChannel.IMPORT, entered_by=staff["loket"], audit=False)
    assert SurveyResponse.objects.count() == 3
    assert not survey_events().exists()


# -- concurrency (PostgreSQL) -----------------------------------------------------------


def race(submissions: list[dict]) -> list[str]:
    """Submit every response at the same moment, each on its own thread and connection;
    the outcome of each: "saved", or the refusal's message (in English)."""
    barrier = threading.Barrier(len(submissions))
    outcomes = []

    def submit(submission: dict) -> None:
        try:
            with translation.override("en"):
                barrier.wait()
                survey_response_submit(**submission)
            outcomes.append("saved")
        except SurveyInputError as error:
            outcomes.append(error.messages[0])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(each,)) for each in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_concurrent_submissions_for_one_application(request):
    # Fixtures fetched in the body: a skipped transactional test must not set them up.
    application = request.getfixturevalue("finished")
    outcomes = race(
        [
            {
                "answers": all_answers(value),
                "channel": SurveyChannel.TRACKING,
                "application": application,
            }
            for value in (4, 1)
        ]
    )
    assert sorted(outcomes) == sorted(["saved", ALREADY_SURVEYED])
    assert SurveyResponse.objects.filter(application=application).count() == 1
    assert SurveyVersion.objects.count() == 1


POSTS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=ON_POSTGRES)
@pytest.mark.parametrize(
    ("max_per_hour", "min_interval", "accepted"),
    [(5, 0, 5), (100, 30, 1)],
    ids=["hourly-limit", "minimum-interval"],
)
def test_simultaneous_kiosk_posts_accept_exactly_the_limit(
    request, max_per_hour, min_interval, accepted
):
    """20 posts from one kiosk at the same moment, each on its own connection."""
    kiosk = SurveyKiosk.objects.create(kecamatan=request.getfixturevalue("utara"), name="Tablet")
    config = SurveySettings.load()
    config.kiosk_max_per_hour = max_per_hour
    config.kiosk_min_interval_seconds = min_interval
    config.save()
    survey_version_current()  # the version exists before the posts race
    outcomes = race(
        [
            {"answers": all_answers(4), "channel": SurveyChannel.KIOSK, "kiosk": kiosk}
            for _ in range(POSTS)
        ]
    )
    refusal = HOURLY if min_interval == 0 else WAIT
    assert outcomes.count("saved") == accepted, outcomes
    assert all(o == "saved" or refusal in o for o in outcomes), outcomes
    assert SurveyResponse.objects.filter(kiosk=kiosk).count() == accepted
