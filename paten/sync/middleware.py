"""A write refused by the sync guards becomes a message, not an error page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .guards import ReadOnlyError


class ReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ReadOnlyError):
            return None
        message = " ".join(exception.messages)
        if request.path.startswith("/admin/"):
            messages.error(request, message)
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                back = "/admin/"
            return redirect(back)
        return render(request, "sync/read_only.html", {"message": message}, status=409)
