"""The computed metrics of the kecamatan evaluation: one function per ``Metric``.

Each function takes a kecamatan code and a period (first and last day, both included,
in the installation's time zone) and returns ``(value, inputs)``: the value as a
``Decimal`` (or ``None`` when there is nothing to measure, which scores 0) and the
counts it was computed from, JSON-ready, so that the frozen value can be checked
against its inputs later. Counts come from database aggregates; only the working-day
median reads one pair of dates per finished application (as ``reports.recap`` does).

Dates used throughout:

- *received*: ``Application.submitted_at`` inside the period;
- *finished*: state ``selesai`` or ``diserahkan`` and ``finished_at`` inside the period
  (the moment the camat signed; the later hand-over does not move it);
- *within the standard time*: finished and ``finished_at ≤ due_at`` (the deadline set
  when the file was verified complete, in working time of the service standard);
- catalog metrics look at the catalog as published on the period's last day.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from statistics import median

from django.db.models import Count, Exists, F, Min, OuterRef, Q

from forms_builder.models import Application
from paten.ppid.selectors import requests_on_time
from paten.workdays.calendar import WorkingCalendar
from paten.workdays.index import WorkingDayIndex
from reporting.common.periods import local_day_bounds
from reporting.models import Metric
from reporting.survey.ikm import round_half_up
from reporting.survey.selectors import Slice, finished_applications, ikm_for

#: Percentages and the IKM are kept to two decimals (half-up, from the exact ratio).
PLACES = 2

MetricResult = tuple[Decimal | None, dict]


def _finished(code: str, start: date, end: date):
    return finished_applications(Slice(start=start, end=end, kecamatan=code))


def applications_received(code: str, start: date, end: date) -> MetricResult:
    """Applications of the kecamatan submitted in the period, whatever their state now.

    Every channel counts (online and counter); an application later rejected or
    cancelled still counts as received.
    """
    since, until = local_day_bounds(start, end)
    n = Application.objects.filter(
        kecamatan_id=code, submitted_at__gte=since, submitted_at__lt=until
    ).count()
    return Decimal(n), {"diterima": n}


def applications_finished(code: str, start: date, end: date) -> MetricResult:
    """Applications of the kecamatan finished in the period (``finished_at`` inside it,
    state ``selesai`` or ``diserahkan``), whenever they were submitted."""
    n = _finished(code, start, end).count()
    return Decimal(n), {"selesai": n}


def sla_percent(code: str, start: date, end: date) -> MetricResult:
    """Of the applications finished in the period, the share finished by their due date.

    ``100 × tepat_waktu / selesai`` where ``tepat_waktu`` counts ``finished_at ≤ due_at``
    (an application without a due date is not on time), rounded half-up to two
    decimals. ``None`` when nothing was finished.
    """
    row = _finished(code, start, end).aggregate(
        selesai=Count("id"), tepat_waktu=Count("id", filter=Q(finished_at__lte=F("due_at")))
    )
    finished, on_time = row["selesai"], row["tepat_waktu"]
    value = round_half_up(Fraction(100 * on_time, finished), PLACES) if finished else None
    return value, {"selesai": finished, "tepat_waktu": on_time}


def median_working_days(code: str, start: date, end: date) -> MetricResult:
    """Median working days from verification to completion of the applications finished
    in the period, as the monthly recap counts them.

    The clock starts on the local date of ``verified_at`` (``submitted_at`` when it was
    never verified) and stops on the local date of ``finished_at``; the days counted are
    the working days in (start, stop] of the installation's calendar (holidays and cuti
    bersama excluded). The inputs keep the histogram ``{days: applications}``, so the
    median can be recomputed. ``None`` when nothing was finished.
    """
    finished = _finished(code, start, end)
    calendar = WorkingCalendar.for_region()
    bounds = finished.aggregate(submitted=Min("submitted_at"), verified=Min("verified_at"))
    first = min(
        [start] + [t.astimezone(calendar.tz).date() for t in bounds.values() if t is not None]
    )
    index = WorkingDayIndex(calendar, first, end)
    days: list[int] = []
    rows = finished.values_list("verified_at", "submitted_at", "finished_at").order_by()
    for verified_at, submitted_at, finished_at in rows.iterator(chunk_size=5000):
        began = (verified_at or submitted_at).astimezone(calendar.tz).date()
        done = finished_at.astimezone(calendar.tz).date()
        days.append(max(0, index.between(began, done)))
    histogram = {str(d): n for d, n in sorted(Counter(days).items())}
    value = round_half_up(Fraction(median(days)), PLACES) if days else None
    return value, {"selesai": len(days), "hari_kerja": histogram}


def ikm(code: str, start: date, end: date) -> MetricResult:
    """IKM (25–100, PermenPAN-RB 14/2017, exact variant) of the survey responses of the
    kecamatan answered in the period (``answered_on`` inside it), every channel and
    service; rounded half-up to two decimals from the exact fraction. ``None`` without
    responses. Inputs: respondents and Σ per unsur, enough to recompute it.
    """
    result = ikm_for(Slice(start=start, end=end, kecamatan=code), with_template=False).result
    if result is None:
        return None, {"responden": 0, "jumlah_per_unsur": {}}
    sums = {u.key: u.total for u in result.unsur}
    value = round_half_up(result.ikm_converted, PLACES)
    return value, {"responden": result.respondents, "jumlah_per_unsur": sums}


def survey_sample_adequate(code: str, start: date, end: date) -> MetricResult:
    """1 when the kecamatan's survey responses of the period reach the Krejcie–Morgan
    minimum for its population (applications finished in the period), else 0.

    A period with no finished application needs no sample and scores 1.
    """
    slice_ = ikm_for(Slice(start=start, end=end, kecamatan=code), with_template=False)
    inputs = {
        "responden": slice_.respondents,
        "populasi": slice_.population,
        "sampel_minimum": slice_.min_sample,
    }
    return Decimal(1 if slice_.adequate else 0), inputs


def _offered_services(code: str, on: date) -> list:
    """Live, public services offered in the kecamatan on ``on`` (fixed number of queries)."""
    from paten.regions.selectors import installation_kecamatan
    from service_catalog.selectors import kecamatan_offering, service_queryset

    everywhere = installation_kecamatan()
    return [
        service
        for service in service_queryset().order_by("code")
        if any(r.code == code for r in kecamatan_offering(service, on=on, all_kecamatan=everywhere))
    ]


def delegated_services_offered(code: str, start: date, end: date) -> MetricResult:
    """Services delegated by the bupati/wali kota (``delegated_authority`` set) that the
    kecamatan actually offers on the period's last day: the page is live and public, the
    delegation is in effect for the kecamatan (not expired, revoked, or its instrument
    revoked) and the kecamatan has not withdrawn it (``service_catalog.selectors.
    kecamatan_offering``). Inputs list the service codes.
    """
    codes = [s.code for s in _offered_services(code, end) if s.delegated_authority_id]
    return Decimal(len(codes)), {"tanggal": end.isoformat(), "layanan": codes}


#: Rich-text editors leave an empty paragraph behind when cleared.
_EMPTY_TEXT = ("", "<p></p>", "<p><br/></p>")
#: Management components (PermenPAN-RB 15/2014 group B, 8–14) that the catalog lets an
#: editor leave blank; group A and the legal basis are required by ``service_validate``
#: and the page model, and are checked here as well.
_TEXT_COMPONENTS = (
    "product",  # 5 produk pelayanan
    "complaint_channels",  # 6 penanganan pengaduan
    "facilities",  # 8 sarana dan prasarana
    "staff_competence",  # 9 kompetensi pelaksana
    "internal_supervision",  # 10 pengawasan internal
    "staff_count",  # 11 jumlah pelaksana
    "service_guarantee",  # 12 jaminan pelayanan
    "safety_guarantee",  # 13 jaminan keamanan dan keselamatan
    "performance_evaluation",  # 14 evaluasi kinerja pelaksana
)


def standard_complete_q() -> Q:
    """A service whose standar pelayanan has all 14 components (UU 25/2009 Pasal 21):

    1 at least one required document; 2 at least one procedure step; 3 a completion time;
    4 a fee that is free or names its legal basis; 5 a product; 6 complaint handling;
    7 at least one legal basis; 8–14 facilities, staff competence, internal
    supervision, number of staff, service guarantee, safety guarantee and staff
    performance evaluation filled in (an empty rich-text paragraph counts as empty).
    """
    from service_catalog.constants import FeeKind
    from service_catalog.models import ProcedureStep, RequiredDocument, ServiceLegalBasis

    q = Q(Exists(RequiredDocument.objects.filter(service=OuterRef("pk"))))
    q &= Q(Exists(ProcedureStep.objects.filter(service=OuterRef("pk"))))
    q &= Q(duration_value__gte=1)
    q &= Q(fee_kind=FeeKind.FREE) | Q(fee_legal_basis__isnull=False)
    q &= Q(Exists(ServiceLegalBasis.objects.filter(service=OuterRef("pk"))))
    for name in _TEXT_COMPONENTS:
        q &= ~Q(**{f"{name}__in": _EMPTY_TEXT})
    return q


def standards_complete_percent(code: str, start: date, end: date) -> MetricResult:
    """Of the services the kecamatan offers on the period's last day (own and delegated,
    see ``delegated_services_offered``), the share whose *published* standard is complete
    (``standard_complete_q``). The published standard is the live page: a draft
    revision waiting for approval does not count. ``100 × lengkap / ditawarkan``, two
    decimals half-up; ``None`` when the kecamatan offers nothing. Inputs list the
    incomplete services.
    """
    from service_catalog.models import ServicePage

    offered = {s.pk: s.code for s in _offered_services(code, end)}
    complete = set(
        ServicePage.objects.filter(pk__in=offered)
        .filter(standard_complete_q())
        .values_list("pk", flat=True)
    )
    n, k = len(offered), len(complete)
    value = round_half_up(Fraction(100 * k, n), PLACES) if n else None
    incomplete = sorted(c for pk, c in offered.items() if pk not in complete)
    inputs = {
        "tanggal": end.isoformat(),
        "ditawarkan": n,
        "lengkap": k,
        "belum_lengkap": incomplete,
    }
    return value, inputs


def ppid_on_time(code: str, start: date, end: date) -> MetricResult:
    """Of the information requests the kecamatan's PPID decided in the period (written
    notice sent, ``decided_at`` inside it), the share sent by the deadline: 10 working
    days from receipt, or the one extension of at most 7 (UU 14/2008 Pasal 22 ayat (7)
    and (8)); ``100 × tepat_waktu / diputus`` half-up to two decimals, ``None`` when the
    PPID decided nothing. The PPID's own rule (``paten.ppid.selectors``)."""
    return requests_on_time(code, start, end)


METRICS: dict[str, Callable[[str, date, date], MetricResult]] = {
    Metric.APPLICATIONS_RECEIVED: applications_received,
    Metric.APPLICATIONS_FINISHED: applications_finished,
    Metric.SLA_PERCENT: sla_percent,
    Metric.MEDIAN_WORKING_DAYS: median_working_days,
    Metric.IKM: ikm,
    Metric.SURVEY_SAMPLE_ADEQUATE: survey_sample_adequate,
    Metric.DELEGATED_SERVICES_OFFERED: delegated_services_offered,
    Metric.STANDARDS_COMPLETE_PERCENT: standards_complete_percent,
    Metric.PPID_ON_TIME: ppid_on_time,
}


def metric_register(metric: str, function: Callable[[str, date, date], MetricResult]) -> None:
    """Add the function of a metric whose data lives in an app above reporting (the offline
    sync's ``DAYS_SINCE_SYNC``), called from that app's ``AppConfig.ready``."""
    METRICS[metric] = function


def metric_compute(metric: str, *, kecamatan: str, start: date, end: date) -> MetricResult:
    """``(value, inputs)`` of one metric for a kecamatan and period."""
    return METRICS[metric](kecamatan, start, end)


def value_from_inputs(metric: str, inputs: dict) -> Decimal | None:
    """The value of a metric recomputed from its stored inputs alone (no records read):
    what lets anyone check a frozen value long after the records have changed."""
    from reporting.survey.ikm import ikm_compute

    if metric == Metric.APPLICATIONS_RECEIVED:
        return Decimal(inputs["diterima"])
    if metric == Metric.APPLICATIONS_FINISHED:
        return Decimal(inputs["selesai"])
    if metric == Metric.SLA_PERCENT:
        finished = inputs["selesai"]
        return (
            round_half_up(Fraction(100 * inputs["tepat_waktu"], finished), PLACES)
            if finished
            else None
        )
    if metric == Metric.MEDIAN_WORKING_DAYS:
        days = [int(d) for d, n in inputs["hari_kerja"].items() for _i in range(n)]
        return round_half_up(Fraction(median(sorted(days))), PLACES) if days else None
    if metric == Metric.IKM:
        n = inputs["responden"]
        if not n:
            return None
        return round_half_up(ikm_compute(inputs["jumlah_per_unsur"], n).ikm_converted, PLACES)
    if metric == Metric.SURVEY_SAMPLE_ADEQUATE:
        return Decimal(1 if inputs["responden"] >= inputs["sampel_minimum"] else 0)
    if metric == Metric.DELEGATED_SERVICES_OFFERED:
        return Decimal(len(inputs["layanan"]))
    if metric == Metric.STANDARDS_COMPLETE_PERCENT:
        offered = inputs["ditawarkan"]
        return (
            round_half_up(Fraction(100 * inputs["lengkap"], offered), PLACES) if offered else None
        )
    if metric == Metric.DAYS_SINCE_SYNC:
        return Decimal(inputs["hari"])
    if metric == Metric.PPID_ON_TIME:
        decided = inputs["diputus"]
        return (
            round_half_up(Fraction(100 * inputs["tepat_waktu"], decided), PLACES)
            if decided
            else None
        )
    raise KeyError(metric)
