"""The Wagtail admin is Indonesian by default, and its login is guarded by django-axes."""

from django.conf import settings

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-yang-benar-123"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin.pemda", email="admin@example.org", password=PASSWORD
    )


def _login(client, password):
    return client.post(
        "/admin/login/", {"username": "admin.pemda", "password": password}, REMOTE_ADDR="10.0.0.7"
    )


class TestAdminLanguage:
    def test_login_page_is_indonesian_for_anonymous_user(self, client, home_page):
        response = client.get("/admin/login/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Masuk" in html
        assert "Sign in" not in html

    def test_login_page_html_lang_is_indonesian(self, client, home_page):
        # An unprefixed URL is always served in LANGUAGE_CODE, whatever the browser asks.
        html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'lang="id' in html

    def test_dashboard_is_indonesian_without_preference(self, client, admin_user, home_page):
        client.force_login(admin_user)
        response = client.get("/admin/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dasbor" in html
        assert "Dashboard" not in html

    def test_dashboard_follows_explicit_english_preference(self, client, admin_user, home_page):
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(admin_user)
        profile.preferred_language = "en"
        profile.save()
        client.force_login(admin_user)
        assert "Dashboard" in client.get("/admin/").content.decode()


class TestLockout:
    def test_locked_out_after_failure_limit_even_with_right_password(
        self, client, admin_user, home_page, site_settings
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _login(client, "salah")
            assert response.status_code in {200, 429}
        response = _login(client, PASSWORD)
        html = response.content.decode()
        assert response.status_code in {403, 429}
        assert "Terlalu banyak percobaan masuk" in html
        assert "30 menit" in html
        assert '<html lang="id"' in html
        assert "_auth_user_id" not in client.session

    def test_right_password_before_limit_signs_in(self, client, admin_user, home_page):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "salah")
        response = _login(client, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(admin_user.pk)
