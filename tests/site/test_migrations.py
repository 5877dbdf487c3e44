"""paten_site.0002_create_homepage is idempotent and reversible."""

from importlib import import_module

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Site

import pytest

from paten.site.models import HomePage

pytestmark = pytest.mark.django_db

migration = import_module("paten.site.migrations.0002_create_homepage")


@pytest.fixture(scope="module")
def historical_apps(django_db_blocker):
    with django_db_blocker.unblock():
        loader = MigrationExecutor(connection).loader
        return loader.project_state(("paten_site", "0002_create_homepage")).apps


def _assert_tree_is_sound():
    assert Page.find_problems() == ([], [], [], [], [])


def test_running_twice_changes_nothing(historical_apps, home_page):
    migration.create_homepage(historical_apps, None)

    assert list(HomePage.objects.values_list("pk", flat=True)) == [home_page.pk]
    assert Site.objects.get(is_default_site=True).root_page_id == home_page.pk
    assert Page.objects.filter(depth=2).count() == 1
    _assert_tree_is_sound()


def test_backwards_restores_a_plain_root_page_and_forwards_again(historical_apps, home_page):
    migration.remove_homepage(historical_apps, None)

    assert not HomePage.objects.exists()
    root_page = Site.objects.get(is_default_site=True).root_page
    assert root_page.specific_class is Page
    _assert_tree_is_sound()

    migration.create_homepage(historical_apps, None)

    new_home = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(new_home, HomePage)
    assert new_home.title == "Beranda"
    assert not Page.objects.filter(pk=root_page.pk).exists()
    _assert_tree_is_sound()


def test_backwards_refuses_to_orphan_child_pages(historical_apps, home_page):
    from paten.site.models import StandardPage

    home_page.add_child(instance=StandardPage(title="Tentang"))
    with pytest.raises(RuntimeError, match="child pages"):
        migration.remove_homepage(historical_apps, None)
