"""Demo satisfaction-survey data (SKM) for Kota Bontang (64.74).

``survey_demo_load()`` creates the survey periods of this year and the previous year's
quarters (so the trend chart has data), one kiosk per Bontang kecamatan, a few hundred
invented responses spread over the kecamatan, their services and the working days up
to yesterday, the responses of the handed-over demo applications through the tracking
channel (the finished ones stay open, so the tracker shows its survey link), and
follow-up plans for the weak unsur of Bontang Barat.

Deterministic (a seeded ``random.Random``) and idempotent: the bulk responses carry a
``DEMO-`` paper reference and are created only when none exists. The bulk is written
with ``bulk_create`` on the current questionnaire version; single responses go through
``survey_response_submit``. Needs the regions, the demo staff, the catalog and the demo
applications (``load_demo_data`` creates them first).
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forms_builder.demo import DEMO_EMAIL_DOMAIN, FORMS
from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from paten.demo import DEMO_KECAMATAN
from paten.regions.models import Region
from reporting.models import FollowUpPlan, SurveyKiosk, SurveyPeriod, SurveyResponse, SurveyVersion
from reporting.survey.constants import (
    ANSWER_FIELDS,
    FollowUpStatus,
    Occupation,
    PeriodKind,
    SurveyChannel,
)
from reporting.survey.ikm import BIAYA, PENGADUAN, UNSUR_KEYS, WAKTU
from reporting.survey.services import (
    SurveyInputError,
    period_dates,
    survey_period_create,
    survey_response_submit,
    survey_version_current,
)
from service_catalog.selectors import services_offered_in

SEED = 14_2017  # PermenPAN-RB 14/2017
DEMO_PAPER_PREFIX = "DEMO-"
DEMO_KIOSK_NAME = "Tablet ruang tunggu"
DEMO_RESPONSES = 390
PERIOD_NOTES = (
    "Data contoh (demo). Metode: kuesioner SKM sesuai PermenPAN-RB 14/2017 (9 unsur, "
    "skala 1–4) melalui kios tablet, kuesioner kertas dan survei daring dengan kode lacak."
)

UTARA, SELATAN, BARAT = "64.74.01", "64.74.02", "64.74.03"
#: Share of the respondents per kecamatan.
KECAMATAN_WEIGHTS = {UTARA: 35, SELATAN: 35, BARAT: 30}

# Weights of the answers 1, 2, 3, 4: mostly 3s and 4s (NRR ≈ 3.2–3.4, mutu B), fees
# mostly "Gratis" (PATEN services are largely free), and Bontang Barat weak on waiting
# time and complaint handling (NRR ≈ 2.6–2.8, mutu C) so it has something to follow up.
GOOD = (1, 4, 45, 50)
USUAL = (1, 5, 52, 42)
FEES = (1, 2, 30, 67)
WEAK_TIME = (6, 36, 48, 10)
WEAK_COMPLAINTS = (4, 30, 52, 14)
ANSWER_WEIGHTS: dict[str, dict[str, tuple[int, int, int, int]]] = {
    UTARA: {**dict.fromkeys(UNSUR_KEYS, GOOD), BIAYA: FEES},
    SELATAN: {**dict.fromkeys(UNSUR_KEYS, USUAL), BIAYA: FEES},
    BARAT: {
        **dict.fromkeys(UNSUR_KEYS, USUAL),
        BIAYA: FEES,
        WAKTU: WEAK_TIME,
        PENGADUAN: WEAK_COMPLAINTS,
    },
}
#: The unsur of Bontang Barat that the demo makes weak (mutu C or D over the demo data).
WEAK_UNSUR = {BARAT: (WAKTU, PENGADUAN)}

EDUCATION_WEIGHTS = {"sd": 10, "smp": 15, "sma": 40, "diploma": 10, "s1": 20, "s2": 4, "s3": 1}
OCCUPATION_WEIGHTS = {
    "pns": 10,
    "tni": 2,
    "polri": 2,
    "swasta": 30,
    "wirausaha": 30,
    "lainnya": 26,
}
OTHER_OCCUPATIONS = (
    "Ibu rumah tangga",
    "Pelajar/mahasiswa",
    "Nelayan",
    "Petani",
    "Pensiunan",
    "Buruh harian",
)
SUGGESTIONS = (
    "Pelayanan sudah baik, pertahankan.",
    "Petugas ramah dan membantu. Terima kasih.",
    "Mohon papan informasi persyaratan diperbarui.",
    "Tempat parkir kurang luas.",
    "Sebaiknya ada informasi lewat WhatsApp saat dokumen selesai.",
    "Ruang tunggu perlu tambahan kursi dan kipas angin.",
)
WEAK_SUGGESTIONS = (
    "Antrean terlalu lama, mohon tambah petugas pada pagi hari.",
    "Surat selesai lebih lama dari yang dijanjikan.",
    "Pengaduan saya belum ditanggapi.",
    "Tidak tahu harus mengadu ke mana kalau pelayanan lambat.",
)

FOLLOW_UPS = (
    (
        BARAT,
        WAKTU,
        "Menambah satu petugas back office pada jam sibuk (08.00–11.00) dan menampilkan "
        "perkiraan waktu selesai di loket serta di halaman pelacakan permohonan.",
        "Sekretaris Camat Bontang Barat",
        90,
        FollowUpStatus.IN_PROGRESS,
    ),
    (
        BARAT,
        PENGADUAN,
        "Menyediakan kotak saran di ruang tunggu, menjawab setiap pengaduan SP4N-LAPOR! "
        "paling lambat 5 hari kerja dan membahas rekap pengaduan setiap bulan.",
        "Kasi Pelayanan Umum Kecamatan Bontang Barat",
        60,
        FollowUpStatus.PLANNED,
    ),
    (
        None,
        WAKTU,
        "Menerapkan antrean bernomor dan pemberitahuan SMS saat dokumen siap diambil di "
        "ketiga kecamatan.",
        "Bagian Tata Pemerintahan Setda Kota Bontang",
        120,
        FollowUpStatus.PLANNED,
    ),
)


@dataclass
class SurveyDemoResult:
    periods_created: int = 0
    kiosks_created: int = 0
    responses_created: int = 0
    tracking_responses_created: int = 0
    follow_ups_created: int = 0
    kiosk_paths: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            f"survey: {self.periods_created} periods, {self.kiosks_created} kiosks, "
            f"{self.responses_created + self.tracking_responses_created} responses and "
            f"{self.follow_ups_created} follow-up plans created; kiosks at "
            + ", ".join(self.kiosk_paths)
        )


# -- periods and kiosks -----------------------------------------------------------------


def _periods(year: int) -> int:
    wanted = [(PeriodKind.QUARTER, year - 1, n) for n in range(1, 5)]
    wanted += [(PeriodKind.QUARTER, year, n) for n in range(1, 5)]
    wanted += [(PeriodKind.SEMESTER, year, n) for n in (1, 2)]
    wanted += [(PeriodKind.YEAR, year, None)]
    created = 0
    for kind, period_year, number in wanted:
        start, _end = period_dates(kind=kind, year=period_year, number=number)
        if SurveyPeriod.objects.filter(kind=kind, start_date=start).exists():
            continue  # idempotency: made by an earlier run (or by an admin)
        try:
            survey_period_create(kind=kind, year=period_year, number=number, notes=PERIOD_NOTES)
        except SurveyInputError:
            continue  # overlaps a period an admin set up by hand: keep theirs
        created += 1
    return created


def _kiosks() -> tuple[dict[str, SurveyKiosk], int]:
    kiosks, created = {}, 0
    for code in DEMO_KECAMATAN:
        kiosk, was_created = SurveyKiosk.objects.get_or_create(
            kecamatan_id=code, name=DEMO_KIOSK_NAME
        )
        kiosks[code] = kiosk
        created += was_created
    return kiosks, created


# -- responses --------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(rng: random.Random, kecamatan: str, *, earlier_year: bool) -> dict[str, int]:
    answers = {}
    for key in UNSUR_KEYS:
        weights = ANSWER_WEIGHTS.get(kecamatan, ANSWER_WEIGHTS[SELATAN])[key]
        value = rng.choices((1, 2, 3, 4), weights=weights)[0]
        # A slightly weaker previous year, so the trend chart rises a little.
        if earlier_year and value == 4 and rng.random() < 0.15:
            value = 3
        answers[key] = value
    return answers


def _profile(rng: random.Random, asked: list[str]) -> dict:
    profile = {"gender": "", "age": None, "education": "", "occupation": "", "occupation_other": ""}
    if rng.random() < 0.06:
        return profile  # left the profile empty
    if "gender" in asked:
        profile["gender"] = rng.choice(("L", "P"))
    if "age" in asked:
        profile["age"] = int(rng.triangular(18, 72, 34))
    if "education" in asked:
        profile["education"] = _weighted(rng, EDUCATION_WEIGHTS)
    if "occupation" in asked:
        profile["occupation"] = _weighted(rng, OCCUPATION_WEIGHTS)
        if profile["occupation"] == Occupation.LAINNYA:
            profile["occupation_other"] = rng.choice(OTHER_OCCUPATIONS)
    return profile


def _suggestion(rng: random.Random, kecamatan: str, *, asked: bool) -> str:
    if not asked or rng.random() > 0.18:
        return ""
    if kecamatan == BARAT and rng.random() < 0.6:
        return rng.choice(WEAK_SUGGESTIONS)
    return rng.choice(SUGGESTIONS)


def _working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _services(kecamatan: Region) -> tuple[list, list[int]]:
    services = services_offered_in(kecamatan)
    # The services with an online form are the busy ones.
    weights = [12 if s.code in FORMS else 2 for s in services]
    return services, weights


def _bulk_responses(
    *,
    rng: random.Random,
    version: SurveyVersion,
    today: date,
    kiosks: dict[str, SurveyKiosk],
) -> int:
    # idempotency: the bulk is written in one transaction, so one marker row means all.
    if SurveyResponse.objects.filter(paper_reference__startswith=DEMO_PAPER_PREFIX).exists():
        return 0
    days = _working_days(date(today.year - 1, 1, 1), today - timedelta(days=1))
    if not days:
        return 0
    regions = {r.code: r for r in Region.objects.filter(code__in=KECAMATAN_WEIGHTS)}
    codes = [code for code in KECAMATAN_WEIGHTS if code in regions]
    services = {code: _services(regions[code]) for code in codes}
    User = get_user_model()
    staff = {
        code: User.objects.filter(username=f"loket.{DEMO_KECAMATAN[code]}").first()
        for code in codes
    }
    asked = list(version.definition.get("profile", []))
    with_suggestions = bool(version.definition.get("suggestions"))
    kiosks_since = date(today.year - 1, 10, 1)
    rows, paper_numbers = [], Counter()
    for day in sorted(rng.choice(days) for _n in range(DEMO_RESPONSES)):
        code = rng.choices(codes, weights=[KECAMATAN_WEIGHTS[c] for c in codes])[0]
        earlier_year = day.year < today.year
        # The kiosks arrived last October; older paper questionnaires were imported.
        channel_weights = (
            {SurveyChannel.KIOSK: 55, SurveyChannel.PAPER: 45}
            if day >= kiosks_since
            else {SurveyChannel.IMPORT: 60, SurveyChannel.PAPER: 40}
        )
        channel = _weighted(rng, channel_weights)
        offered, weights = services[code]
        service = (
            rng.choices(offered, weights=weights)[0] if offered and rng.random() > 0.04 else None
        )
        at = timezone.make_aware(
            datetime.combine(day, time(8, 0)) + timedelta(minutes=rng.randrange(0, 450))
        )
        paper_reference = ""
        if channel != SurveyChannel.KIOSK:
            paper_numbers[day.year] += 1
            paper_reference = f"{DEMO_PAPER_PREFIX}{day.year}-{paper_numbers[day.year]:04}"
        rows.append(
            SurveyResponse(
                version=version,
                kecamatan_id=code,
                service=service,
                channel=channel,
                answered_on=day,
                submitted_at=at,
                kiosk=kiosks.get(code) if channel == SurveyChannel.KIOSK else None,
                entered_by=staff[code] if channel != SurveyChannel.KIOSK else None,
                paper_reference=paper_reference,
                suggestion=_suggestion(rng, code, asked=with_suggestions),
                **_profile(rng, asked),
                **{
                    ANSWER_FIELDS[key]: value
                    for key, value in _answers(rng, code, earlier_year=earlier_year).items()
                },
            )
        )
    SurveyResponse.objects.bulk_create(rows, batch_size=200)
    return len(rows)


def _tracking_responses(rng: random.Random) -> int:
    """The handed-over demo applications answer online; the finished ones stay open."""
    applications = (
        Application.objects.filter(
            applicant_email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
            state=ApplicationState.HANDED_OVER,
            survey_response__isnull=True,
        )
        .select_related("kecamatan", "service")
        .order_by("tracking_code")
    )
    created = 0
    for application in applications:
        survey_response_submit(
            answers=_answers(rng, application.kecamatan_id, earlier_year=False),
            channel=SurveyChannel.TRACKING,
            application=application,
            profile=_profile(rng, ["gender", "age", "education", "occupation"]),
            suggestion=_suggestion(rng, application.kecamatan_id, asked=True),
        )
        created += 1
    return created


# -- follow-up --------------------------------------------------------------------------


def _follow_ups(today: date) -> int:
    """Plans for the weak unsur, on the last quarter that has ended."""
    period = (
        SurveyPeriod.objects.filter(kind=PeriodKind.QUARTER, end_date__lt=today)
        .order_by("-start_date")
        .first()
    )
    if period is None:
        return 0
    created = 0
    for kecamatan, unsur, action, responsible, days, status in FOLLOW_UPS:
        if kecamatan and not Region.objects.filter(code=kecamatan).exists():
            continue
        if FollowUpPlan.objects.filter(period=period, kecamatan_id=kecamatan, unsur=unsur).exists():
            continue  # idempotency
        plan = FollowUpPlan(
            period=period,
            kecamatan_id=kecamatan,
            unsur=unsur,
            action=action,
            responsible=responsible,
            target_date=period.end_date + timedelta(days=days),
            status=status,
        )
        plan.full_clean()
        plan.save()
        created += 1
    return created


@transaction.atomic
def survey_demo_load() -> SurveyDemoResult:
    """Create the demo periods, kiosks, responses and follow-up plans if missing.

    Safe to run again: a rerun creates nothing (responses are never duplicated).
    """
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 (invented demo data, not security)
    result = SurveyDemoResult()
    result.periods_created = _periods(today.year)
    kiosks, result.kiosks_created = _kiosks()
    result.kiosk_paths = [reverse("reporting:kiosk", args=[k.token]) for k in kiosks.values()]
    result.responses_created = _bulk_responses(
        rng=rng, version=survey_version_current(), today=today, kiosks=kiosks
    )
    result.tracking_responses_created = _tracking_responses(rng)
    result.follow_ups_created = _follow_ups(today)
    return result
