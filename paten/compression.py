"""Gzip for public HTML pages, never for a response that carries a secret (BREACH).

BREACH recovers a secret from the compressed size of responses that contain both the
secret and text the attacker controls (a search term echoed on the page). So a response
is compressed only when it carries no secret: no CSRF token was put in it
(``CSRF_COOKIE_USED``), it sets no cookie, and it is not for a signed-in user (the
admin and staff pages hold session-bound data). What remains are public pages such as
the catalog, a service, the IKM results and the tracker's form: they hold nothing to
steal. Django's ``GZipMiddleware`` also pads each response with random bytes ("Heal
the Breach"), a second line of defence.

Static files are compressed ahead of time by WhiteNoise (``CompressedManifest…``) and
served before this middleware sees them.
"""

from django.middleware.gzip import GZipMiddleware


def response_may_be_compressed(request, response) -> bool:
    if not response.get("Content-Type", "").startswith("text/html"):
        return False  # pages only: PDFs and images are compressed already
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    if response.cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response_may_be_compressed(request, response):
            return response
        return super().process_response(request, response)
