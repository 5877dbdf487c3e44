"""Public pages are gzipped; a response with a CSRF token or for a signed-in user is not
(BREACH: paten/compression.py)."""

import gzip

from django.contrib.auth import get_user_model

import pytest

from tests.bontang import bontang_regions
from tests.forms_builder.factories import form_version_for
from tests.service_catalog.factories import make_service

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


@pytest.fixture
def service():
    bontang_regions()
    service = make_service(title="Surat keterangan domisili", code="skd")
    form_version_for(service)
    return service


@pytest.mark.parametrize("path", ["/", "/layanan/", "/layanan/?q=domisili", "/lacak/"])
def test_public_pages_are_compressed(client, service, path):
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)
    assert "Accept-Encoding" in response["Vary"]


def test_a_page_with_a_csrf_token_is_not_compressed(client, service):
    response = client.get("/ajukan/skd/?kecamatan=64.74.01", **GZIP)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_pages_for_a_signed_in_user_are_not_compressed(client, service):
    user = get_user_model().objects.create_superuser("root", "root@example.id", "x")
    client.force_login(user)
    response = client.get("/admin/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_production_serves_static_files_from_the_hashed_manifest():
    # Hashed names let WhiteNoise send "max-age=315360000, immutable" for them.
    from paten.settings import base

    backend = base.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
