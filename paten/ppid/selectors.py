"""Reads of the PPID domain: the public DIP (with its cache generation), the staff
queues of requests and objections (scoped through ``permissions.scoped``), the tracker's
lookups and the counts of the admin home panel.

Public reads never select the requester's identity or contact; staff reads are scoped
by the one scoping selector, so a kecamatan PPID never reads another kecamatan's rows.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from paten.regions.selectors import installation_kecamatan

from . import permissions
from .constants import OPEN_STATES, InformationClass, ObjectionState, RequestState
from .models import (
    ConsequenceTest,
    DipCategory,
    DipDocument,
    DipEntry,
    InformationRequest,
    Objection,
    PpidSettings,
    RequestEvent,
    RequestFile,
)

# -- public DIP ------------------------------------------------------------------------

DIP_GENERATION_KEY = "ppid:dip:generation"
#: The unit filter's value for information held at pemda level.
UNIT_PEMDA = "pemda"


def dip_generation() -> int:
    """The public DIP's cache generation; ``signals`` bumps it on every change."""
    value = cache.get(DIP_GENERATION_KEY)
    if value is None:
        # Never restart from 1: an evicted key must not bring old pages back.
        value = time.time_ns() // 1000
        if not cache.add(DIP_GENERATION_KEY, value, timeout=None):
            value = cache.get(DIP_GENERATION_KEY, value)
    return value


def dip_generation_bump() -> int:
    try:
        return cache.incr(DIP_GENERATION_KEY)
    except ValueError:
        value = time.time_ns() // 1000
        cache.set(DIP_GENERATION_KEY, value, timeout=None)
        return value


@dataclass(frozen=True)
class DipFilters:
    """The public filters, already checked: an unknown value is dropped, never an error."""

    q: str = ""
    information_class: str = ""
    category: DipCategory | None = None
    year: int | None = None
    unit: str = ""  # a kecamatan code, UNIT_PEMDA, or "" for every unit
    unit_name: str = ""

    def as_params(self) -> dict[str, str]:
        params = {
            "q": self.q,
            "kelas": self.information_class,
            "kategori": self.category.slug if self.category else "",
            "tahun": str(self.year or ""),
            "unit": self.unit,
        }
        return {key: value for key, value in params.items() if value}


def dip_filters_from(params, *, categories=None, kecamatan=None) -> DipFilters:
    categories = categories if categories is not None else list(DipCategory.objects.all())
    kecamatan = kecamatan if kecamatan is not None else list(installation_kecamatan())
    q = " ".join(str(params.get("q", "")).split())[:100]
    information_class = str(params.get("kelas", ""))
    if information_class not in InformationClass.values:
        information_class = ""
    slug = str(params.get("kategori", ""))
    category = next((c for c in categories if c.slug == slug), None)
    year = None
    raw_year = str(params.get("tahun", "")).strip()
    if raw_year.isdigit() and len(raw_year) == 4:
        year = int(raw_year)
    unit, unit_name = str(params.get("unit", "")).strip(), ""
    if unit == UNIT_PEMDA:
        unit_name = PpidSettings.load().utama_unit
    else:
        region = next((k for k in kecamatan if k.code == unit), None)
        unit, unit_name = (region.code, region.name) if region else ("", "")
    return DipFilters(
        q=q,
        information_class=information_class,
        category=category,
        year=year,
        unit=unit,
        unit_name=unit_name,
    )


def dip_public_entries(*, filters: DipFilters | None = None) -> QuerySet:
    """Published DIP entries for the public pages, newest year first.

    One query for the rows (category, unit and consequence test joined); the documents
    are prefetched in one more. No text of an exempt entry but its title is ever used by
    the public pages (the views decide), and the search never looks into it either.
    """
    filters = filters or DipFilters()
    queryset = DipEntry.objects.filter(live=True).select_related(
        "category", "kecamatan", "consequence_test__ground"
    )
    if filters.q:
        words = filters.q.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(number__icontains=word)
                | (Q(summary__icontains=word) & ~Q(information_class=InformationClass.EXEMPT))
            )
    if filters.information_class:
        queryset = queryset.filter(information_class=filters.information_class)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.unit == UNIT_PEMDA:
        queryset = queryset.filter(kecamatan__isnull=True)
    elif filters.unit:
        queryset = queryset.filter(kecamatan_id=filters.unit)
    return queryset.order_by("-year", "kecamatan_id", "number")


def dip_documents_prefetch() -> Prefetch:
    return Prefetch(
        "documents",
        queryset=DipDocument.objects.select_related("document", "page").order_by("sort_order"),
    )


def dip_public_entry(*, pk) -> DipEntry | None:
    return (
        DipEntry.objects.filter(live=True, pk=pk)
        .select_related("category", "kecamatan", "consequence_test__ground")
        .prefetch_related(dip_documents_prefetch())
        .first()
    )


def dip_years() -> list[int]:
    return list(
        DipEntry.objects.filter(live=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def dip_serta_merta_active(*, today: date | None = None, limit: int = 5) -> list[DipEntry]:
    """Published immediate (serta-merta) information still active today, newest first:
    the home page shows it prominently (UU 14/2008 Pasal 10)."""
    today = today or timezone.localdate()
    return list(
        DipEntry.objects.filter(live=True, information_class=InformationClass.IMMEDIATE)
        .filter(Q(immediate_until__isnull=True) | Q(immediate_until__gte=today))
        .select_related("kecamatan")
        .order_by("-last_published_at", "-created_at")[:limit]
    )


# -- staff: requests -------------------------------------------------------------------


def _due_soon_until(now: datetime) -> datetime:
    """The end of the “due soon” window: close of office N working days from today."""
    from .services import calendar_for

    calendar = calendar_for(None)
    days = PpidSettings.load().due_soon_days
    day = calendar.add_working_days(timezone.localdate(now), days)
    return calendar.office_hours(day)[1]


def overdue_q(now: datetime | None = None) -> Q:
    return Q(state__in=OPEN_STATES, due_at__lt=now or timezone.now())


def due_soon_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=_due_soon_until(now))


def request_list_for_user(
    *,
    user,
    state: str | None = None,
    open_only: bool = False,
    overdue: bool = False,
    due_soon: bool = False,
    extended: bool = False,
    kecamatan: str | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet:
    """The requests ``user`` may see, filtered for the work queue; open first, the
    earliest deadline first. One query whatever the number of rows."""
    if not permissions.may_view_requests(user):
        return InformationRequest.objects.none()
    queryset = permissions.scoped(user, InformationRequest.objects.select_related("kecamatan"))
    if state:
        queryset = queryset.filter(state=state)
    if open_only:
        queryset = queryset.filter(state__in=OPEN_STATES)
    if overdue:
        queryset = queryset.filter(overdue_q(now))
    if due_soon:
        queryset = queryset.filter(due_soon_q(now))
    if extended:
        queryset = queryset.filter(extension_days__isnull=False)
    if kecamatan == UNIT_PEMDA:
        queryset = queryset.filter(kecamatan__isnull=True)
    elif kecamatan:
        queryset = queryset.filter(kecamatan_id=kecamatan)
    if q:
        # Numbers and the tracking code only: the queue never searches personal data.
        q = q.strip()
        queryset = queryset.filter(
            Q(registration_number__icontains=q) | Q(tracking_code=q.replace("-", "").upper())
        )
    done = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1))
    return queryset.order_by(done, F("due_at").asc(), "-received_at")


def request_get_for_user(*, user, pk) -> InformationRequest | None:
    return (
        request_list_for_user(user=user)
        .select_related(
            "decided_by",
            "created_by",
            "exception_ground",
            "exempt_entry__consequence_test__ground",
            "published_entry",
        )
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
            *_files_and_objections(),
        )
        .filter(pk=pk)
        .first()
    )


def _files_and_objections() -> tuple[Prefetch, Prefetch]:
    """A request's files and objections in the order its pages show them."""
    return (
        Prefetch("files", queryset=RequestFile.objects.order_by("uploaded_at")),
        Prefetch(
            "objections",
            queryset=Objection.objects.select_related("dispute").order_by("received_at"),
        ),
    )


def request_file_get_for_user(*, user, pk) -> RequestFile | None:
    if not permissions.may_view_register(user):
        return None
    files = permissions.scoped(
        user, RequestFile.objects.select_related("request"), field="request__kecamatan"
    )
    return files.filter(pk=pk).first()


# -- public: the tracker ---------------------------------------------------------------


def request_by_code(*, code: str) -> InformationRequest | None:
    """For the public tracker: the request with a normalised tracking code."""
    return (
        InformationRequest.objects.select_related("kecamatan", "exception_ground")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.order_by("at")),
            *_files_and_objections(),
        )
        .filter(tracking_code=code)
        .first()
    )


# -- staff: objections -----------------------------------------------------------------


def objection_list_for_user(
    *, user, open_only: bool = False, overdue: bool = False, now=None
) -> QuerySet:
    if not permissions.may_view_objections(user):
        return Objection.objects.none()
    queryset = permissions.scoped(
        user,
        Objection.objects.select_related("request__kecamatan", "dispute"),
        field="request__kecamatan",
    )
    if open_only:
        queryset = queryset.filter(state=ObjectionState.RECEIVED)
    if overdue:
        queryset = queryset.filter(state=ObjectionState.RECEIVED, due_at__lt=now or timezone.now())
    done = Case(When(state=ObjectionState.RECEIVED, then=Value(0)), default=Value(1))
    return queryset.order_by(done, "due_at", "-received_at")


def objection_get_for_user(*, user, pk) -> Objection | None:
    return (
        objection_list_for_user(user=user)
        .select_related("answered_by", "request__decided_by")
        .prefetch_related(Prefetch("files", queryset=RequestFile.objects.order_by("uploaded_at")))
        .filter(pk=pk)
        .first()
    )


# -- the admin home panel --------------------------------------------------------------


@dataclass
class UnitCounts:
    code: str
    name: str
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    extended: int = 0


@dataclass
class PpidCounts:
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    extended: int = 0
    objections_open: int = 0
    objections_overdue: int = 0
    exemptions_expired: int = 0
    periodic_overdue: int = 0
    units: list[UnitCounts] = field(default_factory=list)


def ppid_counts_for_user(*, user, now: datetime | None = None) -> PpidCounts:
    """Counts for the PPID panel: open, overdue, due soon and extended requests per unit
    (one grouped query), open and overdue objections (one), expired exceptions and
    periodic information overdue for update (two)."""
    now = now or timezone.now()
    counts = PpidCounts()
    rows = (
        request_list_for_user(user=user, open_only=True)
        .order_by()
        .values("kecamatan_id", "kecamatan__name")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue_q(now)),
            due_soon=Count("pk", filter=due_soon_q(now)),
            extended=Count("pk", filter=Q(state=RequestState.EXTENDED)),
        )
    )
    utama = PpidSettings.load().utama_unit
    for row in rows:
        unit = UnitCounts(
            code=row["kecamatan_id"] or UNIT_PEMDA,
            name=row["kecamatan__name"] or utama,
            open=row["total"],
            overdue=row["overdue"],
            due_soon=row["due_soon"],
            extended=row["extended"],
        )
        counts.units.append(unit)
        counts.open += unit.open
        counts.overdue += unit.overdue
        counts.due_soon += unit.due_soon
        counts.extended += unit.extended
    counts.units.sort(key=lambda u: (u.code != UNIT_PEMDA, u.name))
    objections = (
        objection_list_for_user(user=user, open_only=True)
        .order_by()
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    counts.objections_open = objections["total"]
    counts.objections_overdue = objections["overdue"]
    counts.exemptions_expired = consequence_tests_expired_for_user(user=user).count()
    counts.periodic_overdue = len(dip_periodic_overdue_for_user(user=user))
    return counts


def consequence_tests_for_user(*, user) -> QuerySet:
    return permissions.scoped(user, ConsequenceTest.objects.select_related("ground", "kecamatan"))


def consequence_tests_expired_for_user(*, user, today: date | None = None) -> QuerySet:
    """Exceptions past their end date that still exempt a DIP entry: to be reviewed."""
    today = today or timezone.localdate()
    return (
        consequence_tests_for_user(user=user)
        .filter(exempt_until__lt=today, entries__isnull=False)
        .distinct()
    )


def dip_entries_for_user(*, user) -> QuerySet:
    if (
        user.is_superuser
        or user.has_perm("ppid.view_dipentry")
        or user.has_perm("ppid.change_dipentry")
    ):
        return permissions.scoped(user, DipEntry.objects.select_related("category", "kecamatan"))
    return DipEntry.objects.none()


def dip_periodic_overdue_for_user(*, user, today: date | None = None) -> list[DipEntry]:
    """Live periodic entries whose next update is overdue (UU 14/2008 Pasal 9 ayat (4))."""
    today = today or timezone.localdate()
    months = PpidSettings.load().periodic_update_months
    entries = dip_entries_for_user(user=user).filter(
        live=True, information_class=InformationClass.PERIODIC
    )
    return [entry for entry in entries if entry.is_update_overdue(today, months)]


# -- statistics: the public page, the reports and the evaluation metric ---------------

#: Classes of the time taken from receipt to the written notice, in working days: within
#: the statute's 10 days, within the extension (at most 17), later.
TIME_CLASSES = (
    ("0–3 hari kerja", 0, 3),
    ("4–10 hari kerja", 4, 10),
    ("11–17 hari kerja (dengan perpanjangan)", 11, 17),
    ("lebih dari 17 hari kerja", 18, None),
)


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """``[start 00:00, end+1 00:00)`` in local time: both days included."""
    from datetime import time as clock
    from datetime import timedelta

    return (
        timezone.make_aware(datetime.combine(start, clock.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), clock.min)),
    )


def _received(
    queryset: QuerySet, unit: str, *, start: date, end: date, kecamatan: str | None
) -> QuerySet:
    """Rows of ``queryset`` received in ``[start, end]`` (local days), of one unit when
    given (``UNIT_PEMDA`` for the PPID utama's own); ``unit`` is the path to the unit."""
    since, until = local_bounds(start, end)
    queryset = queryset.filter(received_at__gte=since, received_at__lt=until)
    if kecamatan == UNIT_PEMDA:
        return queryset.filter(**{f"{unit}__isnull": True})
    if kecamatan:
        return queryset.filter(**{f"{unit}_id": kecamatan})
    return queryset


def requests_received(*, start: date, end: date, kecamatan: str | None = None) -> QuerySet:
    """Requests received in ``[start, end]`` (local days), of one unit when given
    (``UNIT_PEMDA`` for the PPID utama's own)."""
    return _received(
        InformationRequest.objects.all(), "kecamatan", start=start, end=end, kecamatan=kecamatan
    )


def objections_received(*, start: date, end: date, kecamatan: str | None = None) -> QuerySet:
    """Objections received in ``[start, end]`` (local days), to requests of one unit when
    given (``UNIT_PEMDA`` for the PPID utama's own)."""
    return _received(
        Objection.objects.all(), "request__kecamatan", start=start, end=end, kecamatan=kecamatan
    )


def requests_on_time(code: str | None, start: date, end: date) -> tuple:
    """“PPID requests answered on time”: of the requests whose written notice went out in
    the period (``decided_at`` inside it; withdrawn ones do not count), the share sent by
    the deadline (10 working days, or the extended one; UU 14/2008 Pasal 22 ayat (7)–(8)).

    Returns ``(percent or None, inputs)``; ``percent`` is ``100 × on_time / decided``
    rounded half-up to two decimals, ``None`` when nothing was decided.
    """
    from decimal import ROUND_HALF_UP, Decimal

    from .constants import DECISION_STATES

    since, until = local_bounds(start, end)
    queryset = InformationRequest.objects.filter(
        state__in=DECISION_STATES, decided_at__gte=since, decided_at__lt=until
    )
    if code:
        queryset = queryset.filter(kecamatan_id=code)
    row = queryset.aggregate(
        decided=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("due_at")))
    )
    decided, on_time = row["decided"], row["on_time"]
    if not decided:
        return None, {"diputus": 0, "tepat_waktu": 0}
    value = (Decimal(100 * on_time) / Decimal(decided)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return value, {"diputus": decided, "tepat_waktu": on_time}


@dataclass
class PpidStatistics:
    """The computed part of the PPID report and of the public statistics page."""

    start: date
    end: date
    received: int = 0
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_state: dict[str, int] = field(default_factory=dict)
    by_unit: list[dict] = field(default_factory=list)
    decided: int = 0
    on_time: int = 0
    time_classes: list[tuple[str, int]] = field(default_factory=list)
    refused_by_ground: list[tuple[str, int]] = field(default_factory=list)
    objections: int = 0
    objections_by_decision: dict[str, int] = field(default_factory=dict)
    objections_answered_on_time: int = 0
    disputes: int = 0
    disputes_by_outcome: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_percent(self):
        from decimal import ROUND_HALF_UP, Decimal

        if not self.decided:
            return None
        return (Decimal(100 * self.on_time) / Decimal(self.decided)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def ppid_statistics(*, start: date, end: date, kecamatan: str | None = None) -> PpidStatistics:
    """Requests received in the period (per month, state and unit), notices on time, the
    time taken per request in classes, refusals per ground, objections and disputes.

    Grouped aggregates, plus one streamed read of (receipt, notice) pairs for the time
    classes: the query count does not grow with the number of requests."""
    from collections import Counter

    from .constants import DECISION_STATES, RequestState
    from .deadlines import working_days_taken
    from .services import calendar_for

    stats = PpidStatistics(start=start, end=end)
    received = requests_received(start=start, end=end, kecamatan=kecamatan)
    months = Counter()
    for month in received.values_list("received_at", flat=True).iterator():
        months[timezone.localtime(month).month] += 1
    from django.utils.dates import MONTHS

    stats.by_month = [
        (str(MONTHS[m]), months.get(m, 0))
        for m in range(start.month, end.month + 1 if start.year == end.year else 13)
    ]
    stats.received = sum(months.values())
    stats.by_state = dict.fromkeys(RequestState.values, 0)
    utama = PpidSettings.load().utama_unit
    units: dict[str, dict] = {}
    for row in (
        received.order_by()
        .values("kecamatan_id", "kecamatan__name", "state")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))),
        )
    ):
        stats.by_state[row["state"]] += row["total"]
        unit = units.setdefault(
            row["kecamatan_id"] or UNIT_PEMDA,
            {
                "code": row["kecamatan_id"] or UNIT_PEMDA,
                "name": row["kecamatan__name"] or utama,
                "received": 0,
                "decided": 0,
                "on_time": 0,
                "granted": 0,
                "refused": 0,
            },
        )
        unit["received"] += row["total"]
        if row["state"] in DECISION_STATES:
            unit["decided"] += row["total"]
            unit["on_time"] += row["on_time"]
            stats.decided += row["total"]
            stats.on_time += row["on_time"]
        if row["state"] in (RequestState.GRANTED, RequestState.GRANTED_IN_PART):
            unit["granted"] += row["total"]
        if row["state"] == RequestState.REFUSED:
            unit["refused"] += row["total"]
    stats.by_unit = sorted(units.values(), key=lambda u: (u["code"] != UNIT_PEMDA, u["name"]))

    calendar = calendar_for(None)
    classes = Counter()
    for received_at, decided_at in (
        received.filter(state__in=DECISION_STATES)
        .values_list("received_at", "decided_at")
        .iterator()
    ):
        taken = working_days_taken(calendar, received_at=received_at, done_at=decided_at)
        for label, low, high in TIME_CLASSES:
            if taken >= low and (high is None or taken <= high):
                classes[label] += 1
                break
    stats.time_classes = [(label, classes.get(label, 0)) for label, _low, _high in TIME_CLASSES]
    stats.refused_by_ground = [
        (row["exception_ground__article"] or "—", row["total"])
        for row in received.filter(state=RequestState.REFUSED)
        .order_by()
        .values("exception_ground__article")
        .annotate(total=Count("pk"))
        .order_by("exception_ground__article")
    ]
    objections = objections_received(start=start, end=end, kecamatan=kecamatan)
    for row in (
        objections.order_by()
        .values("decision")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=Q(answered_at__lte=F("due_at"))))
    ):
        stats.objections += row["total"]
        stats.objections_by_decision[row["decision"] or ""] = row["total"]
        stats.objections_answered_on_time += row["on_time"]
    for row in (
        objections.filter(dispute__isnull=False)
        .order_by()
        .values("dispute__outcome")
        .annotate(total=Count("pk"))
    ):
        stats.disputes += row["total"]
        stats.disputes_by_outcome[row["dispute__outcome"]] = row["total"]
    return stats
