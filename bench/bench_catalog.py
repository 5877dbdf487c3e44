"""Catalog index with 500 services under gunicorn vs a minimal Django view (/healthz).

A throw-away database (a SQLite file under var/bench/, and PostgreSQL ``paten_bench_catalog``
when a server answers) is migrated and filled with 500 published services; gunicorn
(2 sync workers, 127.0.0.1, a free port) serves the project with the embedded
settings (DEBUG off, file-based cache under var/bench/, or Redis when REDIS_URL is
set). A bounded load generator (4 processes × 2 connections, 2 alternating rounds of 4 s per URL)
measures requests per second of /layanan/ and of /healthz in the same set-up.
"""

import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_catalog"
SERVICES = 500
SECONDS = 4.0
ROUNDS = 2
PROCESSES = 4
THREADS_PER_PROCESS = 2
MAX_REQUESTS = 200_000  # per URL; the clock stops the run long before
TARGET = "ratio ≥ 0.5"
SEQUENTIAL = 10


def _env(database_url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "paten.settings.dev",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-only",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "PATEN_VAR_DIR": str(var_dir),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _populate() -> dict:
    """Run in a subprocess (its own settings): migrate and add the services."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.service_catalog.factories import (
        DelegatedAuthorityFactory,
        ServiceCategoryFactory,
        bontang_regions,
        make_service,
    )

    regions = bontang_regions()
    categories = [ServiceCategoryFactory() for _ in range(6)]
    delegations = [
        DelegatedAuthorityFactory(),
        DelegatedAuthorityFactory(kecamatan_list=regions[:2]),
    ]
    started = time.perf_counter()
    queries = {}
    first = None
    for i in range(SERVICES):
        service = make_service(
            category=categories[i % len(categories)],
            # Every page of results mixes both delegation shapes, so the query count
            # compares catalog sizes, not which related rows happen to be on page 1.
            delegated_authority=delegations[i % 2],
        )
        first = first or service
        if i + 1 in (10, SERVICES):
            # The same service page both times, so only the catalog's size differs.
            queries[i + 1] = _count_queries(first.url)
    return {
        "services": SERVICES,
        "build_s": time.perf_counter() - started,
        "queries": queries,
    }


def _count_queries(service_url: str) -> dict:
    """Queries of an uncached render of the index and of one service page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    client = Client(HTTP_HOST="127.0.0.1")
    for name, url in (("index", "/layanan/"), ("service", service_url)):
        client.get(url)  # warm per-process caches (content types, site root)
        cache.clear()  # and measure a cold render of the page itself
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        counts[name] = len(captured.captured_queries)
    return counts


def _load_worker(args) -> tuple[int, int]:
    import threading

    from bench.common import http_get

    port, path, start_at, seconds, limit = args
    # Every process starts at the same wall-clock time, after its own start-up.
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.perf_counter() + seconds
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()

    def loop():
        while time.perf_counter() < deadline:
            with lock:
                if counts["ok"] + counts["bad"] >= limit:
                    return
            try:
                status, _ = http_get(port, path)
            except OSError:
                status = 0
            with lock:
                counts["ok" if status == 200 else "bad"] += 1

    threads = [threading.Thread(target=loop) for _ in range(THREADS_PER_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts["ok"], counts["bad"]


def _rate(pool, port: int, path: str) -> float:
    """Requests per second of ``path``: bounded in time and in count."""
    limit = MAX_REQUESTS // PROCESSES
    start_at = time.time() + 0.5
    results = pool.map(_load_worker, [(port, path, start_at, SECONDS, limit)] * PROCESSES)
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    if bad:
        raise RuntimeError(f"{path}: {bad} failed requests out of {ok + bad}")
    return ok / SECONDS


def best_rates(port: int, paths: dict[str, str], rounds: int = ROUNDS) -> dict[str, float]:
    """Requests per second of each of ``paths`` (by key): the URLs take turns for
    ``rounds`` rounds and each keeps its best run, since the load generator shares the
    machine with gunicorn and single runs are noisy."""
    rates: dict[str, list[float]] = {key: [] for key in paths}
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        for _ in range(rounds):
            for key, path in paths.items():
                rates[key].append(_rate(pool, port, path))
    return {key: max(values) for key, values in rates.items()}


def _serve_and_measure(env: dict) -> dict:
    from bench.common import gunicorn, http_get

    with gunicorn("bench.bench_catalog:application", workers=2, env=env) as port:
        status, body = http_get(port, "/layanan/")
        if status != 200 or b"service-card" not in body:
            raise RuntimeError(f"/layanan/ answered {status}")
        for _ in range(20):  # warm both workers' connections and the page cache
            http_get(port, "/layanan/")
            http_get(port, "/healthz")
        # Each worker builds the search index once per catalog generation (as the page
        # cache fills once); another word than the measured one, so nothing is reused.
        for _ in range(6):
            http_get(port, "/layanan/?q=ktp")
        # Sequential requests, one at a time: the time a citizen waits for a page.
        started = time.perf_counter()
        for _ in range(SEQUENTIAL):
            http_get(port, "/layanan/")
        index_ms = (time.perf_counter() - started) / SEQUENTIAL * 1000
        started = time.perf_counter()
        for _ in range(SEQUENTIAL):
            status, _body = http_get(port, "/layanan/?q=surat")
            if status != 200:
                raise RuntimeError(f"/layanan/?q=surat answered {status}")
        search_ms = (time.perf_counter() - started) / SEQUENTIAL * 1000
        rates = best_rates(
            port, {"minimal": MINIMAL_PATH, "page": "/layanan/", "healthz": "/healthz"}
        )
        return {
            **rates,
            "search_ms": search_ms,
            "index_ms": index_ms,
            "page_bytes": len(body),
        }


def constant_queries_figure(report, name: str, queries: int, few: int, few_name: str) -> None:
    """A page's uncached query count against the same page with few rows: it must not grow."""
    report.figure(
        name,
        queries,
        "queries",
        reference=few,
        reference_name=f"the same page with {few_name}",
        target="ratio 1.00 (constant)",
        higher_is_better=False,
    )


def rate_figure(report, name: str, rates: dict) -> None:
    """A cached page's requests per second (``rates["page"]``) against the minimal view."""
    report.figure(
        name,
        rates["page"],
        "req/s",
        reference=rates["minimal"],
        reference_name="minimal Django view",
        target=TARGET,
    )


def _one(report, label: str, database_url: str, var_dir: Path) -> None:
    env = _env(database_url, var_dir)
    from bench.common import run_json

    built = run_json(__file__, "--populate", env=env)
    for name, label_name in (("index", "catalog index"), ("service", "service page")):
        constant_queries_figure(
            report,
            f"{label}: {label_name} queries with {built['services']} services (uncached)",
            built["queries"][str(SERVICES)][name],
            built["queries"]["10"][name],
            "10 services",
        )
    m = _serve_and_measure(env)
    rate_figure(report, f"{label}: catalog index, {built['services']} services (cached)", m)
    report.note(
        f"{label}: /healthz {m['healthz']:,.0f} req/s (it runs inside ATOMIC_REQUESTS, "
        "so every request opens a database transaction; the minimal view above does not)"
    )
    report.figure(
        f"{label}: search /layanan/?q=surat, {built['services']} services (never page-cached)",
        m["search_ms"],
        "ms",
        reference=m["index_ms"],
        reference_name="cached catalog index page",
        target="< 100 ms",
        higher_is_better=False,
    )
    report.note(
        f"{label}: index page {m['page_bytes'] / 1024:.0f} KiB; building "
        f"{built['services']} services took {built['build_s']:.0f} s"
    )


def run(report) -> None:
    from bench.common import each_database, scratch_dir

    for label, url in each_database(report, sqlite="catalog.sqlite3", postgres=PG_DB):
        with scratch_dir(f"catalog-var-{label.lower()}") as var_dir:
            _one(report, label, url, var_dir)


# gunicorn serves ``bench.bench_catalog:application``: the project's URLs plus a
# minimal view (no template, no database, no transaction) as the reference.
MINIMAL_PATH = "/bench-minimal"

if os.environ.get("PATEN_BENCH_SERVER") == "1":
    from django.conf import settings as _settings
    from django.core.wsgi import get_wsgi_application
    from django.db import transaction
    from django.http import HttpResponse
    from django.urls import path

    @transaction.non_atomic_requests
    def minimal(request):
        return HttpResponse(b"ok", content_type="text/plain")

    _settings.ROOT_URLCONF = "bench.bench_catalog"
    application = get_wsgi_application()
    from paten import urls as _project_urls

    urlpatterns = [path(MINIMAL_PATH.lstrip("/"), minimal), *_project_urls.urlpatterns]

if __name__ == "__main__" and sys.argv[1:2] == ["--populate"]:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_populate()))
