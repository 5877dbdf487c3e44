"""The client's address, one rule for every login lockout and rate limit.

Behind ``PATEN_TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address it
received the connection from to ``X-Forwarded-For`` (nginx:
``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``), the client is the
entry that many places from the right: whatever a client writes into the header
itself stays to the left of it and is never believed. Without proxies (0) the client
is ``REMOTE_ADDR``.

A request may carry no usable address at all (the test client's ``force_login``, a
server on a Unix socket that leaves ``REMOTE_ADDR`` empty): then the address is
``None``, never a made-up word, because django-axes stores it in an ``inet`` column on
PostgreSQL, and such a request is locked out by its username only (a shared "no
address" bucket would let one client lock out everybody else without an address).
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the outermost trusted proxy saw it, or None without one."""
    trusted = getattr(settings, "PATEN_TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        # Fewer entries than proxies: the request did not pass all of them (someone
        # reached the server directly), so only the connection's own address counts.
        if len(hops) >= trusted:
            forwarded = _address(hops[-trusted])
            if forwarded is not None:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR") or "")


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """django-axes' ``AXES_LOCKOUT_PARAMETERS``: by address and by username, or by
    username alone when the request has no address (see the module docstring)."""
    address = getattr(request_or_attempt, "axes_ip_address", None) or getattr(
        request_or_attempt, "ip_address", None
    )
    return ["ip_address", "username"] if address else ["username"]


def within_rate(request: HttpRequest, *, scope: str, rate: tuple[int, int]) -> bool:
    """Count one request of this client in ``scope``; False once over ``rate`` (limit,
    window in seconds). Requests without an address share one count."""
    limit, window = rate
    key = f"{scope}:{client_ip(request) or 'no-address'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
