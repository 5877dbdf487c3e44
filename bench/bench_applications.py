"""200 online submissions over HTTP through gunicorn on PostgreSQL, and 200 result numbers.

A throw-away database ``paten_bench_applications`` (dropped afterwards) on the local
server (or ``BENCH_POSTGRES_URL``), migrated with one published service (Surat
Keterangan Domisili, a required PDF upload) offered in the three Bontang kecamatan.

Submissions: gunicorn serves the project (4 sync workers, the embedded settings, a
Celery worker on the filesystem broker seals the audit chains after each commit).
``CLIENTS`` threads post 200 applications over loopback, each with a PDF attachment,
spread over the three kecamatan (the citizen form, CSRF token and all). Checked: every
POST answers with the receipt redirect, 0 lost, 0 duplicate tracking codes, and every
audit event sealed within the admin's bound after the run (``audit_verify`` passes).
Beside it, under the same gunicorn: a minimal view that inserts one row per request,
posted 200 times by the same clients (the ratio of throughputs; the aim is ≥ 0.5).
And what the audit itself costs a submission: 200 submissions through the same view
with the audit event left out (a bench-only address that swaps ``audit_record`` for
nothing during the request, so neither the event nor its sealing happens). The three
run in ``ROUNDS`` interleaved rounds; rates are over all rounds.
Nothing is measured before the Celery worker answers a ping, so that its start-up does not
share the CPU with the reference's short run.

Result numbers: in a subprocess, 16 threads take 200 numbers of one sequence with
``number_issue``: gap-free 1..200, no duplicates.
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench" / "applications"
PG_DB = "paten_bench_applications"
SUBMISSIONS = 200
CLIENTS = 8
WORKERS = 4
THREADS = 16
SERVICE = "skd"
KECAMATAN = ["64.74.01", "64.74.02", "64.74.03"]
INSERT_PATH = "/bench-insert"
UNAUDITED_PREFIX = "/bench-unaudited"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TARGET = "0 lost, 0 duplicates, p95 < 500 ms"
#: What each round posts, in this order: the reference, then the submissions without and
#: with their audit event (the audited ones last, so that they meet the largest tables).
KINDS = ("insert", "unaudited", "submit")
ROUNDS = 3


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


# -- the subprocesses (their own settings) ----------------------------------------------


def _populate() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from tests.bontang import bontang_regions
    from tests.forms_builder.factories import form_version_for
    from tests.service_catalog.factories import make_service

    bontang_regions()
    service = make_service(title="Surat Keterangan Domisili", code=SERVICE, steps=3)
    form_version_for(service)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_reference (id serial PRIMARY KEY, v text)")
    return {"service": service.code}


def _check() -> dict:
    import django

    django.setup()
    from forms_builder.models import Application
    from paten.audit.models import AuditEvent, AuditSettings
    from paten.audit.services import audit_verify

    result = audit_verify()
    return {
        "stored": Application.objects.count(),
        "distinct_codes": Application.objects.values("tracking_code").distinct().count(),
        "per_kecamatan": sorted(
            Application.objects.order_by().values_list("kecamatan_id", flat=True).distinct()
        ),
        "unsealed": AuditEvent.objects.filter(sequence__isnull=True).count(),
        "events": result.count,
        "verified": result.ok,
        "bound_minutes": AuditSettings.load().unsealed_alarm_minutes,
    }


def _worker_ready() -> dict:
    """Wait until the Celery worker answers a ping: its start-up (Django, the task
    modules) must not share the CPU with the reference's measurement only."""
    import django

    django.setup()
    from paten.celery import app

    started = time.perf_counter()
    while time.perf_counter() - started < 120:
        if app.control.ping(timeout=1.0):
            return {"ready": True, "waited_s": time.perf_counter() - started}
    return {"ready": False, "waited_s": time.perf_counter() - started}


def _unsealed() -> dict:
    import django

    django.setup()
    from paten.audit.models import AuditEvent

    return {"unsealed": AuditEvent.objects.filter(sequence__isnull=True).count()}


def _numbers(database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.db import connection, transaction

    from forms_builder.models import Application
    from forms_builder.services.numbering import number_issue

    one = Application.objects.order_by("pk").first()
    numbers: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(SUBMISSIONS))
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                started = time.perf_counter()
                with transaction.atomic():
                    number = number_issue(application=one)
                with lock:
                    latencies.append(time.perf_counter() - started)
                    numbers.append(number)
        except Exception as error:  # noqa: BLE001 - reported by the caller
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    seqs = sorted(int(n.split("/")[0]) for n in numbers)
    return {
        "errors": errors[:5],
        "numbers_ok": seqs == list(range(1, SUBMISSIONS + 1)),
        "distinct_numbers": len(set(numbers)),
        "number_rate": SUBMISSIONS / wall,
        "number_p95_ms": _p95(latencies) * 1000,
    }


# -- the HTTP clients ---------------------------------------------------------------------


class _Client:
    """One keep-alive connection with its own CSRF cookie."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body=None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                # gunicorn's sync workers close idle keep-alive connections: reconnect.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", data

    def prepare(self, kecamatan: str) -> None:
        status, _location, body = self.request("GET", f"/ajukan/{SERVICE}/?kecamatan={kecamatan}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"the form did not render ({status})")
        self.token = match.group(1).decode()

    def submit(self, i: int, kecamatan: str, *, prefix: str = "") -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        fields = {
            "csrfmiddlewaretoken": self.token,
            "pemohon-name": f"Pemohon {i}",
            "pemohon-phone": "0812 3456 7890",
            "pemohon-email": f"p{i}@example.id",
            "nama_lengkap": f"Pemohon {i}",
            "keperluan": "Sekolah",
        }
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="surat_pengantar"; '
                f'filename="pengantar-{i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + PDF_BYTES
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        status, location, _body = self.request(
            "POST",
            f"{prefix}/ajukan/{SERVICE}/?kecamatan={kecamatan}",
            body=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return status, location

    def insert(self, i: int) -> tuple[int, str]:
        status, _location, _body = self.request(
            "POST",
            INSERT_PATH,
            body=f"v=row+{i}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return status, ""


def _cpu_groups(worker_pgid: int) -> dict:
    """Who spends the CPU of a run: the gunicorn workers, this database's PostgreSQL
    backends, the Celery worker, and the clients (this process)."""
    from bench.common import cpu_seconds

    clients = os.times()
    return {
        "web": cpu_seconds(lambda _pgid, cmd: "bench.bench_applications:application" in cmd),
        "postgres": cpu_seconds(lambda _pgid, cmd: cmd.startswith("postgres:") and PG_DB in cmd),
        "worker": cpu_seconds(lambda pgid, _cmd: pgid == worker_pgid),
        "clients": clients.user + clients.system,
    }


def _load(
    port: int, work: str, *, worker_pgid: int = 0
) -> tuple[list[float], float, list[tuple[int, str]], dict]:
    """``SUBMISSIONS`` requests of ``work`` (one of ``KINDS``) from ``CLIENTS`` threads:
    the latencies, the wall time, the answers, and the CPU milliseconds per request of
    each process group (``_cpu_groups``)."""
    clients = [_Client(port) for _ in range(CLIENTS)]
    for n, client in enumerate(clients):
        client.prepare(KECAMATAN[n % len(KECAMATAN)])
    latencies: list[float] = []
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()
    counter = iter(range(SUBMISSIONS))
    barrier = threading.Barrier(CLIENTS)

    def loop(client: _Client) -> None:
        barrier.wait()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            try:
                if work == "insert":
                    answer = client.insert(i)
                else:
                    prefix = UNAUDITED_PREFIX if work == "unaudited" else ""
                    answer = client.submit(i, KECAMATAN[i % len(KECAMATAN)], prefix=prefix)
            except OSError as error:
                answer = (0, repr(error))
            with lock:
                latencies.append(time.perf_counter() - started)
                answers.append(answer)

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    cpu_before = _cpu_groups(worker_pgid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_after = _cpu_groups(worker_pgid)
    cpu_ms = {
        name: (cpu_after[name] - cpu_before[name]) * 1000 / SUBMISSIONS for name in cpu_before
    }
    return latencies, wall, answers, cpu_ms


def _serve_and_measure(env: dict) -> dict:
    from bench.common import gunicorn, http_get, process_stop, run_json

    for folder in ("queue", "processed", "control"):
        (Path(env["PATEN_VAR_DIR"]) / "celery" / folder).mkdir(parents=True, exist_ok=True)
    with gunicorn("bench.bench_applications:application", workers=WORKERS, env=env) as port:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "paten",
                "worker",
                "--concurrency",
                "1",
                "--without-gossip",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            if not run_json(__file__, "--worker-ready", env=env)["ready"]:
                raise RuntimeError("the Celery worker did not answer a ping")
            for _ in range(3 * WORKERS):  # warm every worker (imports, first queries)
                http_get(port, f"/ajukan/{SERVICE}/?kecamatan={KECAMATAN[0]}")
            # Interleaved rounds: a drift of the machine's speed (other tenants, heat)
            # reaches the three kinds alike instead of whichever ran last.
            runs = {kind: [] for kind in KINDS}
            for _round in range(ROUNDS):
                for kind in KINDS:
                    runs[kind].append(_load(port, kind, worker_pgid=worker.pid))
            finished = time.perf_counter()
            sealed_after = None
            for _ in range(600):
                if run_json(__file__, "--unsealed", env=env)["unsealed"] == 0:
                    sealed_after = time.perf_counter() - finished
                    break
                time.sleep(1)
        finally:
            process_stop(worker)
    measured = {"sealed_after_s": sealed_after, "bad": []}
    for kind, rounds in runs.items():
        latencies = [latency for run in rounds for latency in run[0]]
        answers = [answer for run in rounds for answer in run[2]]
        ok = _is_ok if kind == "insert" else _is_receipt
        measured["bad"] += [repr(a) for a in answers if not ok(a)][:5]
        measured[kind] = {
            "rate": len(answers) / sum(run[1] for run in rounds),
            "p95_ms": _p95(latencies) * 1000,
            "cpu_ms": {
                group: sum(run[3][group] for run in rounds) / len(rounds) for group in rounds[0][3]
            },
        }
    return measured


def _is_ok(answer: tuple[int, str]) -> bool:
    return answer[0] == 200


def _is_receipt(answer: tuple[int, str]) -> bool:
    return answer[0] == 302 and "/lacak/" in answer[1]


def run(report) -> None:
    from bench import bench_catalog as catalog
    from bench.common import run_json, throwaway_postgres

    with throwaway_postgres(report, PG_DB) as url:
        if url is None:
            return
        shutil.rmtree(BENCH_DIR, ignore_errors=True)
        BENCH_DIR.mkdir(parents=True)
        env = {**catalog._env(url, BENCH_DIR), "REDIS_URL": "", "EMAIL_URL": "consolemail://"}
        run_json(__file__, "--populate", env=env)
        h = _serve_and_measure(env)
        c = run_json(__file__, "--check", env=env)
        n = run_json(__file__, "--numbers", url)
    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    # Both kinds of submission store their applications; only the audited ones record events.
    lost = 2 * ROUNDS * SUBMISSIONS - c["stored"]
    duplicates = c["stored"] - c["distinct_codes"]
    bound_s = c["bound_minutes"] * 60
    sealed = h["sealed_after_s"]
    report.note(
        f"PostgreSQL, gunicorn {WORKERS} workers, {CLIENTS} clients: {ROUNDS} rounds of "
        f"{SUBMISSIONS} submissions without and {SUBMISSIONS} with the audit event, each "
        f"with a PDF, over {len(c['per_kecamatan'])} kecamatan, lost {lost}, duplicate codes "
        f"{duplicates}, bad answers {h['bad'] or 'none'}; audit: {c['events']} events, all sealed "
        f"{f'{sealed:.1f} s' if sealed is not None else 'NOT'} after the run (bound {bound_s} s), "
        f"audit_verify {'passes' if c['verified'] else 'FAILS'}; {SUBMISSIONS} numbers "
        f"gap-free 1..{SUBMISSIONS}: {n['numbers_ok']}, duplicates "
        f"{SUBMISSIONS - n['distinct_numbers']}; errors {n['errors'] or 'none'}"
    )
    report.note(
        "CPU per request during the runs (ms; what a throughput ratio is made of): "
        + "; ".join(
            f"{label}: "
            + ", ".join(
                f"{name} {cpu[name]:.1f}" for name in ("web", "postgres", "worker", "clients")
            )
            + f", total {sum(cpu.values()):.1f}"
            for label, cpu in (
                ("submissions", h["submit"]["cpu_ms"]),
                ("submissions without the audit event", h["unaudited"]["cpu_ms"]),
                ("one-row INSERT", h["insert"]["cpu_ms"]),
            )
        )
    )
    if (
        lost
        or duplicates
        or h["bad"]
        or sealed is None
        or sealed > bound_s
        or c["unsealed"]
        or not c["verified"]
        or c["events"] != ROUNDS * SUBMISSIONS
        or not n["numbers_ok"]
        or n["errors"]
    ):
        raise RuntimeError(f"applications bench failed its checks: {h} {c} {n}")
    report.figure(
        "submissions/s over HTTP (PostgreSQL, gunicorn)",
        h["submit"]["rate"],
        "/s",
        reference=h["insert"]["rate"],
        reference_name="one-row-INSERT view, same gunicorn",
        target="ratio ≥ 0.5",
    )
    report.figure(
        "submissions/s with their audit event (recorded, sealed)",
        h["submit"]["rate"],
        "/s",
        reference=h["unaudited"]["rate"],
        reference_name="the same submissions without it, same gunicorn",
    )
    report.figure(
        "submission p95 latency over HTTP",
        h["submit"]["p95_ms"],
        "ms",
        reference=h["insert"]["p95_ms"],
        reference_name="one-row-INSERT view p95",
        higher_is_better=False,
        target="< 500 ms",
    )
    report.figure(
        "result numbers/s (PostgreSQL, one sequence)",
        n["number_rate"],
        "/s",
        reference=h["insert"]["rate"],
        reference_name="one-row-INSERT view over HTTP",
    )


if os.environ.get("PATEN_BENCH_SERVER") == "1":
    from django.conf import settings as _settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connection as _connection
    from django.db import transaction
    from django.http import HttpResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def insert_one(request):
        with transaction.atomic(), _connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_reference (v) VALUES (%s)", [request.POST.get("v")])
        return HttpResponse(b"ok", content_type="text/plain")

    _settings.ROOT_URLCONF = "bench.bench_applications"
    application = get_wsgi_application()
    from forms_builder.services import applications as _applications
    from forms_builder.views import apply as _apply

    @transaction.non_atomic_requests
    def apply_unaudited(request, code):
        """The citizen's apply view with ``audit_record`` swapped for nothing during the
        request: no event and no sealing, everything else as it is (sync workers run one
        request at a time, so the swap is this request's only)."""
        recorded = _applications.audit_record
        _applications.audit_record = lambda **_kwargs: None
        try:
            return _apply(request, code=code)
        finally:
            _applications.audit_record = recorded

    from paten import urls as _project_urls

    urlpatterns = [
        path(INSERT_PATH.lstrip("/"), insert_one),
        path(f"{UNAUDITED_PREFIX.lstrip('/')}/ajukan/<slug:code>/", apply_unaudited),
        *_project_urls.urlpatterns,
    ]

if __name__ == "__main__" and sys.argv[1:2] == ["--numbers"]:
    print(json.dumps(_numbers(sys.argv[2])))
elif __name__ == "__main__" and sys.argv[1:2] in (
    ["--populate"],
    ["--check"],
    ["--unsealed"],
    ["--worker-ready"],
):
    sys.path.insert(0, str(ROOT))
    task = {
        "--populate": _populate,
        "--check": _check,
        "--unsealed": _unsealed,
        "--worker-ready": _worker_ready,
    }[sys.argv[1]]
    print(json.dumps(task()))
