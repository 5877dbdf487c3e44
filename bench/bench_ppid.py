"""The public DIP page with 5,000 entries under gunicorn vs a minimal Django view.

A throw-away database (a SQLite file under var/bench/, and PostgreSQL ``paten_bench_ppid``
when a server answers) is migrated and filled with 5,000 published DIP entries of the
four classes across the pemda and three kecamatan. The query count of an uncached render
of ``/informasi-publik/`` is measured with 50 and with 5,000 entries (it must not grow),
then gunicorn (2 sync workers) serves the project with the embedded settings and the
load generator of ``bench_catalog`` measures requests per second of the DIP page and of
the minimal view in the same run.
"""

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_ppid"
ENTRIES = 5_000
SMALL = 50
ROUNDS = 2
TARGET = "ratio ≥ 0.5"
DIP_PATH = "/informasi-publik/"


def _populate() -> dict:
    """Run in a subprocess (its own settings): migrate and add the DIP entries."""
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from paten.ppid.constants import InformationClass
    from paten.ppid.models import ConsequenceTest, DipCategory, DipEntry, ExceptionGround
    from tests.service_catalog.factories import bontang_regions

    regions = [*bontang_regions()[:3], None]
    categories = [DipCategory.objects.get_or_create(name=f"Kategori {i}")[0] for i in range(5)]
    test = ConsequenceTest.objects.create(
        number="001/UK/64.74/2026",
        information="Data pribadi pemohon",
        ground=ExceptionGround.objects.first(),
        consequence="Mengungkap rahasia pribadi.",
        decided_on=date(2026, 1, 5),
        exempt_until=date(2031, 1, 5),
        decided_by="PPID Utama",
    )
    classes = [c for c, _label in InformationClass.choices]

    def add(start: int, stop: int) -> None:
        rows = []
        for i in range(start, stop):
            information_class = classes[i % len(classes)]
            region = regions[i % len(regions)]
            rows.append(
                DipEntry(
                    number=f"DIP/{region.code if region else '64.74'}/{2020 + i % 7}/{i:05}",
                    title=f"Informasi publik nomor {i}",
                    summary="Ringkasan isi informasi untuk warga. " * 3,
                    information_class=information_class,
                    category=categories[i % len(categories)],
                    kecamatan=region,
                    holding_unit="Sekretariat",
                    responsible="PPID",
                    year=2020 + i % 7,
                    retention="5 tahun",
                    consequence_test=test if information_class == "dikecualikan" else None,
                    live=True,
                )
            )
        DipEntry.objects.bulk_create(rows, batch_size=1000)

    started = time.perf_counter()
    add(0, SMALL)
    queries = {SMALL: _count_queries()}
    add(SMALL, ENTRIES)
    queries[ENTRIES] = _count_queries()
    return {"entries": ENTRIES, "build_s": time.perf_counter() - started, "queries": queries}


def _count_queries() -> int:
    """Queries of an uncached render of the public DIP page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(DIP_PATH)  # warm per-process caches (content types, site root)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        status = client.get(DIP_PATH).status_code
    if status != 200:
        raise RuntimeError(f"{DIP_PATH} answered {status}")
    return len(captured.captured_queries)


def _serve_and_measure(env: dict) -> dict:
    from bench import bench_catalog as catalog
    from bench.common import gunicorn, http_get

    # The catalog bench's WSGI module: the project's URLs plus the minimal view.
    with gunicorn("bench.bench_catalog:application", workers=2, env=env) as port:
        status, body = http_get(port, DIP_PATH)
        if status != 200 or b"data-dip-list" not in body:
            raise RuntimeError(f"{DIP_PATH} answered {status}")
        for _ in range(20):  # warm both workers and the page cache
            http_get(port, DIP_PATH)
        started = time.perf_counter()
        for _ in range(5):
            http_get(port, f"{DIP_PATH}?q=nomor+4999")
        search_ms = (time.perf_counter() - started) / 5 * 1000
        rates = catalog.best_rates(
            port, {"minimal": catalog.MINIMAL_PATH, "page": DIP_PATH}, ROUNDS
        )
        return {
            **rates,
            "search_ms": search_ms,
            "page_bytes": len(body),
        }


def _one(report, label: str, database_url: str, var_dir: Path) -> None:
    from bench import bench_catalog as catalog
    from bench.common import run_json

    env = catalog._env(database_url, var_dir)
    built = run_json(__file__, "--populate", env=env)
    catalog.constant_queries_figure(
        report,
        f"{label}: DIP page queries with {built['entries']} entries (uncached)",
        built["queries"][str(ENTRIES)],
        built["queries"][str(SMALL)],
        f"{SMALL} entries",
    )
    m = _serve_and_measure(env)
    catalog.rate_figure(report, f"{label}: public DIP page, {built['entries']} entries (cached)", m)
    report.note(
        f"{label}: uncached search {DIP_PATH}?q=… {m['search_ms']:.0f} ms per request; "
        f"page {m['page_bytes'] / 1024:.0f} KiB; building {built['entries']} entries took "
        f"{built['build_s']:.0f} s"
    )


def run(report) -> None:
    from bench.common import each_database, scratch_dir

    for label, url in each_database(report, sqlite="ppid.sqlite3", postgres=PG_DB):
        with scratch_dir(f"ppid-var-{label.lower()}") as var_dir:
            _one(report, label, url, var_dir)


if __name__ == "__main__" and sys.argv[1:2] == ["--populate"]:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_populate()))
