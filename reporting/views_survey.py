"""Public pages of the satisfaction survey (SKM, issue #5): by tracking code and at the kiosk.

No JavaScript and no personal data beyond the applicant's initials, as on the tracker.
Every rule (a finished application, one response per application, the kiosk limits)
belongs to ``reporting.services.survey``; these views only show its answers. Lookups
by tracking code share the tracker's rate limit.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from forms_builder import tracking
from forms_builder.selectors import application_by_code
from forms_builder.views import TrackForm, lookup_allowed
from service_catalog.selectors import services_offered_in

from .constants import SurveyChannel
from .forms import SurveyForm
from .models import SurveyKiosk, SurveyResponse, SurveySettings
from .services.survey import (
    SURVEYABLE_STATES,
    SurveyInputError,
    kiosk_check,
    survey_response_submit,
    survey_version_current,
)

#: Seconds the kiosk's thank-you screen stays before a blank questionnaire returns.
KIOSK_REFRESH_SECONDS = 8


def _code_error(error: tracking.TrackingCodeError) -> str:
    if error.reason == "check":
        return _(
            "This code has a typing mistake: one character is wrong or two are swapped. "
            "Check it against your receipt."
        )
    return _(
        "A tracking code has 10 letters and digits, like ABCD-EFGH-JK. "
        "Check it against your receipt."
    )


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


@require_GET
def survey_start(request: HttpRequest) -> HttpResponse:
    """Type the tracking code; a well-formed code goes on to its questionnaire.

    Only the code's shape is checked here (no database lookup, so no rate limit):
    the questionnaire page does the rate-limited lookup.
    """
    raw = request.GET.get("kode", "").strip()
    form = TrackForm(request.GET or None)
    if not raw:
        return render(request, "reporting/survey/start.html", {"form": form})
    try:
        code = tracking.parse(raw)
    except tracking.TrackingCodeError as error:
        context = {"form": form, "error": _code_error(error)}
        return render(request, "reporting/survey/start.html", context, status=400)
    return redirect("reporting:survey", code=code)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """Answer the questionnaire once for a finished or handed-over application."""
    if not lookup_allowed(request):
        return _too_many(request)
    try:
        normalised = tracking.parse(code)
    except tracking.TrackingCodeError as error:
        return _closed(request, message=_code_error(error), status=404)
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
