"""Attachments: private storage, permission-checked download, never a media URL."""

from pathlib import Path

from django.test import Client
from django.urls import reverse

import pytest

from forms_builder.models.application import private_storage
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from tests.bontang import UTARA

from .factories import PDF_BYTES, pdf_upload, submit

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def attachment(service, utara):
    return submit(service, utara, files={"surat_pengantar": pdf_upload()}).attachments.get()


def test_staff_of_the_kecamatan_downloads(attachment, loket):
    response = login(loket).get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_other_kecamatan_gets_404(attachment, loket_selatan, camat_selatan):
    for user in (loket_selatan, camat_selatan):
        response = login(user).get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "codes"), [(Role.PPID, [UTARA]), (Role.PPID, []), (Role.EVALUATOR, [])]
)
def test_roles_without_the_application_permission_get_404(attachment, role, codes):
    """The PPID of the same kecamatan, the PPID utama and the evaluator: no application
    is theirs to see, so neither is its attachment."""
    user = staff_create(username="other", password="x", roles=[role], kecamatan=codes)
    response = login(user).get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, attachment):
    response = client.get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_not_under_media(attachment, settings, client):
    path = Path(attachment.file.path).resolve()
    assert Path(settings.PATEN_PRIVATE_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - private files have no URL
    name = attachment.file.name
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404


def test_private_root_is_outside_media_in_settings():
    from django.conf import settings as django_settings

    private = Path(django_settings.PATEN_PRIVATE_ROOT).resolve()
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert media not in private.parents and private != media


def test_storage_follows_settings(settings, tmp_path):
    settings.PATEN_PRIVATE_ROOT = str(tmp_path / "elsewhere")
    assert private_storage.location == str((tmp_path / "elsewhere").resolve())


@pytest.mark.parametrize("uploaded_as", ["ktp.html", "ktp.exe", "ktp"])
def test_stored_and_served_with_the_detected_types_extension(service, utara, loket, uploaded_as):
    upload = pdf_upload(uploaded_as)
    upload.content_type = "text/html"  # what the browser claims counts for nothing
    attachment = submit(service, utara, files={"surat_pengantar": upload}).attachments.get()

    assert attachment.file.name.endswith(".pdf")
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == uploaded_as  # kept as data only
    response = login(loket).get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "ktp" not in response["Content-Disposition"]


def test_a_file_stored_under_the_uploaders_extension_is_served_as_its_detected_type(
    attachment, loket
):
    # As attachments were stored before: named after the uploader's extension.
    old_name = attachment.file.name.rsplit(".", 1)[0] + ".html"
    Path(private_storage.path(attachment.file.name)).rename(private_storage.path(old_name))
    attachment.file.name = old_name
    attachment.save(update_fields=["file"])

    response = login(loket).get(reverse("forms_builder_admin:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
