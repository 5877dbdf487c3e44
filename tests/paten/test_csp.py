"""The Content-Security-Policy header: strict on public pages, Wagtail's needs in the admin."""

import base64
import hashlib
import re

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin.pemda", email="admin@example.org", password="x"
    )
    client.force_login(user)
    return client


def test_public_page_allows_only_this_server_and_nothing_inline(client):
    response = client.get("/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_public_pages_hold_no_inline_script_or_style(client):
    for url in (
        "/",
        reverse("forms_builder:track"),
        reverse("reporting:ikm"),
        reverse("ppid:dip_list"),
        reverse("ppid:request"),
        reverse("ppid:track"),
    ):
        html = client.get(url).content.decode()
        assert "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_admin_gets_wagtails_allowances_only(superuser_client):
    response = superuser_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]


def test_self_contained_error_page_style_is_allowed_by_its_hash(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy(response)["style-src"] == ["'self'", f"'sha256-{digest}'"]


def test_admin_requests_no_avatar_from_gravatar(superuser_client):
    html = superuser_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in html
