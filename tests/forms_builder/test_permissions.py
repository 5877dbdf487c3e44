from django.contrib.auth.models import Permission

import pytest

from forms_builder.permissions import (
    actor_roles,
    user_may_act,
    user_may_register_at_counter,
    user_may_unmask,
    user_may_work_on_applications,
)
from forms_builder.workflow import APPLICANT
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from tests.bontang import SELATAN, UTARA

pytestmark = pytest.mark.django_db


class TestWorkOnApplications:
    def test_kecamatan_staff_and_pemda_admin(self, loket, camat, admin_pemda):
        assert all(user_may_work_on_applications(u) for u in (loket, camat, admin_pemda))

    def test_not_a_workflow_role(self, bontang):
        ppid = staff_create(username="ppid", password="x", roles=[Role.PPID])
        assert not user_may_work_on_applications(ppid)

    def test_camat_without_kecamatan_fails_closed(self, camat):
        camat.staff_profile.kecamatan.clear()
        camat.refresh_from_db()
        assert not user_may_work_on_applications(camat)

    def test_superuser(self, superuser):
        assert user_may_work_on_applications(superuser)


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


def test_unmasking_needs_the_personal_data_permission(camat):
    assert not user_may_unmask(camat)
    camat.user_permissions.add(
        Permission.objects.get(
            codename="view_personal_data", content_type__app_label="forms_builder"
        )
    )
    camat = type(camat).objects.get(pk=camat.pk)  # a fresh permission cache
    assert user_may_unmask(camat)
