"""Public trackers by code: the lookup form, the status page and their rate limit.

The application tracker (forms_builder) and the information-request tracker (ppid) work
alike. The code authorises what the tracker offers (cancelling, uploading, downloading
letters), so it never travels in a query string, which access logs keep: the lookup
reads it from a POST (or an old ``?kode=`` link) and redirects to the status page, whose
path segment the logs redact (paten/log_redaction.py). Every lookup by code counts
against a per-client rate limit (paten/network.py), so codes cannot be guessed there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paten.network import within_rate

#: Lookups per client and window (seconds) when the setting is not given.
DEFAULT_LOOKUP_RATE = (20, 600)


def tracker_path(app: str, display_code: str) -> str:
    """The tracker page of one code in ``app``: the code is a path segment the logs redact
    (paten/log_redaction.py), never a query parameter."""
    return reverse(f"{app}:track_code", args=[display_code])


def tracker_url(app: str, display_code: str) -> str:
    """The tracker page as an absolute URL, for messages and printed QR codes: on the
    setting ``<APP>_PUBLIC_BASE_URL``, or the admin's base URL."""
    base = getattr(settings, f"{app.upper()}_PUBLIC_BASE_URL", settings.WAGTAILADMIN_BASE_URL)
    return f"{base.rstrip('/')}{tracker_path(app, display_code)}"


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=gettext_lazy("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


@dataclass(frozen=True)
class CodeTracker:
    """The public tracker of one app: its page is ``<app>/track.html``, its rate limit
    the setting ``<APP>_LOOKUP_RATE`` (lookups, window in seconds) counted in the scope
    ``<app>:lookup``.

    ``codes`` reads the codes: ``parse`` normalises a typed code or raises
    ``TrackingCodeError`` (whose ``message`` a citizen reads), ``display`` writes a
    normalised code as the tracker's path shows it.
    """

    app: str
    codes: ModuleType

    def path(self, display_code: str) -> str:
        return tracker_path(self.app, display_code)

    @property
    def template(self) -> str:
        return f"{self.app}/track.html"

    def rate(self) -> tuple[int, int]:
        return getattr(settings, f"{self.app.upper()}_LOOKUP_RATE", DEFAULT_LOOKUP_RATE)

    def lookup_allowed(self, request: HttpRequest) -> bool:
        """Count one lookup for the client; False once over the limit in the window."""
        return within_rate(request, scope=f"{self.app}:lookup", rate=self.rate())

    def too_many(self, request: HttpRequest, context: dict | None = None) -> HttpResponse:
        """The tracker page saying the client is over its limit (429, with Retry-After)."""
        context = {"form": TrackForm(), **(context or {})}
        context["error"] = _(
            "Too many lookups from your connection. Please wait ten minutes and try again."
        )
        response = render(request, self.template, context, status=429)
        response["Retry-After"] = str(self.rate()[1])
        return response

    def lookup(self, request: HttpRequest) -> HttpResponse:
        """The lookup view: an empty form, the reason a code cannot be valid, or the
        redirect to the code's status page (permanent for an old ``?kode=`` link)."""
        raw = (request.POST if request.method == "POST" else request.GET).get("kode", "").strip()
        context: dict = {"form": TrackForm(initial={"kode": raw})}
        if not raw:
            return render(request, self.template, context)
        try:
            code = self.codes.parse(raw)
        except self.codes.TrackingCodeError as error:
            # Counted like a lookup, so guessing codes here is as limited as at the tracker.
            if not self.lookup_allowed(request):
                return self.too_many(request, context)
            context["error"] = error.message
            return render(request, self.template, context, status=400)
        return redirect(self.path(self.codes.display(code)), permanent=request.method == "GET")

    def status(
        self,
        request: HttpRequest,
        code: str,
        *,
        find: Callable[[str], Any],
        not_found: str,
        describe: Callable[[Any], dict],
    ) -> HttpResponse:
        """The status view of ``code``: counted against the limit, sent on to the code's
        display form, ``not_found`` (404) when ``find`` returns None, else the tracker
        page with ``describe(item)`` in its context."""
        context: dict = {"form": TrackForm(initial={"kode": code})}
        if not self.lookup_allowed(request):
            return self.too_many(request, context)
        try:
            normalised = self.codes.parse(code)
        except self.codes.TrackingCodeError as error:
            context["error"] = error.message
            return render(request, self.template, context, status=400)
        if code != self.codes.display(normalised):
            return redirect(self.path(self.codes.display(normalised)), permanent=True)
        item = find(normalised)
        if item is None:
            context["error"] = not_found
            return render(request, self.template, context, status=404)
        context.update(describe(item))
        return render(request, self.template, context)
