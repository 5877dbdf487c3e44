"""Wagtail's site history and editing sessions stop at the kecamatan scope."""

import datetime

from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.log_actions import log

import pytest

from paten.accounts.models import StaffProfile
from paten.accounts.selectors import pk_as_text
from paten.regions.models import Region
from paten.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db

HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def edits(camat, camat_selatan, admin_pemda):
    """Each camat edited their own kecamatan's staff profile; the pemda admin a region."""
    log(StaffProfile.objects.get(user=camat), "wagtail.edit", user=camat)
    log(StaffProfile.objects.get(user=camat_selatan), "wagtail.edit", user=camat_selatan)
    log(Region.objects.get(code="64.74.02"), "wagtail.edit", user=admin_pemda)
    log(Region.objects.get(code="64.74.01"), "wagtail.edit", user=admin_pemda)
    for user in (camat, camat_selatan):
        user.user_permissions.add(Permission.objects.get(codename="view_staffprofile"))


def test_a_camat_sees_only_their_kecamatans_history(client, camat, edits):
    client.force_login(camat)
    response = client.get(HISTORY)

    assert response.status_code == 200
    html = response.text
    assert "Bontang Utara" in html
    assert "Bontang Selatan" not in html
    assert html.count("camat.utara") >= 1
    # Not as a row, and not among the filter's user choices either.
    assert "camat.selatan" not in html


def test_the_export_is_scoped_too(client, camat, edits):
    client.force_login(camat)
    response = client.get(HISTORY, {"export": "csv"})

    assert response.status_code == 200
    csv = b"".join(response.streaming_content).decode()
    assert "Bontang Utara" in csv
    assert "Bontang Selatan" not in csv
    assert "camat.selatan" not in csv


def test_the_pemda_admin_sees_every_kecamatan(client, admin_pemda, edits):
    client.force_login(admin_pemda)
    html = client.get(HISTORY).text
    assert "Bontang Utara" in html and "Bontang Selatan" in html
    assert "camat.selatan" in html


def test_models_without_a_kecamatan_scope_are_hidden_from_kecamatan_staff(
    client, camat, admin_pemda, bontang
):
    # The camat may view calendar overrides, but who changed pemda-wide settings is not
    # kecamatan business: entries of models without a scope are left out.
    override = CalendarOverride.objects.create(
        date=datetime.date(2026, 3, 18), name="Hari jadi Kota Bontang"
    )
    log(override, "wagtail.edit", user=admin_pemda)
    client.force_login(camat)
    assert "Hari jadi Kota Bontang" not in client.get(HISTORY).text
    client.force_login(admin_pemda)
    assert "Hari jadi Kota Bontang" in client.get(HISTORY).text


def _ping(client, profile):
    url = reverse(
        "wagtailadmin_editing_sessions:ping",
        args=["accounts", "staffprofile", str(profile.pk), 0],
    )
    return client.post(url, {"is_editing": "1"})


def test_editing_session_ping_refuses_another_kecamatans_object(client, camat, camat_selatan):
    camat.user_permissions.add(Permission.objects.get(codename="change_staffprofile"))
    client.force_login(camat)

    own = _ping(client, StaffProfile.objects.get(user=camat))
    other = _ping(client, StaffProfile.objects.get(user=camat_selatan))

    assert own.status_code == 200
    assert other.status_code == 404


def test_editing_session_ping_names_the_other_editor_only_within_the_scope(
    client, camat, admin_pemda
):
    profile = StaffProfile.objects.get(user=camat)
    client.force_login(admin_pemda)
    _ping(client, profile)
    camat.user_permissions.add(Permission.objects.get(codename="change_staffprofile"))
    client.force_login(camat)

    response = _ping(client, profile)

    assert response.status_code == 200
    assert [s["user"] for s in response.json()["other_sessions"]] == [admin_pemda.username]


def test_pk_as_text_matches_how_wagtail_logs_object_ids(bontang):
    override = CalendarOverride.objects.create(date=datetime.date(2026, 1, 2), name="x")
    row = CalendarOverride.objects.annotate(t=pk_as_text(CalendarOverride)).get(pk=override.pk)
    assert row.t == str(override.pk)
    region = Region.objects.annotate(t=pk_as_text(Region)).get(code="64.74.01")
    assert region.t == "64.74.01"
