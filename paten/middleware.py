"""Refuse a request body larger than ``PATEN_MAX_REQUEST_MB`` before anything reads it.

Django limits the non-file part of a body (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams
uploaded files to disk without a total; this middleware caps the whole body by its
``Content-Length`` and answers with an Indonesian page (``413.html``) instead of
reading it. The reverse proxy's own limit (nginx ``client_max_body_size``, README)
should be the same number.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def max_request_bytes() -> int:
    return settings.PATEN_MAX_REQUEST_MB * 1024 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return self._refuse(request, "400.html", status=400)
        if length > max_request_bytes():
            return self._refuse(request, "413.html", status=413)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
        # Runs before LocaleMiddleware: take the language from the URL (/en/…) or the default.
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            html = render_to_string(template, {"limit_mb": settings.PATEN_MAX_REQUEST_MB}, request)
        return HttpResponse(html, status=status)
