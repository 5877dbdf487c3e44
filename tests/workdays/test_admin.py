from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

import pytest

from paten.workdays.models import CalendarOverride, CalendarSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, db):
    user = get_user_model().objects.create_superuser(username="root", password="x")
    client.force_login(user)
    return client


@pytest.fixture
def overrides(bontang):
    return [
        CalendarOverride.objects.create(
            kabupaten_kota=bontang, date=date(2026, 11, 23), name="Hari jadi kota"
        ),
        CalendarOverride.objects.create(date=date(2025, 6, 2), name="Libur lama"),
    ]


class TestCalendarOverrideAdmin:
    def test_list_renders(self, admin_client_, overrides):
        response = admin_client_.get(reverse("calendar_override:index"))
        assert response.status_code == 200
        assert b"Hari jadi kota" in response.content

    def test_filter_by_year(self, admin_client_, overrides):
        response = admin_client_.get(reverse("calendar_override:index"), {"year": "2026"})
        assert [o.name for o in response.context["object_list"]] == ["Hari jadi kota"]

    def test_create(self, admin_client_, bontang):
        url = reverse("calendar_override:add")
        assert admin_client_.get(url).status_code == 200
        response = admin_client_.post(
            url,
            {
                "date": "2026-03-18",
                "name": "Cuti bersama tetap masuk",
                "is_working_day": "on",
                "kabupaten_kota": "64.74",
            },
        )
        assert response.status_code == 302
        override = CalendarOverride.objects.get()
        assert override.is_working_day
        assert override.kabupaten_kota_id == "64.74"

    def test_edit_renders(self, admin_client_, overrides):
        url = reverse("calendar_override:edit", args=[overrides[0].pk])
        assert admin_client_.get(url).status_code == 200

    def test_kabupaten_choices_are_kabupaten_kota_only(self, admin_client_, bontang):
        response = admin_client_.get(reverse("calendar_override:add"))
        choices = {
            str(v) for v, _label in response.context["form"].fields["kabupaten_kota"].choices
        }
        assert "64.74" in choices
        assert "64.74.01" not in choices


class TestCalendarSettingsAdmin:
    def test_list_and_create(self, admin_client_, bontang):
        assert admin_client_.get(reverse("calendar_settings:index")).status_code == 200
        response = admin_client_.post(
            reverse("calendar_settings:add"),
            {"kabupaten_kota": "64.74", "cuti_bersama_is_working_day": "on"},
        )
        assert response.status_code == 302
        assert CalendarSettings.objects.get().cuti_bersama_is_working_day
