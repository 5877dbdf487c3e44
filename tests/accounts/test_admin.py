from django.urls import reverse

import pytest

from paten.accounts.constants import Role
from paten.accounts.models import StaffProfile

pytestmark = pytest.mark.django_db


def test_admin_pemda_lists_every_staff_profile(client, admin_pemda, camat, camat_selatan):
    client.force_login(admin_pemda)
    response = client.get(reverse("staff_profiles:index"))
    assert response.status_code == 200
    assert "camat.utara" in response.text
    assert "camat.selatan" in response.text


def test_staff_listing_of_a_kecamatan_user_is_scoped(
    client, django_user_model, camat, camat_selatan
):
    # Give the camat the view permission so that only the scope decides.
    from django.contrib.auth.models import Permission

    camat.user_permissions.add(Permission.objects.get(codename="view_staffprofile"))
    client.force_login(camat)
    response = client.get(reverse("staff_profiles:index"))
    assert response.status_code == 200
    assert "camat.utara" in response.text
    assert "camat.selatan" not in response.text
    other = StaffProfile.objects.get(user=camat_selatan)
    camat.user_permissions.add(Permission.objects.get(codename="change_staffprofile"))
    assert client.get(reverse("staff_profiles:edit", args=[other.pk])).status_code == 404


def test_camat_without_permission_cannot_open_staff_admin(client, camat):
    client.force_login(camat)
    response = client.get(reverse("staff_profiles:index"))
    assert response.status_code in (302, 403)


def test_admin_edit_goes_through_the_service(client, admin_pemda, camat):
    client.force_login(admin_pemda)
    profile = StaffProfile.objects.get(user=camat)
    url = reverse("staff_profiles:edit", args=[profile.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"roles": [Role.CAMAT], "kecamatan": ["64.74.02"], "position": "Camat", "phone": ""},
    )
    assert response.status_code == 302, response.text[:2000]
    assert list(profile.kecamatan.values_list("code", flat=True)) == ["64.74.02"]


def test_admin_refuses_camat_without_kecamatan(client, admin_pemda, camat):
    client.force_login(admin_pemda)
    profile = StaffProfile.objects.get(user=camat)
    response = client.post(
        reverse("staff_profiles:edit", args=[profile.pk]),
        {"roles": [Role.CAMAT], "position": "", "phone": ""},
    )
    assert response.status_code == 200
    assert list(profile.kecamatan.values_list("code", flat=True)) == ["64.74.01"]


def test_staff_menu_reads_indonesian():
    from django.utils import translation

    from paten.accounts.viewsets import StaffProfileViewSet

    with translation.override("id"):
        assert str(StaffProfileViewSet.menu_label) == "Petugas dan kecamatan"
