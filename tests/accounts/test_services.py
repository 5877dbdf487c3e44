from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

import pytest

from paten.accounts.constants import ROLE_PERMISSIONS, Role
from paten.accounts.services import staff_assign, staff_create
from paten.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_role_permissions_are_synchronised_after_migrate():
    admin = Group.objects.get(name=Role.ADMIN_PEMDA)
    codenames = set(admin.permissions.values_list("content_type__app_label", "codename"))
    assert ("regions", "change_region") in codenames
    assert ("wagtailadmin", "access_admin") in codenames
    camat = Group.objects.get(name=Role.CAMAT)
    assert not camat.permissions.filter(codename="change_region").exists()
    for role, specs in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for spec in specs:
            app_label, codename = spec.split(".")
            if codename == "*" and not list(apps.get_app_config(app_label).get_models()):
                continue  # an app that has no models yet has no permissions to grant
            granted = group.permissions.filter(content_type__app_label=app_label)
            if codename != "*":
                granted = granted.filter(codename=codename)
            assert granted.exists(), f"{role} lacks {spec}"


def test_admin_pemda_may_edit_pages_from_the_root():
    admin = Group.objects.get(name=Role.ADMIN_PEMDA)
    assert admin.page_permissions.filter(permission__codename="publish_page").exists()


def test_staff_create_assigns_roles_and_kecamatan(bontang):
    user = staff_create(
        username="loket.utara", password="x", roles=[Role.PETUGAS_LOKET], kecamatan=["64.74.01"]
    )
    assert set(user.groups.values_list("name", flat=True)) == {Role.PETUGAS_LOKET}
    assert list(user.staff_profile.kecamatan.values_list("code", flat=True)) == ["64.74.01"]
    assert user.check_password("x")


def test_accounts_sharing_a_password_take_it_hashed_once(bontang):
    encoded = make_password("bersama")
    users = [
        staff_create(username=name, encoded_password=encoded, roles=[Role.EVALUATOR])
        for name in ("penilai.satu", "penilai.dua")
    ]
    assert all(user.check_password("bersama") for user in users)
    assert not users[0].check_password("lain")


def test_an_account_without_any_password_is_refused(bontang, django_user_model):
    with pytest.raises(ValueError, match="password"):
        staff_create(username="tanpa.sandi", roles=[Role.EVALUATOR])
    assert not django_user_model.objects.filter(username="tanpa.sandi").exists()


def test_kecamatan_role_without_kecamatan_is_refused(bontang, django_user_model):
    with pytest.raises(ValidationError, match="needs a kecamatan"):
        staff_create(username="camat.kosong", password="x", roles=[Role.CAMAT])
    assert not django_user_model.objects.filter(username="camat.kosong").exists()


def test_assigning_a_desa_as_kecamatan_is_refused(camat):
    with pytest.raises(ValidationError, match="not kecamatan"):
        staff_assign(user=camat, roles=[Role.CAMAT], kecamatan=["64.74.01.1001"])
    assert list(camat.staff_profile.kecamatan.values_list("code", flat=True)) == ["64.74.01"]


def test_unknown_role_is_refused(camat):
    with pytest.raises(ValidationError, match="Unknown role"):
        staff_assign(user=camat, roles=["Bupati"], kecamatan=["64.74.01"])


def test_assignment_is_recorded_in_the_audit_chain(admin_pemda, camat):
    staff_assign(user=camat, roles=[Role.CAMAT], kecamatan=["64.74.02"], actor=admin_pemda)
    event = AuditEvent.objects.filter(action="accounts.staff_assign").order_by("timestamp").last()
    assert event.actor == admin_pemda
    assert event.payload == {
        "username": "camat.utara",
        "roles": [Role.CAMAT],
        "kecamatan": ["64.74.02"],
    }
    assert event.kecamatan_id == "64.74.02"
