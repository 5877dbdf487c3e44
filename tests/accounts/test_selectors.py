from django.contrib.auth.models import AnonymousUser

import pytest

from paten.accounts.constants import Role
from paten.accounts.selectors import kecamatan_scope_for
from paten.accounts.services import staff_create
from paten.regions.models import Region

pytestmark = pytest.mark.django_db


def test_anonymous_user_sees_nothing():
    scope = kecamatan_scope_for(AnonymousUser())
    assert scope.is_empty
    assert not scope.allows("64.74.01")


def test_superuser_is_pemda_wide(django_user_model):
    user = django_user_model.objects.create_superuser("root", password="x")
    assert kecamatan_scope_for(user).is_pemda_wide


def test_kecamatan_user_sees_only_their_kecamatan(camat):
    scope = kecamatan_scope_for(camat)
    assert not scope.is_pemda_wide
    assert scope.codes == {"64.74.01"}
    assert scope.allows("64.74.01")
    assert scope.allows("64.74.01.1001")
    assert not scope.allows("64.74.02")
    assert not scope.allows("64.74.010")


def test_pemda_role_without_kecamatan_is_pemda_wide(admin_pemda):
    assert kecamatan_scope_for(admin_pemda).is_pemda_wide


def test_user_without_any_role_sees_nothing(bontang, django_user_model):
    user = django_user_model.objects.create_user("stranger", password="x")
    assert kecamatan_scope_for(user).is_empty


def test_camat_whose_assignment_was_removed_fails_closed(camat):
    camat.staff_profile.kecamatan.clear()
    camat.refresh_from_db()
    assert kecamatan_scope_for(camat).is_empty


def test_inactive_user_sees_nothing(camat):
    camat.is_active = False
    assert kecamatan_scope_for(camat).is_empty


def test_filter_keeps_only_rows_of_the_scope(camat, admin_pemda):
    queryset = Region.objects.filter(level=3)
    assert list(kecamatan_scope_for(camat).filter(queryset, field="code")) == [
        Region.objects.get(code="64.74.01")
    ]
    assert kecamatan_scope_for(admin_pemda).filter(queryset, field="code").count() == 3


def test_filter_regions_gives_subtree_and_ancestors(camat):
    codes = set(
        kecamatan_scope_for(camat)
        .filter_regions(Region.objects.all())
        .values_list("code", flat=True)
    )
    assert codes == {"64", "64.74", "64.74.01", "64.74.01.1001", "64.74.01.1002"}


def test_user_in_two_kecamatan_sees_both(bontang):
    user = staff_create(
        username="loket.dua",
        password="x",
        roles=[Role.PETUGAS_LOKET],
        kecamatan=["64.74.01", "64.74.02"],
    )
    assert kecamatan_scope_for(user).codes == {"64.74.01", "64.74.02"}


def test_scope_is_computed_once_per_user_object(camat, django_assert_num_queries):
    kecamatan_scope_for(camat)
    with django_assert_num_queries(0):
        kecamatan_scope_for(camat)
