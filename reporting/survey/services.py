"""Writes of the satisfaction survey: versions, responses from every channel, periods.

Every function validates before it writes and raises ``SurveyInputError`` (a
``ValidationError`` with an Indonesian message) on bad input, having changed nothing.
"""

import calendar
from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from paten.audit.services import audit_record
from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from reporting.models import (
    SurveyKiosk,
    SurveyPeriod,
    SurveyQuestion,
    SurveyResponse,
    SurveySettings,
    SurveyVersion,
)
from reporting.survey.constants import (
    ANSWER_FIELDS,
    DEFAULT_QUESTIONS,
    MAX_AGE,
    MIN_AGE,
    Education,
    Gender,
    Occupation,
    PeriodKind,
    SurveyChannel,
)
from reporting.survey.ikm import MAX_ANSWER, MIN_ANSWER, UNSUR, UNSUR_KEYS

#: Applications in these states may be surveyed: the service was delivered.
SURVEYABLE_STATES = frozenset({ApplicationState.FINISHED, ApplicationState.HANDED_OVER})

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class SurveyInputError(ValidationError):
    """Bad survey input; the message is Indonesian and nothing was saved."""


# -- questionnaire versions ---------------------------------------------------------


def survey_questions_ensure() -> None:
    """Create any missing unsur question with the standard wording (docs/domain/skm-ikm.md, the nine unsur)."""
    existing = set(SurveyQuestion.objects.values_list("unsur", flat=True))
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            unsur=key,
            text=text,
            label_1=labels[0],
            label_2=labels[1],
            label_3=labels[2],
            label_4=labels[3],
        )
        for key, (text, labels) in DEFAULT_QUESTIONS.items()
        if key not in existing
    )


def _definition() -> dict:
    survey_questions_ensure()
    questions = {q.unsur: q for q in SurveyQuestion.objects.all()}
    config = SurveySettings.load()
    return {
        "questions": {
            key: {
                "number": UNSUR[key].questionnaire_number,
                "unsur": UNSUR[key].name,
                "text": questions[key].text,
                "labels": list(questions[key].labels),
            }
            for key in UNSUR_KEYS
        },
        "profile": config.profile_fields(),
        "profile_required": config.profile_required,
        "suggestions": config.ask_suggestions,
    }


def survey_version_current() -> SurveyVersion:
    """The version matching today's set-up; a new one is stored if anything changed."""
    definition = _definition()
    latest = SurveyVersion.objects.order_by("-number").first()
    if latest is not None and latest.definition == definition:
        return latest
    number = (latest.number if latest else 0) + 1
    try:
        with transaction.atomic():
            return SurveyVersion.objects.create(number=number, definition=definition)
    except IntegrityError:  # a concurrent request stored the same change first
        latest = SurveyVersion.objects.order_by("-number").first()
        if latest is not None and latest.definition == definition:
            return latest
        raise


# -- responses ----------------------------------------------------------------------


def _clean_answers(answers: Mapping[str, object]) -> dict[str, int]:
    unknown = sorted(set(answers) - set(UNSUR_KEYS))
    if unknown:
        raise SurveyInputError(_("Unknown unsur: %(keys)s.") % {"keys": ", ".join(unknown)})
    missing = [
        f"U{UNSUR[k].questionnaire_number} {UNSUR[k].name}"
        for k in UNSUR_KEYS
        if answers.get(k) in (None, "")
    ]
    if missing:
        raise SurveyInputError(
            _("Every unsur must be answered. Missing: %(list)s.") % {"list": "; ".join(missing)}
        )
    cleaned = {}
    for key in UNSUR_KEYS:
        value = answers[key]
        try:
            number = int(str(value).strip())
            valid = str(number) == str(value).strip() and MIN_ANSWER <= number <= MAX_ANSWER
        except (TypeError, ValueError):
            valid = False
        if not valid or isinstance(value, bool):
            raise SurveyInputError(
                _("The answer for U%(number)s %(unsur)s must be 1, 2, 3 or 4 (got “%(value)s”).")
                % {
                    "number": UNSUR[key].questionnaire_number,
                    "unsur": UNSUR[key].name,
                    "value": value,
                }
            )
        cleaned[key] = number
    return cleaned


def _clean_profile(profile: Mapping[str, object], *, config: SurveySettings) -> dict:
    cleaned = {"gender": "", "age": None, "education": "", "occupation": "", "occupation_other": ""}
    choices = {"gender": Gender, "education": Education, "occupation": Occupation}
    for field, enum in choices.items():
        value = str(profile.get(field) or "").strip()
        if not value:
            continue
        if value not in enum.values:
            raise SurveyInputError(
                _("“%(value)s” is not a valid choice for %(field)s.")
                % {"value": value, "field": SurveyResponse._meta.get_field(field).verbose_name}
            )
        cleaned[field] = value
    age = profile.get("age")
    if age not in (None, ""):
        try:
            age_number = int(str(age).strip())
        except ValueError:
            age_number = None
        if age_number is None or not MIN_AGE <= age_number <= MAX_AGE:
            raise SurveyInputError(
                _("Age must be a whole number of years between %(low)s and %(high)s.")
                % {"low": MIN_AGE, "high": MAX_AGE}
            )
        cleaned["age"] = age_number
    other = str(profile.get("occupation_other") or "").strip()[:80]
    if cleaned["occupation"] == Occupation.LAINNYA:
        cleaned["occupation_other"] = other
    if config.profile_required:
        empty = [f for f in config.profile_fields() if cleaned[f] in ("", None)]
        if empty:
            names = ", ".join(str(SurveyResponse._meta.get_field(f).verbose_name) for f in empty)
            raise SurveyInputError(
                _("Please complete the profile: %(fields)s.") % {"fields": names}
            )
    return cleaned


def _check_kecamatan(kecamatan) -> Region:
    if isinstance(kecamatan, str):
        kecamatan = Region.objects.filter(code=kecamatan).first()
    if kecamatan is None or kecamatan.level != RegionLevel.KECAMATAN:
        raise SurveyInputError(_("Choose a kecamatan."))
    return kecamatan


def survey_response_submit(
    *,
    answers: Mapping[str, object],
    channel: str,
    kecamatan: Region | str | None = None,
    service=None,
    application: Application | None = None,
    answered_on: date | None = None,
    profile: Mapping[str, object] | None = None,
    suggestion: str = "",
    kiosk: SurveyKiosk | None = None,
    entered_by=None,
    paper_reference: str = "",
    audit: bool = True,
    version: SurveyVersion | None = None,
) -> SurveyResponse:
    """Record one completed questionnaire from any channel.

    - ``application``: the online channel by tracking code; kecamatan and service come
      from it, it must be finished, and the database allows one response per application.
    - ``kiosk``: the counter tablet; the admin-set abuse limits apply.
    - paper entry and import: ``entered_by`` is the staff member, recorded in the audit chain.

    ``version`` lets a caller that records many responses in one go (an import) resolve
    the current questionnaire version once instead of once per response.
    """
    if channel not in SurveyChannel.values:
        raise SurveyInputError(_("Unknown survey channel."))
    config = SurveySettings.load()
    cleaned = _clean_answers(answers)
    person = _clean_profile(profile or {}, config=config)
    today = timezone.localdate()
    answered_on = answered_on or today
    if answered_on > today:
        raise SurveyInputError(_("The survey date cannot be in the future."))

    if application is not None:
        if application.state not in SURVEYABLE_STATES:
            raise SurveyInputError(_("The survey opens once the application is finished."))
        if SurveyResponse.objects.filter(application=application).exists():
            raise SurveyInputError(_("This application has already been surveyed. Thank you!"))
        kecamatan = application.kecamatan
        service = application.service
    if kiosk is not None:
        if not kiosk.is_active:
            raise SurveyInputError(_("This kiosk has been switched off by the administrator."))
        kecamatan = kiosk.kecamatan
    kecamatan = _check_kecamatan(kecamatan)

    response = SurveyResponse(
        version=version or survey_version_current(),
        kecamatan=kecamatan,
        service=service,
        application=application,
        channel=channel,
        answered_on=answered_on,
        suggestion=(suggestion or "").strip()[:4000] if config.ask_suggestions else "",
        kiosk=kiosk,
        entered_by=entered_by,
        paper_reference=(paper_reference or "").strip()[:40],
        **person,
        **{ANSWER_FIELDS[key]: value for key, value in cleaned.items()},
    )
    try:
        with transaction.atomic():
            if kiosk is not None:
                # The kiosk's row is locked until this response is committed, so the
                # limits are checked against every response committed before it:
                # concurrent posts from one kiosk queue here instead of all passing a
                # check made before any of them was saved.
                locked = SurveyKiosk.objects.select_for_update().filter(pk=kiosk.pk).first()
                if locked is None or not locked.is_active:
                    raise SurveyInputError(
                        _("This kiosk has been switched off by the administrator.")
                    )
                kiosk_check(kiosk=locked, config=config)
                response.submitted_at = timezone.now()
            response.save()
            if audit and entered_by is not None:
                audit_record(
                    actor=entered_by,
                    action="survey.response_entered",
                    target=response,
                    kecamatan=kecamatan,
                    payload={"channel": channel, "answered_on": answered_on, **cleaned},
                )
    except IntegrityError as exc:
        if application is not None:
            raise SurveyInputError(
                _("This application has already been surveyed. Thank you!")
            ) from exc
        raise
    return response


def kiosk_check(*, kiosk: SurveyKiosk, config: SurveySettings | None = None) -> None:
    """Refuse a kiosk response that comes too soon or over the hourly limit.

    Holds under concurrency only while the kiosk's row is locked
    (``survey_response_submit`` does so)."""
    config = config or SurveySettings.load()
    now = timezone.now()
    recent = SurveyResponse.objects.filter(kiosk=kiosk, submitted_at__gte=now - timedelta(hours=1))
    last = recent.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    if last is not None and (now - last).total_seconds() < config.kiosk_min_interval_seconds:
        raise SurveyInputError(
            _(
                "Thank you, your answer was already received. Please wait a moment before the next respondent."
            )
        )
    if recent.count() >= config.kiosk_max_per_hour:
        raise SurveyInputError(
            _("This kiosk has reached its limit of responses for this hour. Please ask the staff.")
        )


# -- periods ------------------------------------------------------------------------


def period_dates(*, kind: str, year: int, number: int | None) -> tuple[date, date]:
    """First and last day of a standard period (quarter, semester, year)."""
    if kind == PeriodKind.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    months = {PeriodKind.QUARTER: 3, PeriodKind.SEMESTER: 6}[kind]
    count = 12 // months
    if number is None or not 1 <= number <= count:
        raise SurveyInputError(
            _("The number must be between 1 and %(count)s for this kind of period.")
            % {"count": count}
        )
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def period_name(*, kind: str, year: int, number: int | None) -> str:
    if kind == PeriodKind.QUARTER:
        return f"Triwulan {ROMAN[number]} {year}"
    if kind == PeriodKind.SEMESTER:
        return f"Semester {ROMAN[number]} {year}"
    return f"Tahun {year}"


def _period_slug(period: SurveyPeriod) -> str:
    if period.kind == PeriodKind.QUARTER:
        return f"{period.year}-tw{period.number}"
    if period.kind == PeriodKind.SEMESTER:
        return f"{period.year}-s{period.number}"
    if period.kind == PeriodKind.YEAR:
        return str(period.year)
    return f"{period.start_date:%Y%m%d}-{period.end_date:%Y%m%d}"


def survey_period_prepare(*, period: SurveyPeriod) -> SurveyPeriod:
    """Fill dates, name and slug, and check the period; raises ``SurveyInputError``.

    Used by the admin form's ``clean`` and by ``survey_period_save``.
    """
    if period.kind not in PeriodKind.values:
        raise SurveyInputError(_("Choose the kind of period."))
    if period.kind == PeriodKind.CUSTOM:
        if not period.start_date or not period.end_date:
            raise SurveyInputError(_("A custom period needs its first and last day."))
        if period.start_date > period.end_date:
            raise SurveyInputError(_("The first day must not be after the last day."))
        period.number = None
        period.year = period.start_date.year
        if not period.name:
            period.name = f"{period.start_date:%d-%m-%Y} s.d. {period.end_date:%d-%m-%Y}"
    else:
        if not period.year:
            raise SurveyInputError(_("Enter the year."))
        if period.kind == PeriodKind.YEAR:
            period.number = None
        period.start_date, period.end_date = period_dates(
            kind=period.kind, year=period.year, number=period.number
        )
        period.name = period.name or period_name(
            kind=period.kind, year=period.year, number=period.number
        )
    period.slug = _period_slug(period)
    overlapping = (
        SurveyPeriod.objects.filter(
            kind=period.kind, start_date__lte=period.end_date, end_date__gte=period.start_date
        )
        .exclude(pk=period.pk)
        .first()
    )
    if overlapping is not None:
        raise SurveyInputError(
            _("This period overlaps “%(other)s” (%(start)s – %(end)s), which is of the same kind.")
            % {
                "other": overlapping,
                "start": overlapping.start_date.strftime("%d-%m-%Y"),
                "end": overlapping.end_date.strftime("%d-%m-%Y"),
            }
        )
    if SurveyPeriod.objects.filter(slug=period.slug).exclude(pk=period.pk).exists():
        raise SurveyInputError(_("A period with these dates already exists."))
    return period


def survey_period_save(*, period: SurveyPeriod) -> SurveyPeriod:
    survey_period_prepare(period=period)
    period.full_clean()
    period.save()
    return period


def survey_period_create(
    *,
    kind: str,
    year: int | None = None,
    number: int | None = None,
    start_date=None,
    end_date=None,
    **extra,
) -> SurveyPeriod:
    period = SurveyPeriod(
        kind=kind, year=year or 0, number=number, start_date=start_date, end_date=end_date, **extra
    )
    return survey_period_save(period=period)
