"""Public pages of the satisfaction survey (SKM) and of its results (IKM).

The questionnaire by tracking code and at the kiosk: no JavaScript and no personal data
beyond the applicant's initials, as on the tracker. Every rule (a finished application,
one response per application, the kiosk limits) belongs to
``reporting.survey.services``; these views only show its answers. Lookups by tracking
code share the tracker's rate limit.

The published IKM results of a period, as a page and as CSV: both read
``reporting.survey.publication.ikm_publication``.
"""

import csv
import hashlib
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from forms_builder import tracking
from forms_builder.selectors import application_by_code
from forms_builder.views import TRACKER
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan
from paten.tabular import csv_text
from paten.tracker import TrackForm
from reporting.models import SurveyKiosk, SurveyPeriod, SurveyResponse, SurveySettings
from reporting.survey.charts import Chart, trend_chart, trend_row, unsur_chart, unsur_rows
from reporting.survey.constants import PeriodKind, SurveyChannel
from reporting.survey.forms import SurveyForm
from reporting.survey.ikm import UNSUR, UNSUR_KEYS
from reporting.survey.publication import (
    IkmPublication,
    Level,
    ikm_generation,
    ikm_publication,
)
from reporting.survey.selectors import period_default, published_periods
from reporting.survey.services import (
    ROMAN,
    SURVEYABLE_STATES,
    SurveyInputError,
    kiosk_check,
    survey_response_submit,
    survey_version_current,
)
from service_catalog.selectors import kecamatan_by_code, services_offered_in

#: Seconds the kiosk's thank-you screen stays before a blank questionnaire returns.
KIOSK_REFRESH_SECONDS = 8


def _too_many(request: HttpRequest) -> HttpResponse:
    context = {
        "form": TrackForm(),
        "error": _("Too many lookups from your connection. Please wait ten minutes and try again."),
    }
    return render(request, "reporting/survey/start.html", context, status=429)


def _closed(
    request: HttpRequest,
    *,
    message: str,
    status: int,
    application=None,
    heading: str | None = None,
    is_error: bool = True,
) -> HttpResponse:
    context = {
        "heading": heading or _("Satisfaction survey"),
        "message": message,
        "application": application,
        "is_error": is_error,
    }
    return render(request, "reporting/survey/closed.html", context, status=status)


def _already(request: HttpRequest, application, *, status: int = 200) -> HttpResponse:
    return _closed(
        request,
        heading=_("Thank you!"),
        message=_("You have already filled in the survey for this application. Thank you!"),
        application=application,
        status=status,
        is_error=False,
    )


def _ikm_url() -> str:
    # The public IKM page is optional for this view: link it only when it is installed.
    try:
        return reverse("reporting:ikm")
    except NoReverseMatch:
        return ""


# -- by tracking code ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey_start(request: HttpRequest) -> HttpResponse:
    """Type the tracking code; a well-formed code goes on to its questionnaire.

    The code is posted, never put in a query string (the code authorises the survey,
    and access logs keep query strings); it travels on as a path segment that the log
    redaction covers (``paten.log_redaction``). An old link's ``?kode=`` still works.
    Only the code's shape is checked here (no database lookup, so no rate limit): the
    questionnaire page does the rate-limited lookup.
    """
    data = request.POST if request.method == "POST" else request.GET
    raw = data.get("kode", "").strip()
    form = TrackForm(data or None)
    if not raw:
        return render(request, "reporting/survey/start.html", {"form": form})
    try:
        code = tracking.parse(raw)
    except tracking.TrackingCodeError as error:
        context = {"form": form, "error": error.message}
        return render(request, "reporting/survey/start.html", context, status=400)
    return redirect("reporting:survey", code=code)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """Answer the questionnaire once for a finished or handed-over application."""
    if not TRACKER.lookup_allowed(request):
        return _too_many(request)
    try:
        normalised = tracking.parse(code)
    except tracking.TrackingCodeError as error:
        return _closed(request, message=error.message, status=404)
    application = application_by_code(code=normalised)
    if application is None:
        return _closed(
            request,
            message=_("No application has this code. Check it against your receipt."),
            status=404,
        )
    if request.method == "GET" and code != normalised:
        return redirect("reporting:survey", code=normalised)
    refused = 200 if request.method == "GET" else 409
    if application.state not in SURVEYABLE_STATES:
        return _closed(
            request,
            message=_(
                "Your application is not finished yet. The survey opens once it is "
                "finished; please come back when the tracker shows it as finished."
            ),
            application=application,
            status=refused,
        )
    if SurveyResponse.objects.filter(application=application).exists():
        return _already(request, application, status=refused)

    form = SurveyForm(
        version=survey_version_current(),
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_response_submit(
                channel=SurveyChannel.TRACKING, application=application, **form.submit_kwargs()
            )
        except SurveyInputError as error:
            # A second tab or a double click may have saved it first (one per application).
            if SurveyResponse.objects.filter(application=application).exists():
                return _already(request, application, status=409)
            form.add_error(None, error)
        else:
            return redirect("reporting:survey_thanks")
    context = {"application": application, "form": form, "intro": SurveySettings.load().intro}
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/survey/answer.html", context, status=status)


@require_GET
def survey_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/survey/thanks.html", {"ikm_url": _ikm_url()})


# -- kiosk ----------------------------------------------------------------------------


def _kiosk_or_404(token: str) -> SurveyKiosk:
    kiosk = (
        SurveyKiosk.objects.select_related("kecamatan").filter(token=token, is_active=True).first()
    )
    if kiosk is None:
        raise Http404
    return kiosk


def _kiosk_limited(kiosk: SurveyKiosk) -> ValidationError | None:
    try:
        kiosk_check(kiosk=kiosk)
    except SurveyInputError as error:
        return error
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """The counter tablet: choose the service, answer, send; the limits are the service's."""
    kiosk = _kiosk_or_404(token)
    form = SurveyForm(
        version=survey_version_current(),
        services=sorted(services_offered_in(kiosk.kecamatan), key=lambda s: s.title),
        data=request.POST if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            limited = _kiosk_limited(kiosk)
            if limited is not None:
                form.add_error(None, limited)
                status = 429
            else:
                try:
                    survey_response_submit(
                        channel=SurveyChannel.KIOSK,
                        kiosk=kiosk,
                        service=form.service(),
                        **form.submit_kwargs(),
                    )
                except SurveyInputError as error:
                    form.add_error(None, error)
                    status = 429 if _kiosk_limited(kiosk) is not None else 400
                else:
                    return redirect("reporting:kiosk_thanks", token=kiosk.token)
    context = {"kiosk": kiosk, "form": form, "intro": SurveySettings.load().intro}
    return render(request, "reporting/survey/kiosk.html", context, status=status)


@require_GET
def kiosk_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank-you screen; a meta refresh brings back a blank questionnaire (no JavaScript)."""
    kiosk = _kiosk_or_404(token)
    context = {"kiosk": kiosk, "refresh_seconds": KIOSK_REFRESH_SECONDS}
    return render(request, "reporting/survey/kiosk_thanks.html", context)


# -- published IKM results ------------------------------------------------------------

#: Seconds a rendered page is kept; ``REPORTING_IKM_CACHE_SECONDS = 0`` turns it off.
DEFAULT_CACHE_SECONDS = 300


def _cache_seconds() -> int:
    return getattr(settings, "REPORTING_IKM_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def _period_or_404(slug: str) -> SurveyPeriod:
    period = published_periods().filter(slug=slug).first()
    if period is None:
        raise Http404(_("There are no published survey results for this period."))
    return period


def _kecamatan_or_404(request: HttpRequest, everywhere: list[Region]) -> Region | None:
    code = str(request.GET.get("kecamatan", "")).strip()
    if not code:
        return None
    kecamatan = kecamatan_by_code(code[:20], all_kecamatan=everywhere)
    if kecamatan is None:
        raise Http404(_("Unknown kecamatan code."))
    return kecamatan


def period_axis_lines(period: SurveyPeriod) -> tuple[str, ...]:
    """A period's label split over short lines for the trend chart's axis."""
    if period.kind == PeriodKind.QUARTER and period.number in ROMAN:
        return (_("Qtr %(roman)s") % {"roman": ROMAN[period.number]}, str(period.year))
    if period.kind == PeriodKind.SEMESTER and period.number in ROMAN:
        return (_("Sem. %(roman)s") % {"roman": ROMAN[period.number]}, str(period.year))
    if period.kind == PeriodKind.YEAR:
        return (str(period.year),)
    return (f"{period.start_date:%d/%m/%y}", f"{period.end_date:%d/%m/%y}")


def publication_charts(publication: IkmPublication) -> tuple[Chart | None, Chart | None]:
    figure = publication.figure
    unsur = None
    if figure.result is not None:
        unsur = unsur_chart(
            unsur_rows(figure.result),
            title=_("Converted value per unsur, %(name)s, %(period)s")
            % {"name": figure.name, "period": publication.period},
            chart_id="ikm-unsur",
        )
    trend = None
    if any(point.figure.has_result for point in publication.trend):
        trend = trend_chart(
            [
                trend_row(
                    label=str(point.period),
                    result=point.figure.result,
                    lines=period_axis_lines(point.period),
                    current=point.current,
                    key=point.period.slug,
                )
                for point in publication.trend
            ],
            title=_("IKM per period, %(name)s") % {"name": figure.name},
            chart_id="ikm-trend",
        )
    return unsur, trend


def _render_page(request: HttpRequest, slug: str | None) -> HttpResponse:
    period = _period_or_404(slug) if slug else period_default()
    if period is None:
        return render(request, "reporting/public/ikm_none.html", {})
    everywhere = installation_kecamatan()
    kecamatan = _kecamatan_or_404(request, everywhere)
    config = SurveySettings.load(request_or_site=request)
    publication = ikm_publication(
        period=period, kecamatan=kecamatan, config=config, all_kecamatan=everywhere
    )
    unsur, trend = publication_charts(publication)
    query = f"?{urlencode({'kecamatan': kecamatan.code})}" if kecamatan else ""
    return render(
        request,
        "reporting/public/ikm.html",
        {
            "publication": publication,
            "period": period,
            "figure": publication.figure,
            "area": publication.area,
            "kecamatan": kecamatan,
            "unsur_chart": unsur,
            "trend_chart": trend,
            "periods": list(published_periods()),
            "all_kecamatan": everywhere,
            "csv_url": reverse("reporting:ikm_csv", args=[period.slug]) + query,
            "api_url": reverse("reporting:api_ikm_period", args=[period.slug]) + query,
            "period_url": reverse("reporting:ikm_period", args=[period.slug]),
        },
    )


def _page_cache_key(request: HttpRequest, slug: str | None) -> str | None:
    # Only the addresses the page links to are cached (no other parameters), so odd
    # query strings can neither fill the cache nor end up in a cached language link.
    if set(request.GET) - {"kecamatan"} or request.GET.getlist("kecamatan")[1:]:
        return None
    raw = "|".join(
        [
            ikm_generation(),
            translation.get_language() or "",
            request.get_host(),
            request.path,
            slug or f"default:{timezone.localdate().isoformat()}",
            str(request.GET.get("kecamatan", ""))[:20],
        ]
    )
    return "reporting:ikm:" + hashlib.sha256(raw.encode()).hexdigest()


@require_safe
@transaction.non_atomic_requests
def ikm_page(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The public IKM results of a published period (the default period at ``/ikm/``).

    ``?kecamatan=<code>`` shows one kecamatan; ``?periode=<slug>`` (the period chooser,
    a plain GET form) redirects to that period's address. The rendered page is cached
    for ``REPORTING_IKM_CACHE_SECONDS`` under a key that includes ``ikm_generation()``,
    so a new response or plan shows at once. Not wrapped in a transaction: it only reads.
    """
    chosen = str(request.GET.get("periode", "")).strip()
    if chosen:
        period = _period_or_404(chosen[:40])
        _kecamatan_or_404(request, installation_kecamatan())
        target = reverse("reporting:ikm_period", args=[period.slug])
        code = str(request.GET.get("kecamatan", "")).strip()
        return redirect(target + (f"?{urlencode({'kecamatan': code})}" if code else ""))
    seconds = _cache_seconds()
    key = _page_cache_key(request, slug) if seconds > 0 else None
    if key is not None:
        body = cache.get(key)
        if body is not None:
            response = HttpResponse(body)
            response["X-IKM-Cache"] = "hit"
            return response
    response = _render_page(request, slug)
    if key is not None and response.status_code == 200 and not response.cookies:
        cache.set(key, response.content.decode(response.charset), seconds)
        response["X-IKM-Cache"] = "miss"
    return response


# -- CSV ------------------------------------------------------------------------------


def _csv_number(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _nrr(key: str) -> Callable:
    return lambda period, figure: _csv_number(
        next((row.nrr for row in figure.unsur if row.key == key), None)
    )


def _service(attribute: str) -> Callable:
    return lambda period, figure: csv_text(
        getattr(figure, attribute) if figure.level == Level.SERVICE else ""
    )


#: The CSV's columns: a header and the cell of one slice (its period and figure). Decimals
#: use a point (machine-readable); text cells are protected against spreadsheet formulas.
CSV_COLUMNS: tuple[tuple[str, Callable], ...] = (
    ("period", lambda period, figure: csv_text(period.name or period.slug)),
    ("period_start", lambda period, figure: period.start_date.isoformat()),
    ("period_end", lambda period, figure: period.end_date.isoformat()),
    ("level", lambda period, figure: str(figure.level)),
    ("kecamatan_code", lambda period, figure: csv_text(figure.kecamatan_code)),
    ("kecamatan", lambda period, figure: csv_text(figure.kecamatan_name)),
    ("service_code", _service("code")),
    ("service", _service("name")),
    ("respondents", lambda period, figure: str(figure.respondents)),
    ("population", lambda period, figure: str(figure.population)),
    ("min_sample", lambda period, figure: str(figure.min_sample)),
    ("adequate", lambda period, figure: "true" if figure.adequate else "false"),
    *((f"U{UNSUR[key].questionnaire_number} {key}", _nrr(key)) for key in UNSUR_KEYS),
    ("ikm", lambda period, figure: _csv_number(figure.ikm)),
    ("ikm_konversi", lambda period, figure: _csv_number(figure.ikm_konversi)),
    ("mutu", lambda period, figure: figure.mutu),
    ("kinerja", lambda period, figure: csv_text(figure.kinerja)),
)
#: The columns of the earlier template's figures, when the settings show them.
CSV_TEMPLATE_COLUMNS: tuple[tuple[str, Callable], ...] = (
    ("ikm_template_0111", lambda period, figure: _csv_number(figure.template_ikm)),
    (
        "ikm_konversi_template_0111",
        lambda period, figure: _csv_number(figure.template_ikm_konversi),
    ),
    ("mutu_template_0111", lambda period, figure: figure.template_mutu),
)


def _csv_columns(*, show_template: bool) -> tuple[tuple[str, Callable], ...]:
    return CSV_COLUMNS + CSV_TEMPLATE_COLUMNS if show_template else CSV_COLUMNS


def csv_header(*, show_template: bool) -> list[str]:
    return [name for name, _cell in _csv_columns(show_template=show_template)]


def csv_rows(publication: IkmPublication) -> list[list[str]]:
    """One row per slice: the kabupaten/kota (or the chosen kecamatan), every kecamatan,
    and the services whose figure is published."""
    if publication.kecamatan is None:
        figures = [publication.area, *publication.by_kecamatan, *publication.services]
    else:
        figures = [publication.figure, *publication.services]
    columns = _csv_columns(show_template=publication.show_template)
    return [[cell(publication.period, figure) for _name, cell in columns] for figure in figures]


@require_safe
@transaction.non_atomic_requests
def ikm_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The published figures of a period as CSV (UTF-8 with BOM, for Excel)."""
    period = _period_or_404(slug)
    everywhere = installation_kecamatan()
    kecamatan = _kecamatan_or_404(request, everywhere)
    publication = ikm_publication(
        period=period,
        kecamatan=kecamatan,
        config=SurveySettings.load(request_or_site=request),
        all_kecamatan=everywhere,
        with_details=False,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{kecamatan.code}" if kecamatan else ""
    response["Content-Disposition"] = f'attachment; filename="ikm-{period.slug}{suffix}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8.
    writer = csv.writer(response)
    writer.writerow(csv_header(show_template=publication.show_template))
    writer.writerows(csv_rows(publication))
    return response
