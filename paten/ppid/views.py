"""Public pages of the PPID: the public information list (DIP) with its entries and CSV,
the request form and its receipt, the tracker (status, the deadline, letters and answer
documents to download, withdrawal, objection) and the statistics.

No page shows the requester's identity, KTP, address or contact, and no URL carries
them; files are private and reach the requester only through the tracker (a POST with
the tracking code, so the code is not left in a URL of a file). Everything works without
JavaScript. Lookups by tracking code are rate-limited per client address, as the
application tracker.
"""

import csv
import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from forms_builder import tracking
from paten.files import private_file_response, private_headers
from paten.regions.selectors import installation_kecamatan
from paten.tabular import csv_text
from paten.tracker import CodeTracker, TrackForm

from . import deadlines, selectors, services
from .constants import (
    DECISION_STATES,
    GRANTING_STATES,
    OPEN_STATES,
    REQUESTER_FILE_KINDS,
    FileKind,
    InformationClass,
    ObjectionState,
    RequestChannel,
    RequestEventKind,
)
from .forms import ObjectionForm, RequestForm
from .models import DipCategory, PpidSettings
from .pdf import receipt_pdf
from .services import ActionRefused, RequestInput, tracker_path

PER_PAGE = 50
PAGE_CACHE_TIMEOUT = 60 * 60 * 24
CACHED_PARAMS = ("unit", "kelas", "kategori", "tahun", "halaman")


# -- the tracker (as forms_builder's) ---------------------------------------------------

TRACKER = CodeTracker(app="ppid", codes=tracking)


# -- the public information list -------------------------------------------------------


def _cache_key(request: HttpRequest, name: str, extra: str = "") -> str:
    params = [(key, str(request.GET.get(key, ""))[:40]) for key in CACHED_PARAMS]
    raw = "|".join(
        [
            str(selectors.dip_generation()),
            translation.get_language() or "",
            request.get_host(),
            name,
            extra,
            urlencode(params),
            timezone.localdate().isoformat(),  # serta-merta and flags change by date
        ]
    )
    return "ppid:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET.get("q")
        and not (request.user.is_authenticated)
    )


def _cached(name: str):
    """Serve a public DIP page from the cache keyed by the DIP generation (bumped on every
    publish, unpublish and change of what these pages show, see ``signals``)."""

    def decorator(view):
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _cache_key(request, name, "|".join(map(str, args + tuple(kwargs.values()))))
            hit = cache.get(key)
            if hit is not None:
                content_type, body = hit
                response = HttpResponse(body, content_type=content_type)
                response["X-DIP-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, (response["Content-Type"], response.content), PAGE_CACHE_TIMEOUT)
                response["X-DIP-Cache"] = "miss"
            return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return transaction.non_atomic_requests(wrapped)

    return decorator


@require_safe
@_cached("dip_list")
def dip_list(request: HttpRequest) -> HttpResponse:
    """The DIP of the pemda and every kecamatan: search and filters by class, category,
    year and unit, working without JavaScript."""
    kecamatan = list(installation_kecamatan())
    categories = list(DipCategory.objects.all())
    filters = selectors.dip_filters_from(request.GET, categories=categories, kecamatan=kecamatan)
    entries = selectors.dip_public_entries(filters=filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("halaman"))
    params = filters.as_params()
    return render(
        request,
        "ppid/dip_list.html",
        {
            "filters": filters,
            "page": page,
            "categories": categories,
            "kecamatan": kecamatan,
            "years": selectors.dip_years(),
            "classes": InformationClass.choices,
            "utama_unit": PpidSettings.load().utama_unit,
            "query": urlencode(params),
            "csv_query": urlencode(params),
            "unit_pemda": selectors.UNIT_PEMDA,
        },
    )


@require_safe
@_cached("dip_detail")
def dip_detail(request: HttpRequest, pk) -> HttpResponse:
    entry = selectors.dip_public_entry(pk=pk)
    if entry is None:
        raise Http404(_("No such public information."))
    documents = [] if entry.is_exempt else list(entry.documents.all())
    return render(
        request,
        "ppid/dip_detail.html",
        {"entry": entry, "documents": documents, "utama_unit": PpidSettings.load().utama_unit},
    )


CSV_HEADER = [
    "Nomor",
    "Judul",
    "Ringkasan isi informasi",
    "Jenis informasi",
    "Kategori",
    "Unit",
    "Pejabat/unit yang menguasai informasi",
    "Penanggung jawab pembuatan/penerbitan",
    "Waktu pembuatan",
    "Tempat pembuatan",
    "Bentuk informasi",
    "Jangka waktu penyimpanan",
    "Tahun",
    "Dasar pengecualian",
    "Dikecualikan sampai",
    "Alamat halaman",
]


@require_safe
def dip_csv(request: HttpRequest) -> HttpResponse:
    """The DIP as CSV (the minimum columns plus class, category, unit and year); an exempt
    entry gives its exception, never its content."""
    filters = selectors.dip_filters_from(request.GET)
    utama = PpidSettings.load().utama_unit
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="daftar-informasi-publik-{stamp}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8.
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for entry in selectors.dip_public_entries(filters=filters).iterator(chunk_size=1000):
        test = entry.consequence_test if entry.is_exempt else None
        writer.writerow(
            [
                csv_text(value)
                for value in (
                    entry.number,
                    entry.title,
                    "" if entry.is_exempt else entry.summary,
                    entry.get_information_class_display(),
                    entry.category.name,
                    entry.kecamatan.name if entry.kecamatan_id else utama,
                    entry.holding_unit,
                    entry.responsible,
                    entry.produced_on.isoformat() if entry.produced_on else "",
                    entry.produced_at,
                    entry.get_available_form_display(),
                    entry.retention,
                    entry.year,
                    str(test.ground) if test else "",
                    test.exempt_until.isoformat() if test else "",
                    request.build_absolute_uri(reverse("ppid:dip_detail", args=[entry.pk])),
                )
            ]
        )
    return response


# -- requests --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    """Request information online, without an account (Perki 1/2021 form)."""
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.request_submit(
                    data=RequestInput(
                        **{key: data.get(key) or "" for key in RequestInput.__dataclass_fields__}  # noqa: SLF001
                    ),
                    kecamatan=data.get("kecamatan"),
                    channel=RequestChannel.ONLINE,
                    identity_file=data.get("identity_file"),
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                return redirect("ppid:receipt", code=item.tracking_code)
    else:
        form = RequestForm()
    settings_ = PpidSettings.load()
    return render(
        request,
        "ppid/request_form.html",
        {"form": form, "ppid_settings": settings_},
        status=400 if request.method == "POST" else 200,
    )


def _attach(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        form.add_error(key if key in form.fields else None, messages)


def _by_code_or_404(code: str):
    try:
        normalised = tracking.parse(code)
    except tracking.TrackingCodeError:
        raise Http404 from None
    item = selectors.request_by_code(code=normalised)
    if item is None:
        raise Http404
    return item


def _tracker_url(request: HttpRequest, item) -> str:
    return request.build_absolute_uri(tracker_path(item.display_code))


def receipt(request: HttpRequest, code: str) -> HttpResponse:
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    item = _by_code_or_404(code)
    return render(
        request,
        "ppid/receipt.html",
        {"item": item, "tracker_url": _tracker_url(request, item), "unit": _unit(item)},
    )


def receipt_download(request: HttpRequest, code: str) -> HttpResponse:
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    item = _by_code_or_404(code)
    pdf = receipt_pdf(request=item, tracker_url=_tracker_url(request, item))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bukti-permohonan-{item.display_code}.pdf"'
    return private_headers(response)


def _unit(item) -> str:
    if item.kecamatan_id:
        return f"PPID Kecamatan {item.kecamatan.name}"
    return PpidSettings.load().utama_unit


PUBLIC_EVENTS = {
    RequestEventKind.RECEIVED,
    RequestEventKind.ROUTED,
    RequestEventKind.EXTENDED,
    RequestEventKind.DECIDED,
    RequestEventKind.WITHDRAWN,
    RequestEventKind.DOCUMENT_ADDED,
    RequestEventKind.OBJECTION_FILED,
    RequestEventKind.OBJECTION_ANSWERED,
}


def _status_context(item, *, objection_form=None, now=None) -> dict:
    """What the tracker shows: state, deadline, timeline, the requester's files and the
    objection; never the requester's identity or contact, nor staff notes."""
    now = now or timezone.now()
    files = [
        f
        for f in item.files.all()
        if f.kind in REQUESTER_FILE_KINDS
        and (f.kind != FileKind.ANSWER or item.state in GRANTING_STATES)
    ]
    objections = list(item.objections.all())
    open_objection = next((o for o in objections if o.state == ObjectionState.RECEIVED), None)
    answered = [o for o in objections if o.state == ObjectionState.ANSWERED]
    can_object = (
        item.state not in ("ditarik",)
        and open_objection is None
        and (item.state in DECISION_STATES or (item.state in OPEN_STATES and now > item.due_at))
    )
    objection_closes = None
    if can_object:
        arose = (
            timezone.localdate(item.decided_at)
            if item.state in DECISION_STATES
            else timezone.localdate(item.due_at)
        )
        objection_closes = deadlines.objection_filing_deadline(
            services.calendar_for(item.kecamatan_id), ground_arose_on=arose
        )
        if now > objection_closes:
            can_object = False
    return {
        "item": item,
        "unit": _unit(item),
        "timeline": [
            {"at": event.at, "label": event.get_kind_display()}
            for event in item.events.all()
            if event.kind in PUBLIC_EVENTS
        ],
        "files": files,
        "overdue": item.is_overdue(now),
        "can_withdraw": item.state in OPEN_STATES,
        "can_object": can_object,
        "objection_closes": objection_closes,
        "objection_form": objection_form if objection_form is not None else ObjectionForm(),
        "open_objection": open_objection,
        "answered_objections": answered,
        "exception_ground": item.exception_ground,
    }


# The lookup changes nothing (it reads a code and redirects), so it needs no CSRF token,
# and the bare lookup page stays compressible (paten/compression.py), as the application
# tracker's.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """The tracker's lookup: the code is posted, then the status lives at
    /permohonan-informasi/lacak/<code>/, a path segment the logs redact
    (paten/log_redaction.py); an old ``?kode=`` link is sent on to the same address."""
    return TRACKER.lookup(request)


@require_GET
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    """The public tracker: status, the deadline the PPID must keep, letters and answers."""
    return TRACKER.status(
        request,
        code,
        find=lambda normalised: selectors.request_by_code(code=normalised),
        not_found=_("No request has this code. Check it against your receipt."),
        describe=lambda item: {
            **_status_context(item),
            "objection_sent": request.GET.get("keberatan") == "1",
        },
    )


def _tracker_redirect(item, suffix: str = "") -> HttpResponse:
    return redirect(f"{tracker_path(item.display_code)}{suffix}")


@require_POST
def track_download(request: HttpRequest) -> HttpResponse:
    """A letter or answer document, for the holder of the tracking code."""
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    item = _by_code_or_404(request.POST.get("kode", ""))
    wanted = request.POST.get("berkas", "")
    record = next((f for f in _status_context(item)["files"] if str(f.pk) == wanted), None)
    if record is None:
        raise Http404
    return private_file_response(
        record.file.open("rb"),
        filename=f"{record.get_kind_display()}-{item.display_code}{_ext(record)}".replace(" ", "-"),
        content_type=record.content_type,
    )


def _ext(record) -> str:
    import os

    return os.path.splitext(record.file.name)[1]


@require_POST
def track_withdraw(request: HttpRequest) -> HttpResponse:
    """The requester withdraws; holding the code is the authorisation."""
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    item = _by_code_or_404(request.POST.get("kode", ""))
    try:
        services.request_withdraw(request=item)
    except ValidationError:
        pass  # the tracker shows the state as it is
    return _tracker_redirect(item)


@require_POST
def track_objection(request: HttpRequest) -> HttpResponse:
    """File an objection from the tracker; a refusal re-shows the tracker with the reason."""
    if not TRACKER.lookup_allowed(request):
        return TRACKER.too_many(request)
    item = _by_code_or_404(request.POST.get("kode", ""))
    form = ObjectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_file(
                request=item,
                ground=data["ground"],
                reasons=data["reasons"],
                proxy_name=data.get("proxy_name", ""),
                proxy_address=data.get("proxy_address", ""),
            )
        except ActionRefused as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _attach(form, error)
        else:
            return _tracker_redirect(item, "?keberatan=1")
    item = selectors.request_by_code(code=item.tracking_code)
    context = {"form": TrackForm(initial={"kode": item.display_code})}
    context.update(_status_context(item, objection_form=form))
    return render(request, "ppid/track.html", context, status=400)


# -- statistics ------------------------------------------------------------------------


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """Requests, the on-time rate and the outcomes per year and per unit, with charts
    drawn by the server; counts only (no request is identifiable)."""
    from datetime import date

    from .charts import count_chart, on_time_chart
    from .constants import RequestState

    today = timezone.localdate()
    raw_year = str(request.GET.get("tahun", "")).strip()
    year = (
        int(raw_year) if raw_year.isdigit() and 2008 <= int(raw_year) <= today.year else today.year
    )
    kecamatan = list(installation_kecamatan())
    unit = str(request.GET.get("unit", "")).strip()
    if unit != selectors.UNIT_PEMDA and unit not in {k.code for k in kecamatan}:
        unit = ""
    stats = selectors.ppid_statistics(
        start=date(year, 1, 1), end=min(date(year, 12, 31), today), kecamatan=unit or None
    )
    outcomes = [
        (RequestState(state).label, stats.by_state.get(state, 0)) for state in RequestState.values
    ]
    return render(
        request,
        "ppid/statistics.html",
        {
            "year": year,
            "years": list(range(today.year, max(2008, today.year - 6) - 1, -1)),
            "unit": unit,
            "kecamatan": kecamatan,
            "unit_pemda": selectors.UNIT_PEMDA,
            "utama_unit": PpidSettings.load().utama_unit,
            "stats": stats,
            "outcomes": outcomes,
            "on_time_chart": on_time_chart(stats),
            "month_chart": count_chart(
                stats.by_month, title=_("Requests per month"), chart_id="ppid-bulan"
            ),
            "outcome_chart": count_chart(
                outcomes, title=_("Requests by state"), chart_id="ppid-keputusan"
            ),
        },
    )
