"""Outside services the tests may need (PostgreSQL, Redis, a browser), and the rule for
a missing one: skip with the reason, except under CI (``CI=true``), where it fails."""

import os
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(reason: str) -> None:
    """Skip for a missing service or tool, but fail under CI, where everything is installed."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: services are mandatory)", pytrace=False)
    else:
        pytest.skip(reason)


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available(url: str | None = None) -> bool:
    parsed = urlparse(url or redis_url())
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
