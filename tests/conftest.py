"""Shared fixtures and the rule for tests that need a real service.

A test marked ``postgres`` or ``redis`` skips with a clear reason when the service
is missing, except under CI (``CI=true``), where a missing service fails the test.

``make test`` runs the suite on several processes (pytest-xdist, ``--dist
loadgroup``). Each process has its own test database (pytest-django appends the
worker id: ``test_paten_gw0``, ``var/test.sqlite3_gw0``) and its own temporary media,
private and static folders (``paten/settings/test.py``). What the processes would
share is grouped onto one of them here: the browser tests (one Chromium and one live
server at a time) and the tests that use Redis (one broker database, queues that another
test's worker would drain). Tests whose real workers or installations keep to their own
var dir and database (the embedded broker, two installations) need no group.
"""

import contextlib
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
        elif item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.xdist_group("services"))
    # The longest tests go first (a stable sort keeps the rest in file order): xdist hands
    # out work in collection order, and a test of minutes handed out last is a tail the
    # other worker waits for.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if getattr(config.option, "loadgroup", False):
        for item in items:
            _keep_xdist_group(item)
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


def _keep_xdist_group(item) -> None:
    """Give a grouped test the ``@group`` suffix that ``--dist loadgroup`` schedules by.

    pytest-xdist appends it to the test's id on each worker, but it writes ``_nodeid``,
    which pytest 9.2 no longer reads (the id is the structured ``_id``): the suffix was
    lost and every group silently spread over all workers. The same suffix is written
    here where pytest reads it; if xdist's own one takes effect, nothing is added.
    """
    names = sorted(
        {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
    )
    if not names or "@" in item.nodeid.rpartition("]")[2] or not hasattr(item, "_id"):
        return
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


#: Fixtures that make a test transactional (its data committed, the tables flushed after).
TRANSACTIONAL_FIXTURES = frozenset(
    {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES.intersection(getattr(item, "fixturenames", ())))


class _MigratedData:
    """Whether this process's test database lacks the migrated data, and how to put it back.

    A transactional test ends with a flush, and its serialized rollback restores the
    migrated data (Wagtail's root and home pages, role groups, content types) only when
    the next transactional test starts. Django and pytest-django therefore run every
    transactional test after the others; with xdist groups (the browser tests are
    transactional) a worker may run other tests after them, so the data is put back
    before the next test that uses the database and runs in a transaction of its own.
    """

    flushed = False
    restore = None  # set by django_db_setup


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if uses_database(item):
        if is_transactional(item):
            _MigratedData.flushed = True
        elif _MigratedData.flushed and _MigratedData.restore is not None:
            _MigratedData.restore()
            _MigratedData.flushed = False
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
    # first browser test.
    from django.core.management import call_command
    from django.db import connections

    saved = {}
    for alias in connections:
        data = getattr(connections[alias], "_test_serialized_contents", None)
        if data is not None:
            type(connections[alias])._test_serialized_contents = data
            saved[alias] = data

    def restore():
        with django_db_blocker.unblock():
            for alias, data in saved.items():
                connections[alias].creation.deserialize_db_from_string(data)

    _MigratedData.restore = restore
    yield
    _MigratedData.restore = None
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


@pytest.fixture(scope="session")
def rows_for_the_module(django_db_setup, django_db_blocker):
    """``with rows_for_the_module():`` in a module-scoped fixture: rows written once for
    every test of the module (demo data takes seconds to load).

    What the block writes stays in one open transaction; each test's own changes are
    rolled back to a savepoint as usual, and the rows go when the module's last test has
    run. Mark the module as one ``xdist_group`` too, so that one process runs all of its
    tests and writes the rows once.
    """
    from django.db import transaction

    @contextlib.contextmanager
    def rows():
        with django_db_blocker.unblock(), transaction.atomic():
            yield
            transaction.set_rollback(True)

    return rows


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
