"""Shared fixtures and the rule for tests that need a real service.

A test marked ``postgres`` or ``redis`` skips with a clear reason when the service
is missing, except under CI (``CI=true``), where a missing service fails the test.

``make test`` runs the suite on several processes (pytest-xdist, ``--dist
loadgroup``). Each process has its own test database (pytest-django appends the
worker id: ``test_paten_gw0``, ``var/test.sqlite3_gw0``) and its own temporary media,
private and static folders (``paten/settings/test.py``). What the processes would
share is grouped onto one of them here: the browser tests (one Chromium and one live
server at a time) and the tests that use Redis or a real Celery worker (one broker
database, queues that another test's worker would drain).
"""

import os

import pytest

from tests.bontang import KABUPATEN_KOTA, SELATAN, UTARA, bontang_regions
from tests.services import need, redis_available, redis_url

#: Fixtures through which a test reaches the database (pytest-django's, and the
#: live server's, whose pages read it).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    | {"live_server"}
)


def pytest_addoption(parser):
    parser.addoption(
        "--database-only",
        action="store_true",
        default=False,
        help=(
            "Run only the tests that use the database. The SQLite pass of .ci/run uses it: "
            "a test that never touches the database proves the same thing on either one, "
            "and the PostgreSQL pass has already run it."
        ),
    )


def uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("database_only"):
        kept = [item for item in items if uses_database(item)]
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("redis") or item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.xdist_group("services"))
    # Every transactional test restores the migrated data (Wagtail's root and home
    # pages, role groups, content types) with serialized rollback. Mixing the two
    # kinds breaks the next restore: a plain flush re-creates content types and
    # groups through post_migrate, and restoring the serialized copy then collides.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            need("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/paten")
    if item.get_closest_marker("redis") and not redis_available():
        need(f"needs Redis at {redis_url()} (set REDIS_URL or start redis-server)")
    if item.get_closest_marker("browser"):
        if not os.path.exists("/usr/bin/chromium"):
            need("needs Debian chromium at /usr/bin/chromium (apt-get install chromium)")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PATEN_PRIVATE_ROOT = str(tmp_path / "private")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: drive Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # pytest-django's serialized_rollback restores nothing under Playwright (the
    # live server's connection differs), so copy the serialized contents to the
    # connection class; otherwise Wagtail's root and home pages vanish after the
    # first browser test (../shared/STACK.md).
    from django.core.management import call_command
    from django.db import connections

    saved = {}
    for alias in connections:
        data = getattr(connections[alias], "_test_serialized_contents", None)
        if data is not None:
            type(connections[alias])._test_serialized_contents = data
            saved[alias] = data
    yield
    # A transactional test ends with a flush; put the migrated data back so that a
    # database kept by --reuse-db is whole for the next run.
    with django_db_blocker.unblock():
        for alias, data in saved.items():
            call_command(
                "flush",
                database=alias,
                interactive=False,
                verbosity=0,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
            connections[alias].creation.deserialize_db_from_string(data)


# --- Content-Security-Policy: a browser test fails on any violation -------------------
# Every context a browser test opens (the ``page`` fixture's, or ``browser.new_context()``
# in the test) records Chromium's CSP console errors in ``csp_violations``; the test
# fails on any left there at its end.


@pytest.fixture
def csp_violations() -> list[str]:
    return []


@pytest.fixture(autouse=True)
def _fail_on_csp_violations(request):
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    from playwright.sync_api import Browser

    violations = request.getfixturevalue("csp_violations")
    original = Browser.new_context

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def new_context(self, *args, **kwargs):
        context = original(self, *args, **kwargs)
        context.on("console", on_console)
        return context

    Browser.new_context = new_context
    try:
        yield
    finally:
        Browser.new_context = original
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


# --- Shared data: Kota Bontang, its staff per role, a clean cache -------------------------


@pytest.fixture
def bontang(db, settings):
    """Kota Bontang (the installation's kabupaten/kota) with its kecamatan and desa."""
    from paten.regions.models import Region

    settings.PATEN_KABUPATEN_KOTA = KABUPATEN_KOTA
    bontang_regions()
    return Region.objects.get(code=KABUPATEN_KOTA)


@pytest.fixture
def kecamatan(bontang) -> dict:
    """The three kecamatan of Bontang by code."""
    from paten.regions.models import Kecamatan

    return {region.code: region for region in Kecamatan.objects.filter(parent=bontang)}


@pytest.fixture
def utara(kecamatan):
    return kecamatan[UTARA]


@pytest.fixture
def selatan(kecamatan):
    return kecamatan[SELATAN]


def _staff_fixture(username: str, role: str, kecamatan_code: str | None = None):
    """A fixture creating one staff user of ``role`` (a ``Role`` member's name)."""

    @pytest.fixture
    def fixture(bontang):
        from paten.accounts.constants import Role
        from paten.accounts.services import staff_create

        codes = [kecamatan_code] if kecamatan_code else []
        return staff_create(
            username=username, password="x", roles=[getattr(Role, role)], kecamatan=codes
        )

    return fixture


admin_pemda = _staff_fixture("admin.pemda", "ADMIN_PEMDA")
loket = _staff_fixture("loket.utara", "PETUGAS_LOKET", UTARA)
back_office = _staff_fixture("backoffice.utara", "BACK_OFFICE", UTARA)
camat = _staff_fixture("camat.utara", "CAMAT", UTARA)
loket_selatan = _staff_fixture("loket.selatan", "PETUGAS_LOKET", SELATAN)
camat_selatan = _staff_fixture("camat.selatan", "CAMAT", SELATAN)


@pytest.fixture
def staff(loket, back_office, camat) -> dict:
    """The staff of Bontang Utara by role."""
    return {"loket": loket, "back_office": back_office, "camat": camat}


@pytest.fixture
def service(bontang):
    """A service (Surat Keterangan Domisili, three steps) with a published form."""
    from tests.forms_builder.factories import form_version_for
    from tests.service_catalog.factories import make_service

    service = make_service(title="Surat Keterangan Domisili", code="skd", steps=3)
    form_version_for(service)
    return service


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test (cached public pages, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
