"""The client's address, one rule for every login lockout and rate limit.

Behind ``PATEN_TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address it
received the connection from to ``X-Forwarded-For`` (nginx:
``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``), the client is the
entry that many places from the right: whatever a client writes into the header
itself stays to the left of it and is never believed. Without proxies (0) the client
is ``REMOTE_ADDR``.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as the outermost trusted proxy saw it ("unknown" if none)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "PATEN_TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        # Fewer entries than proxies: the request did not pass all of them (someone
        # reached the server directly), so only the connection's own address counts.
        if len(hops) >= trusted:
            candidate = hops[-trusted]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or "unknown"
