"""The national Kemendagri import (91,599 rows) through RegionResource vs a plain bulk_create.

Each database runs in its own subprocess (its own Django settings): a fresh SQLite file
under var/bench/, and a throw-away PostgreSQL database ``paten_bench`` (created and
dropped here) when ``BENCH_POSTGRES_URL`` is set or a server answers on 127.0.0.1:5432.
"""

import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench"
TARGET = "ratio ≥ 0.3, < 60 s"


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise RuntimeError(message)


def _measure(database_url: str) -> dict:
    """Run in a subprocess: configure Django for ``database_url`` and time both imports."""
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.db import connection, transaction

    from paten.regions.constants import kind_for, parent_code_for
    from paten.regions.models import Region
    from paten.regions.services import NATIONAL_FILE, regions_import

    # The table alone (not `migrate`): the bench must not depend on other apps' migrations.
    with connection.schema_editor() as editor:
        editor.create_model(Region)

    def empty() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE regions_region CASCADE")
            else:
                cursor.execute("DELETE FROM regions_region")

    # Reference: read the same file and bulk_create the rows, fields derived the same way.
    empty()
    started = time.perf_counter()
    with NATIONAL_FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    objs = [
        Region(
            code=row["kode"],
            name=row["nama"],
            parent_id=parent_code_for(row["kode"]),
            level=row["kode"].count(".") + 1,
            kind=kind_for(row["kode"], row["nama"]),
        )
        for row in rows
    ]
    with transaction.atomic():
        Region.objects.bulk_create(objs, batch_size=2000)
    plain_s = time.perf_counter() - started
    _check(Region.objects.count() == len(rows), "plain bulk_create lost rows")

    empty()
    started = time.perf_counter()
    summary = regions_import(path=NATIONAL_FILE, under=None)
    resource_s = time.perf_counter() - started
    _check(summary.committed and summary.new == len(rows), str(summary.errors[:3]))

    started = time.perf_counter()
    again = regions_import(path=NATIONAL_FILE, under=None)
    rerun_s = time.perf_counter() - started
    _check(again.skipped == len(rows), "re-import was not idempotent")

    started = time.perf_counter()
    regions_import(path=NATIONAL_FILE, under="64.74")
    subtree_s = time.perf_counter() - started

    return {
        "vendor": connection.vendor,
        "rows": len(rows),
        "plain_s": plain_s,
        "resource_s": resource_s,
        "rerun_s": rerun_s,
        "subtree_s": subtree_s,
    }


def _report(report, label: str, m: dict) -> None:
    rows = m["rows"]
    report.figure(
        f"{label}: national import via RegionResource",
        rows / m["resource_s"],
        "rows/s",
        reference=rows / m["plain_s"],
        reference_name="plain bulk_create",
        target=TARGET,
    )
    report.figure(
        f"{label}: national import, total",
        m["resource_s"],
        "s",
        reference=m["plain_s"],
        reference_name="plain bulk_create",
        target="< 60 s",
        higher_is_better=False,
    )
    report.note(
        f"{label}: re-import of {rows:,} unchanged rows {m['rerun_s']:.1f} s; "
        f"--under 64.74 from the national file {m['subtree_s']:.1f} s"
    )


def run(report) -> None:
    from bench.common import each_database, run_json

    for label, url in each_database(report, sqlite="regions.sqlite3", postgres=PG_DB):
        _report(report, label, run_json(__file__, "--worker", url))


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(_measure(sys.argv[2])))
