from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from paten.regions.models import Region

from .data import BONTANG_CSV, OTHER_CSV

pytestmark = pytest.mark.django_db

INDEX = "regions:index"
IMPORT = "regions_import"


def denied(response) -> bool:
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def listed_codes(response) -> set[str]:
    return {region.code for region in response.context["object_list"]}


def test_index_shows_provinsi_first(admin_client, bontang_imported):
    response = admin_client.get(reverse(INDEX))

    assert response.status_code == 200
    assert listed_codes(response) == {"64"}
    assert f"{reverse(INDEX)}?parent=64" in response.content.decode()


def test_drill_down_lists_children_with_breadcrumb(admin_client, bontang_imported):
    response = admin_client.get(reverse(INDEX), {"parent": "64.74.01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert listed_codes(response) == {"64.74.01.1001", "64.74.01.1002"}
    assert f"{reverse(INDEX)}?parent=64.74" in html  # up to the kota
    assert "Kota Bontang" in html


@pytest.mark.parametrize(
    ("query", "codes"),
    [("64.74.02", {"64.74.02", "64.74.02.1001", "64.74.02.1002"}), ("Kuala", {"64.74.01.1001"})],
)
def test_search_by_code_and_name(admin_client, bontang_imported, query, codes):
    response = admin_client.get(reverse(INDEX), {"q": query})

    assert response.status_code == 200
    assert listed_codes(response) == codes


def test_filter_by_level(admin_client, bontang_imported):
    response = admin_client.get(reverse(INDEX), {"level": "3"})

    assert listed_codes(response) == {"64.74.01", "64.74.02"}


def test_add_derives_parent_from_code(admin_client, bontang_imported):
    url = reverse("regions:add")
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"code": "64.74.03", "name": "Bontang Barat"})

    assert response.status_code == 302
    assert Region.objects.get(code="64.74.03").parent_id == "64.74"


def test_add_refuses_orphan_code(admin_client, bontang_imported):
    response = admin_client.post(reverse("regions:add"), {"code": "64.75.01", "name": "X"})

    assert response.status_code == 200
    assert "64.75" in str(response.context["form"].errors["code"])


def test_import_page_renders(admin_client):
    response = admin_client.get(reverse(IMPORT))

    assert response.status_code == 200
    assert b'name="import_file"' in response.content


def test_edit_renames(admin_client, bontang_imported):
    url = reverse("regions:edit", args=["64.74.01.1002"])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"code": "64.74.01.1002", "name": "Bontang  Baru"})

    assert response.status_code == 302
    assert Region.objects.get(code="64.74.01.1002").name == "Bontang Baru"


def test_import_dry_run_then_confirm(admin_client, bontang_imported):
    upload = SimpleUploadedFile(
        "wilayah.csv", (BONTANG_CSV.replace("Berbas Tengah", "Berbas Pantai") + OTHER_CSV).encode()
    )

    preview = admin_client.post(reverse(IMPORT), {"import_file": upload})

    assert preview.status_code == 200
    summary = preview.context["summary"]
    assert (summary.new, summary.updated, summary.skipped, summary.invalid) == (4, 1, 7, 0)
    assert not Region.objects.filter(code="11").exists()  # dry run
    token = preview.context["confirm_form"].initial["import_token"]

    done = admin_client.post(
        reverse(IMPORT), {"import_token": token, "original_name": "wilayah.csv"}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse(INDEX)
    assert Region.objects.count() == 12
    assert Region.objects.get(code="64.74.02.1002").name == "Berbas Pantai"


def test_import_preview_lists_errors_and_offers_no_confirm(admin_client, bontang_imported):
    upload = SimpleUploadedFile("wilayah.csv", b"kode,nama\n11.01,Kabupaten Aceh Selatan\n")

    response = admin_client.post(reverse(IMPORT), {"import_file": upload})

    assert response.context["confirm_form"] is None
    assert [e.line for e in response.context["summary"].errors] == [2]
    assert "Wilayah induk 11" in response.content.decode()


def test_import_refuses_other_file_types(admin_client):
    upload = SimpleUploadedFile("wilayah.txt", b"kode,nama\n")

    response = admin_client.post(reverse(IMPORT), {"import_file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_import_needs_add_and_change_permission(client, django_user_model, bontang_imported):
    user = django_user_model.objects.create_user("viewer", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_region"),
        Permission.objects.get(codename="change_region"),
    )
    client.force_login(user)

    assert denied(client.get(reverse(IMPORT)))
    index = client.get(reverse(INDEX))
    assert index.status_code == 200
    assert reverse(IMPORT) not in index.content.decode()


@pytest.fixture
def camat_editing_regions(camat):
    """The camat of Bontang Utara, allowed to change regions."""
    camat.user_permissions.add(Permission.objects.get(codename="change_region"))
    return camat


def test_kecamatan_staff_see_only_their_kecamatan(client, camat_editing_regions):
    client.force_login(camat_editing_regions)

    level4 = client.get(reverse(INDEX), {"level": "4"})
    search = client.get(reverse(INDEX), {"q": "Bontang"})

    assert listed_codes(level4) == {"64.74.01.1001", "64.74.01.1002"}
    assert "64.74.02" not in listed_codes(search)
    assert client.get(reverse(INDEX), {"parent": "64.74"}).status_code == 200
    assert listed_codes(client.get(reverse(INDEX), {"parent": "64.74"})) == {"64.74.01"}


def test_kecamatan_staff_cannot_edit_other_kecamatan(client, camat_editing_regions):
    client.force_login(camat_editing_regions)

    own = client.get(reverse("regions:edit", args=["64.74.01.1001"]))
    other = client.get(reverse("regions:edit", args=["64.74.02.1001"]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_kecamatan_staff_cannot_import(client, camat_editing_regions):
    camat_editing_regions.user_permissions.add(Permission.objects.get(codename="add_region"))
    client.force_login(camat_editing_regions)

    assert denied(client.get(reverse(IMPORT)))
