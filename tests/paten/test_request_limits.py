"""Request size limits: too large a body gets an Indonesian page and changes nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from service_catalog.checks import request_limit_fits_the_largest_attachment

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_a_body_over_the_limit_is_refused_unread_with_an_indonesian_page(client, settings):
    settings.PATEN_MAX_REQUEST_MB = 1
    scan = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4\n" + b"0" * (2 * MB))

    response = client.post(
        "/admin/login/", {"username": "admin", "password": "salah", "berkas": scan}
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "Berkas terlalu besar" in html
    assert "1 MB" in html
    assert '<html lang="id">' in html
    # The login view never ran: no failed attempt was recorded.
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_the_limit_page_follows_the_language_of_the_address(client, settings):
    settings.PATEN_MAX_REQUEST_MB = 1
    response = client.post("/en/lacak/", {"kode": "x" * (2 * MB)})
    assert response.status_code == 413
    assert "The files are too large" in response.content.decode()
    assert "'sha256-" in response.headers["Content-Security-Policy"]  # its own style applies


def test_a_body_within_the_limit_reaches_the_view(client, settings):
    settings.PATEN_MAX_REQUEST_MB = 1
    response = client.post("/admin/login/", {"username": "admin", "password": "salah"})
    assert response.status_code == 200
    assert AccessAttempt.objects.count() == 1


def test_too_many_form_bytes_get_an_indonesian_400_not_a_500(client):
    response = client.post("/admin/login/", {"username": "admin", "password": "x" * (3 * MB)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Permintaan tidak dapat diproses" in html
    assert "Bad Request" not in html


def test_a_malformed_content_length_is_refused(client):
    response = client.post("/admin/login/", {"username": "admin"}, CONTENT_LENGTH="banyak")
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()


def test_the_limit_must_hold_the_largest_attachment(settings):
    settings.PATEN_MAX_REQUEST_MB = 100
    assert request_limit_fits_the_largest_attachment(None) == []
    settings.PATEN_MAX_REQUEST_MB = 10
    errors = request_limit_fits_the_largest_attachment(None)
    assert [e.id for e in errors] == ["service_catalog.E001"]
