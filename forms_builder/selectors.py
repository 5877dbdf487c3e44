"""Reads of applications: the staff work queue (the permission and the scope, asked of
``permissions``), the public lookups, and the services most applied for (the home
page)."""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from paten.accounts.constants import Role
from paten.accounts.selectors import kecamatan_scope_for, roles_of
from paten.regions.models import Region
from service_catalog.models import ServicePage
from service_catalog.selectors import (
    catalog_generation,
    kecamatan_offering,
    service_for_application,
)

from . import tracking
from .models import Application, ApplicationEvent, Attachment, FormVersion, PersonalDataAccess
from .models.application import nik_digest
from .permissions import applications_visible_to
from .workflow import DONE_STATES


@dataclass(frozen=True)
class ServiceApplying:
    """What applying for a service reads before the applicant's own input: the live
    service (delegation, overrides, documents and steps prefetched), its current form
    and the kecamatan offering it today (empty when nowhere)."""

    service: ServicePage
    form_version: FormVersion | None
    offering: tuple[Region, ...]


_applying: dict[str, ServiceApplying] = {}
_applying_key: tuple | None = None
_applying_lock = threading.Lock()


def service_applying(*, code: str) -> ServiceApplying | None:
    """The service ``code`` as the apply page and its submissions need it, or None when
    no live, public service has that code.

    Kept in this process per catalog generation and local date: every change that can
    alter the answer (publishing a page or a form version, a document, a step, an
    override, a delegation, a view restriction, a region) bumps the generation
    (``service_catalog.signals``), and the offering depends on the date. A busy counter
    day then reads the catalog once per process, not six statements per submission.
    The objects are shared: callers read them and never change them.
    """
    global _applying_key
    key = (catalog_generation(), timezone.localdate())
    with _applying_lock:
        if key != _applying_key:
            _applying.clear()
            _applying_key = key
        found = _applying.get(code)
    if found is not None:
        return found
    service = service_for_application(code=code)
    if service is None:
        return None  # unknown codes are not kept: anyone can ask for any number of them
    found = ServiceApplying(
        service=service,
        form_version=FormVersion.objects.current_for(service),
        offering=tuple(kecamatan_offering(service, on=key[1])),
    )
    with _applying_lock:
        if key == _applying_key:
            _applying[code] = found
    return found


# A search shorter than this finds nothing (a name needs three letters).
SEARCH_MIN_LENGTH = 3


def overdue_q(now=None) -> Q:
    """Past the due date of the service standard while the kecamatan's work is not done
    (the queue's "overdue" filter and the dashboard's count)."""
    return Q(due_at__lt=now or timezone.now()) & ~Q(state__in=DONE_STATES)


def looks_like_nik(query: str) -> bool:
    """Sixteen digits, whatever separators were typed between them."""
    digits = "".join(ch for ch in query if ch.isdigit())
    return len(digits) == 16 and not any(ch.isalpha() for ch in query)


def search_q(query: str) -> Q | None:
    """What a queue search for ``query`` matches: a NIK exactly (by its digest), or a
    tracking code (whole, or its first symbols), or part of the applicant's name.
    None for a query too short to search with."""
    query = " ".join((query or "").split())
    if len(query) < SEARCH_MIN_LENGTH:
        return None
    if looks_like_nik(query):
        return Q(applicant_nik_digest=nik_digest("".join(ch for ch in query if ch.isdigit())))
    match = Q(applicant_name__icontains=query)
    code = tracking.normalise(query)
    if len(code) >= 4 and all(symbol in tracking.ALPHABET for symbol in code):
        match |= Q(tracking_code__startswith=code)
    return match


def application_list_for_user(
    *,
    user,
    search: str | None = None,
    state: str | None = None,
    states: Iterable[str] | None = None,
    service_id=None,
    overdue: bool = False,
    submitted_on: date | None = None,
    now=None,
) -> QuerySet:
    """The applications of the kecamatan ``user`` works in, for the work queue: matching
    ``search`` (``search_q``; nothing for a too short one), in one ``state`` or any of
    ``states``, of one service, overdue, or submitted on one local day.

    One query whatever the number of rows (service and kecamatan joined).
    """
    queryset = applications_visible_to(
        user, Application.objects.select_related("service", "kecamatan")
    )
    if search is not None:
        match = search_q(search)
        queryset = queryset.filter(match) if match is not None else queryset.none()
    if state:
        queryset = queryset.filter(state=state)
    if states is not None:
        queryset = queryset.filter(state__in=list(states))
    if service_id:
        queryset = queryset.filter(service_id=service_id)
    if submitted_on is not None:
        start = timezone.make_aware(datetime.combine(submitted_on, time.min))
        queryset = queryset.filter(
            submitted_at__gte=start,
            submitted_at__lt=timezone.make_aware(
                datetime.combine(submitted_on + timedelta(days=1), time.min)
            ),
        )
    if overdue:
        queryset = queryset.filter(overdue_q(now))
    # Open work first, the earliest due first; applications with no due date last.
    done = Case(When(state__in=DONE_STATES, then=Value(1)), default=Value(0))
    return queryset.order_by(done, F("due_at").asc(nulls_last=True), "-submitted_at")


def application_get_for_user(*, user, pk) -> Application | None:
    """One application with everything the detail page shows, or None outside scope."""
    return (
        application_list_for_user(user=user)
        .select_related("form_version", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
            "attachments",
            "service__procedure_steps",
        )
        .filter(pk=pk)
        .first()
    )


def attachment_get_for_user(*, user, pk) -> Attachment | None:
    scoped = applications_visible_to(
        user, Attachment.objects.select_related("application"), field="application__kecamatan"
    )
    return scoped.filter(pk=pk).first()


def application_by_code(*, code: str) -> Application | None:
    """For the public tracker: the application with a normalised tracking code."""
    return (
        Application.objects.select_related("service", "kecamatan", "form_version")
        .prefetch_related("events", "service__procedure_steps")
        .filter(tracking_code=code)
        .first()
    )


def application_by_token(*, token: str) -> Application | None:
    if not token:
        return None
    return (
        Application.objects.select_related("service", "kecamatan")
        .filter(verification_token=token, result_number__isnull=False)
        .first()
    )


def personal_data_access_list_for_user(
    *, user, start: date | None = None, end: date | None = None, username: str = ""
) -> QuerySet:
    """The personal-data reads ``user`` may review, newest first: every one for the
    pemda administrator, those of their kecamatan's data subjects for a camat; within a
    local-date period and by one staff username (exact, case-insensitive)."""
    queryset = PersonalDataAccess.objects.select_related("kecamatan").order_by("-at", "pk")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    # As permissions.user_may_review_personal_data_access: the pemda administrator
    # reviews every read, a camat those of their kecamatan, nobody else any.
    if not user.is_superuser and Role.ADMIN_PEMDA not in roles_of(user):
        if Role.CAMAT not in roles_of(user):
            return queryset.none()
        queryset = kecamatan_scope_for(user).filter(queryset, field="kecamatan")
    if start is not None:
        queryset = queryset.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end is not None:
        queryset = queryset.filter(
            at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        )
    if username:
        queryset = queryset.filter(actor_username__iexact=username.strip())
    return queryset


POPULAR_CACHE_SECONDS = 60 * 60


def popular_services(*, limit: int = 6, days: int = 365) -> list:
    """The live services most applied for in the last ``days`` days, most first; the
    catalog's first services fill the list while there are fewer applications.

    Cached for an hour per catalog generation, so a publish shows at once.
    """
    key = f"paten_site:popular:{catalog_generation()}:{limit}:{days}"
    ids = cache.get(key)
    if ids is None:
        since = timezone.now() - timezone.timedelta(days=days)
        # Superseded services (no longer in effect) are never suggested.
        live = ServicePage.objects.live().public().exclude(effective_until__lt=timezone.localdate())
        counted = (
            Application.objects.filter(submitted_at__gte=since, service__in=live)
            .values("service")
            .annotate(n=Count("id"))
            .order_by("-n", "service")
            .values_list("service", flat=True)[:limit]
        )
        ids = list(counted)
        if len(ids) < limit:
            ids += list(
                live.exclude(pk__in=ids)
                .order_by("path")
                .values_list("pk", flat=True)[: limit - len(ids)]
            )
        cache.set(key, ids, POPULAR_CACHE_SECONDS)
    by_id = {
        service.pk: service
        for service in ServicePage.objects.live()
        .public()
        .filter(pk__in=ids)
        .select_related("category")
    }
    return [by_id[pk] for pk in ids if pk in by_id]
