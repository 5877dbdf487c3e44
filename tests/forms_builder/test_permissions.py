from django.contrib.auth.models import Group, Permission

import pytest

from forms_builder.permissions import (
    actor_roles,
    user_may_act,
    user_may_register_at_counter,
    user_may_unmask,
    user_may_view_applications,
)
from forms_builder.selectors import application_list_for_user
from forms_builder.workflow import APPLICANT
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from tests.bontang import SELATAN, UTARA

from .factories import submit

pytestmark = pytest.mark.django_db


class TestWorkOnApplications:
    def test_kecamatan_staff_and_pemda_admin(self, loket, camat, admin_pemda):
        assert all(user_may_view_applications(u) for u in (loket, camat, admin_pemda))

    @pytest.mark.parametrize(
        ("role", "codes"),
        [
            (Role.PPID, []),
            (Role.PPID, [UTARA]),
            (Role.ATASAN_PPID, []),
            (Role.EVALUATOR, []),
            (Role.PENYUSUN_STANDAR, []),
        ],
    )
    def test_other_roles_see_no_application(self, bontang, service, role, codes):
        user = staff_create(username="other", password="x", roles=[role], kecamatan=codes)
        submit(service, bontang.children.get(code=UTARA))
        assert not user_may_view_applications(user)
        assert not application_list_for_user(user=user).exists()

    def test_an_administrator_may_grant_it_to_a_role(self, bontang, service):
        """The PPID of a kecamatan, given "view application" on its group, sees the
        applications of its own kecamatan only (the scope still holds)."""
        ppid = staff_create(
            username="ppid.utara", password="x", roles=[Role.PPID], kecamatan=[UTARA]
        )
        Group.objects.get(name=Role.PPID).permissions.add(
            Permission.objects.get(
                codename="view_application", content_type__app_label="forms_builder"
            )
        )
        own = submit(service, bontang.children.get(code=UTARA))
        submit(service, bontang.children.get(code=SELATAN))
        ppid = type(ppid).objects.get(pk=ppid.pk)  # a fresh permission cache
        assert user_may_view_applications(ppid)
        assert list(application_list_for_user(user=ppid)) == [own]

    def test_kecamatan_role_without_the_permission(self, bontang, loket):
        """The permission is asked, not the role: a clerk whose group lost it sees nothing."""
        Group.objects.get(name=Role.PETUGAS_LOKET).permissions.remove(
            Permission.objects.get(
                codename="view_application", content_type__app_label="forms_builder"
            )
        )
        loket = type(loket).objects.get(pk=loket.pk)
        assert not user_may_view_applications(loket)

    def test_camat_without_kecamatan_fails_closed(self, camat):
        camat.staff_profile.kecamatan.clear()
        camat.refresh_from_db()
        assert not user_may_view_applications(camat)

    def test_superuser(self, superuser):
        assert user_may_view_applications(superuser)


def test_counter_intake_is_the_front_office(loket, back_office, superuser):
    assert user_may_register_at_counter(loket)
    assert user_may_register_at_counter(superuser)
    assert not user_may_register_at_counter(back_office)


class TestAct:
    def test_role_and_kecamatan_both_needed(self, loket):
        roles = {Role.PETUGAS_LOKET}
        assert user_may_act(loket, kecamatan_code=UTARA, roles=roles)
        assert not user_may_act(loket, kecamatan_code=SELATAN, roles=roles)
        assert not user_may_act(loket, kecamatan_code=UTARA, roles={Role.CAMAT})

    def test_the_applicant_acts_only_as_applicant(self, bontang):
        assert user_may_act(APPLICANT, kecamatan_code=UTARA, roles={APPLICANT})
        assert not user_may_act(APPLICANT, kecamatan_code=UTARA, roles={Role.CAMAT})

    def test_superuser_acts_in_every_role(self, superuser):
        assert actor_roles(superuser) == set(Role.values)

    def test_inactive_user_has_no_role(self, camat):
        camat.is_active = False
        assert actor_roles(camat) == set()


def test_unmasking_needs_the_personal_data_permission(loket):
    assert not user_may_unmask(loket)
    loket.user_permissions.add(
        Permission.objects.get(
            codename="view_personal_data", content_type__app_label="forms_builder"
        )
    )
    loket = type(loket).objects.get(pk=loket.pk)  # a fresh permission cache
    assert user_may_unmask(loket)
