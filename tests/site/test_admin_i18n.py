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


def _login(client, password, *, username="admin.pemda", ip="10.0.0.7", **headers):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestAdminLanguage:
    def test_login_page_is_indonesian_for_anonymous_user(self, page_html, home_page):
        html = page_html("/admin/login/")
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

    def test_one_wrong_password_on_each_of_many_accounts_locks_the_address(
        self, client, django_user_model, admin_user, home_page
    ):
        for n in range(settings.AXES_FAILURE_LIMIT):
            django_user_model.objects.create_user(username=f"petugas{n}", password=PASSWORD)
            _login(client, "salah", username=f"petugas{n}", ip="203.0.113.9")

        assert _login(client, PASSWORD, ip="203.0.113.9").status_code == 429
        assert not _signed_in(client)
        # The accounts themselves are not locked: from elsewhere they still sign in.
        assert _login(client, PASSWORD, username="petugas0", ip="198.51.100.4").status_code == 302

    def test_one_account_tried_from_many_addresses_is_locked(
        self, client, django_user_model, admin_user, home_page
    ):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "salah", ip=f"203.0.113.{n + 1}")

        assert _login(client, PASSWORD, ip="198.51.100.4").status_code == 429
        assert not _signed_in(client)
        # That address is not locked for the other accounts.
        django_user_model.objects.create_user(username="petugas", password=PASSWORD)
        assert _login(client, PASSWORD, username="petugas", ip="198.51.100.4").status_code == 302

    def test_behind_a_proxy_each_client_counts_on_its_own(
        self, client, django_user_model, admin_user, home_page, settings
    ):
        settings.PATEN_TRUSTED_PROXY_COUNT = 1
        proxy = "10.0.0.2"
        for n in range(settings.AXES_FAILURE_LIMIT):
            django_user_model.objects.create_user(username=f"petugas{n}", password=PASSWORD)
            # A forged X-Forwarded-For stays left of what the proxy appends.
            forged = f"192.0.2.{n + 1}, 203.0.113.9"
            _login(client, "salah", username=f"petugas{n}", ip=proxy, HTTP_X_FORWARDED_FOR=forged)

        locked = _login(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert locked.status_code == 429
        other = _login(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")
        assert other.status_code == 302


class TestRequestWithoutAddress:
    """A request with no usable address (the test client's force_login, a Unix socket that
    leaves REMOTE_ADDR empty) is recorded without one and locked by its username only."""

    @pytest.mark.postgres
    def test_force_login_is_logged_without_an_address_on_postgresql(self, client, admin_user):
        from axes.models import AccessLog

        client.force_login(admin_user)  # an address that is no IP would break the inet column

        assert _signed_in(client)
        assert list(AccessLog.objects.values_list("username", "ip_address")) == [
            ("admin.pemda", None)
        ]

    def test_failures_without_an_address_lock_only_their_username(
        self, client, django_user_model, admin_user, home_page
    ):
        from axes.models import AccessAttempt

        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "salah", ip="")

        assert set(AccessAttempt.objects.values_list("username", "ip_address")) == {
            ("admin.pemda", None)
        }
        assert _login(client, PASSWORD, ip="").status_code == 429
        # Other accounts arriving without an address are not locked with it.
        django_user_model.objects.create_user(username="petugas", password=PASSWORD)
        assert _login(client, PASSWORD, username="petugas", ip="").status_code == 302
