from django.urls import reverse
from wagtail.models import Site

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin.pemda", email="admin@example.org", password="x"
    )
    client.force_login(user)
    return client


def test_site_settings_edit_view_renders(admin_client, home_page):
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["paten_site", "sitesettings", site.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "nama pemerintah daerah" in response.content.decode().lower()


@pytest.mark.parametrize("model", ["standardpage"])
def test_page_create_view_renders_under_home(admin_client, home_page, model):
    url = reverse("wagtailadmin_pages:add", args=["paten_site", model, home_page.pk])
    assert admin_client.get(url).status_code == 200


def test_a_second_home_page_cannot_be_added_under_root(home_page):
    from paten.site.models import HomePage

    assert not HomePage.can_create_at(home_page.get_parent())
