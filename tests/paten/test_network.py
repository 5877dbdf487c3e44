"""The client address behind zero, one or two trusted reverse proxies."""

from django.test import RequestFactory

import pytest

from paten.network import client_ip

rf = RequestFactory()


def _ip(remote="10.0.0.2", forwarded=None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(rf.get("/", REMOTE_ADDR=remote, **headers))


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),  # a forged entry stays left
        (2, "192.0.2.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, None, "10.0.0.2"),  # not through the proxy: the connection's address
        (2, "203.0.113.9", "10.0.0.2"),
        (1, "bukan-alamat", "10.0.0.2"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.PATEN_TRUSTED_PROXY_COUNT = proxies
    assert _ip(forwarded=forwarded) == expected


@pytest.mark.parametrize("remote", ["", "unknown", "bukan-alamat"])
def test_no_usable_address_is_none(settings, remote):
    # None, never a word: django-axes stores the address in an inet column on PostgreSQL.
    settings.PATEN_TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR=remote)) is None


def test_a_request_without_any_address_meta_is_none(settings):
    # The test client's force_login builds a bare HttpRequest (no REMOTE_ADDR at all).
    from django.http import HttpRequest

    settings.PATEN_TRUSTED_PROXY_COUNT = 1
    assert client_ip(HttpRequest()) is None
