"""The PPID demo: DIP entries of all four classes for Kota Bontang and its kecamatan,
requests in every state (one extended, one overdue, one with an objection answered), a
consequence test; through the services and idempotent."""

from django.utils import timezone

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from paten.demo import DEMO_KECAMATAN
from paten.ppid.constants import InformationClass, ObjectionState, RequestState
from paten.ppid.demo import ppid_demo_load
from paten.ppid.models import ConsequenceTest, DipEntry, InformationRequest, Objection
from paten.ppid.selectors import dip_serta_merta_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(bontang):
    staff_create(username="ppid", password="x", roles=[Role.PPID])
    staff_create(username="atasanppid", password="x", roles=[Role.ATASAN_PPID])
    for code, slug in DEMO_KECAMATAN.items():
        staff_create(username=f"ppid.{slug}", password="x", roles=[Role.PPID], kecamatan=[code])
    return ppid_demo_load()


def test_dip_has_all_four_classes_for_the_pemda_and_each_kecamatan(loaded):
    for unit in [None, *DEMO_KECAMATAN]:
        classes = set(
            DipEntry.objects.filter(kecamatan_id=unit, live=True).values_list(
                "information_class", flat=True
            )
        )
        assert {
            InformationClass.PERIODIC,
            InformationClass.ANY_TIME,
            InformationClass.EXEMPT,
        } <= classes
    assert DipEntry.objects.filter(information_class=InformationClass.IMMEDIATE, live=True).exists()
    assert dip_serta_merta_active()
    assert ConsequenceTest.objects.exists()
    assert all(
        e.consequence_test_id for e in DipEntry.objects.filter(information_class="dikecualikan")
    )


def test_requests_in_every_state(loaded):
    states = set(InformationRequest.objects.values_list("state", flat=True))
    assert states == set(RequestState.values)
    assert InformationRequest.objects.filter(
        extension_days__isnull=False, state=RequestState.EXTENDED
    ).exists()
    now = timezone.now()
    assert any(item.is_overdue(now) for item in InformationRequest.objects.all())
    assert Objection.objects.filter(state=ObjectionState.ANSWERED).exists()
    published = InformationRequest.objects.get(state=RequestState.GRANTED)
    assert published.published_entry is not None and published.published_entry.live


def test_loading_twice_creates_nothing_new(loaded):
    counts = (
        DipEntry.objects.count(),
        InformationRequest.objects.count(),
        Objection.objects.count(),
    )
    again = ppid_demo_load()
    assert again.entries_created == 0 and again.requests_created == 0
    assert counts == (
        DipEntry.objects.count(),
        InformationRequest.objects.count(),
        Objection.objects.count(),
    )
