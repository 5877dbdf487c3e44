"""Catalog search quality: the share of realistic citizen queries whose service is in
the first three results, on the demo catalog (26 services, four superseded).

The queries are ``tests/service_catalog/search_queries.csv`` (typos, abbreviations,
everyday words), the same set the test suite asserts. The reference, measured in the
same run on the same database, is Wagtail's full-text search (the database backend,
all words required), which the catalog used before. Runs on SQLite and, when a server
answers, on PostgreSQL (pg_trgm).
"""

import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "service_catalog" / "search_queries.csv"
PG_DB = "paten_bench_search"


def _measure() -> dict:
    """Run in a subprocess with its own settings: migrate, load the demo catalog, search."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, transaction

    call_command("migrate", verbosity=0)
    from service_catalog.demo import catalog_demo_load
    from service_catalog.models import ServicePage
    from service_catalog.selectors import CatalogFilters, catalog_hits
    from tests.service_catalog.factories import bontang_regions

    bontang_regions()
    catalog_demo_load()
    codes = dict(ServicePage.objects.values_list("pk", "code"))
    with QUERIES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def wagtail_top3(q: str) -> list[str]:
        try:
            with transaction.atomic():
                found = ServicePage.objects.live().search(q, operator="and")[:3]
                return [page.code for page in found]
        except DatabaseError:
            return []

    catalog_hits(filters=CatalogFilters(q="ktp"))  # build the index once
    hits = wagtail_hits = 0
    started = time.perf_counter()
    for row in rows:
        top = [codes[h.pk] for h in catalog_hits(filters=CatalogFilters(q=row["query"]))[:3]]
        hits += row["expected"] in top
    per_query_ms = (time.perf_counter() - started) / len(rows) * 1000
    for row in rows:
        wagtail_hits += row["expected"] in wagtail_top3(row["query"])
    return {
        "queries": len(rows),
        "hits": hits,
        "wagtail_hits": wagtail_hits,
        "per_query_ms": per_query_ms,
    }


def run(report) -> None:
    from bench import bench_catalog as catalog
    from bench.common import each_database, run_json, scratch_dir

    for label, url in each_database(report, sqlite="search.sqlite3", postgres=PG_DB):
        with scratch_dir(f"search-var-{label.lower()}") as var_dir:
            env = catalog._env(url, var_dir)
            env.pop("REDIS_URL", None)
            m = run_json(__file__, "--measure", env=env)
        rate = 100 * m["hits"] / m["queries"]
        reference = 100 * m["wagtail_hits"] / m["queries"]
        report.figure(
            f"{label}: search hit rate, expected service in the top 3 "
            f"({m['hits']} of {m['queries']} citizen queries)",
            rate,
            "%",
            reference=reference,
            reference_name="Wagtail full-text search (before)",
            target="≥ 90 %",
        )
        report.note(f"{label}: {m['per_query_ms']:.1f} ms per query (selector, index built)")


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_measure()))
