"""200 concurrent online submissions and 200 concurrent result numbers on PostgreSQL.

A throw-away database ``paten_bench_applications`` (dropped afterwards) on the local
server (or ``BENCH_POSTGRES_URL``). In a subprocess with its own settings: 16 threads,
each with its own connection over loopback, call ``application_submit`` 200 times
(form validation, a private PDF attachment, tracking code, event, audit chain,
notification); then 16 threads take 200 numbers of one sequence with
``number_issue``. Checked: zero lost, zero duplicate tracking codes, numbers exactly
1..200. The reference, measured in the same run with the same threads: 200 plain
single-row INSERTs, each in its own transaction.
"""

import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_applications"
SUBMISSIONS = 200
THREADS = 16
TARGET = "0 lost, 0 duplicates"


def _pool(count: int, work) -> tuple[list[float], float, list[BaseException]]:
    """Run ``work(i)`` for i < count on THREADS threads; latencies, wall time, errors."""
    from django.db import connection

    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    counter = iter(range(count))
    barrier = threading.Barrier(THREADS)

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                started = time.perf_counter()
                work(i)
                with lock:
                    latencies.append(time.perf_counter() - started)
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def _measure(database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from forms_builder.models import Application
    from forms_builder.services.applications import Applicant, application_submit
    from forms_builder.services.numbering import number_issue
    from paten.regions.models import Region
    from tests.forms_builder.factories import PDF_BYTES, form_version_for
    from tests.service_catalog.factories import make_service

    for code, name in [("64", "Kalimantan Timur"), ("64.74", "Kota Bontang")]:
        parent = Region.objects.filter(code=code.rsplit(".", 1)[0]).first() if "." in code else None
        Region.objects.get_or_create(code=code, defaults={"name": name, "parent": parent})
    kecamatan, _created = Region.objects.get_or_create(
        code="64.74.01",
        defaults={"name": "Bontang Utara", "parent": Region.objects.get(code="64.74")},
    )
    service = make_service(title="Surat Keterangan Domisili", code="skd")
    form_version_for(service)

    def submit(i: int) -> None:
        application_submit(
            service=service,
            kecamatan=kecamatan,
            form_data={"nama_lengkap": f"Pemohon {i}", "keperluan": "Sekolah"},
            files={"surat_pengantar": SimpleUploadedFile("p.pdf", PDF_BYTES, "application/pdf")},
            applicant=Applicant(name=f"Pemohon {i}", email=f"p{i}@example.id"),
        )

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_reference (id serial, v text)")

    def insert(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_reference (v) VALUES (%s)", [f"row {i}"])

    ref_lat, ref_wall, ref_errors = _pool(SUBMISSIONS, insert)
    sub_lat, sub_wall, sub_errors = _pool(SUBMISSIONS, submit)
    stored = Application.objects.count()
    codes = set(Application.objects.values_list("tracking_code", flat=True))
    one = Application.objects.first()

    numbers: list[str] = []
    numbers_lock = threading.Lock()

    def issue(_i: int) -> None:
        with transaction.atomic():
            number = number_issue(application=one)
        with numbers_lock:
            numbers.append(number)

    num_lat, num_wall, num_errors = _pool(SUBMISSIONS, issue)
    seqs = sorted(int(n.split("/")[0]) for n in numbers)
    return {
        "errors": [repr(e) for e in (ref_errors + sub_errors + num_errors)][:5],
        "stored": stored,
        "distinct_codes": len(codes),
        "numbers_ok": seqs == list(range(1, SUBMISSIONS + 1)),
        "distinct_numbers": len(set(numbers)),
        "submit_rate": SUBMISSIONS / sub_wall,
        "submit_p95_ms": _p95(sub_lat) * 1000,
        "number_rate": SUBMISSIONS / num_wall,
        "number_p95_ms": _p95(num_lat) * 1000,
        "ref_rate": SUBMISSIONS / ref_wall,
        "ref_p95_ms": _p95(ref_lat) * 1000,
    }


def run(report) -> None:
    from bench.common import run_json, throwaway_postgres

    with throwaway_postgres(report, PG_DB) as url:
        if url is None:
            return
        m = run_json(__file__, "--worker", url)
    lost = SUBMISSIONS - m["stored"]
    duplicates = m["stored"] - m["distinct_codes"]
    report.note(
        f"PostgreSQL, {THREADS} threads: {SUBMISSIONS} submissions, lost {lost}, duplicate "
        f"codes {duplicates}; {SUBMISSIONS} numbers, gap-free 1..{SUBMISSIONS}: "
        f"{m['numbers_ok']}, duplicates {SUBMISSIONS - m['distinct_numbers']}; errors "
        f"{m['errors'] or 'none'}"
    )
    if lost or duplicates or not m["numbers_ok"] or m["errors"]:
        raise RuntimeError(f"applications bench failed its checks: {m}")
    report.figure(
        "submissions/s (PostgreSQL)",
        m["submit_rate"],
        "/s",
        reference=m["ref_rate"],
        reference_name="single-row INSERTs",
        target=TARGET,
    )
    report.figure(
        "submission p95 latency (PostgreSQL)",
        m["submit_p95_ms"],
        "ms",
        reference=m["ref_p95_ms"],
        reference_name="single-row INSERT p95",
        higher_is_better=False,
    )
    report.figure(
        "result numbers/s (PostgreSQL, one sequence)",
        m["number_rate"],
        "/s",
        reference=m["ref_rate"],
        reference_name="single-row INSERTs",
    )
    report.figure(
        "result number p95 latency",
        m["number_p95_ms"],
        "ms",
        reference=m["ref_p95_ms"],
        reference_name="single-row INSERT p95",
        higher_is_better=False,
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(_measure(sys.argv[2])))
