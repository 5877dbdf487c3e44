"""Reports on 100,000 applications, PostgreSQL.

A throw-away database ``paten_bench_reports`` (dropped afterwards) on the local server
(or ``BENCH_POSTGRES_URL``). Every step runs in its own subprocess with the
development settings (DEBUG off, files under a temporary var/), the way a Celery
worker process runs a report:

1. set-up: migrate, 10 kecamatan, 25 published services with a form; then
   ``INSERT … SELECT generate_series`` writes 100,000 applications over the year 2025
   (about 90 % finished or handed over, 8 % rejected or cancelled, returned ones; only
   the last weeks still open; ``due_at`` from the verification plus the service's
   days, about a quarter completed late) and their state-change events (about
   550,000),
   then ``VACUUM ANALYZE``.
2. the monthly recap (rekap bulanan) of the whole year, pemda-wide, through
   ``report_run_execute`` (XLSX, CSV and PDF): seconds and peak RSS. Reference in the
   same process: the same counts by hand-written SQL (a grouped aggregate and the
   grouped events; the recap also streams the finished applications' dates for the
   working-day mean and median, which the reference leaves out). Checked: the recap's
   counts equal the hand SQL's, for every kecamatan × service.
3. the applications export (``reporting/exports/selectors.py``: one row per
   application, its form data flattened, through the django-import-export resource) to
   XLSX through ``report_run_execute``: rows/s and peak RSS.
4. reference for 3, in a process of its own: ``write_xlsx`` with a ``Sheet`` streaming
   ``values_list`` of the same applications (tracking code, service, kecamatan, state,
   submitted, finished), i.e. the writer without the resource. It has 6 columns to the
   export's 21, so cells/s compares the two more fairly than rows/s.

5. the admin home's applications panel (``forms_builder/dashboard.py``,
   ``application_counts_for_user``) for a pemda-wide user on 31 December: counts per
   state and kecamatan, received today, overdue and finished this month, in one grouped
   query through the scoping selector. Reference: one hand-written grouped aggregate
   with the same filters. Checked: equal counts.

Peak RSS is ``ru_maxrss`` of the measuring process; the reference figure is the same
process's RSS after Django has started and before the report (an idle worker).
"""

import dataclasses
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_reports"
APPLICATIONS = 100_000
KECAMATAN = 10
SERVICES = 25
YEAR = 2025
#: Applications submitted in the last OPEN_DAYS of the year may still be open.
OPEN_DAYS = 30
RECAP_TARGET_SECONDS = 20
RSS_TARGET_MB = 300


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _django() -> float:
    """Start Django from the environment run_json passes; returns the idle RSS."""
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    # A worker has imported the report kinds and the writers before its first task.
    from reporting import reports

    reports.registered_kinds()
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    return _rss_mb()


def _time_stages() -> dict[str, float]:
    """Seconds spent in each kind's ``build`` ("data") and in each writer, filled in
    while ``report_run_execute`` runs (a lazy sheet's rows are read by the writer)."""
    from reporting import reports
    from reporting.reports import registry, writers

    stages: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for kind, definition in reports.registered_kinds().items():
        registry._REGISTRY[kind] = dataclasses.replace(
            definition, build=timed("data", definition.build)
        )
    for fmt, writer in list(writers.WRITERS.items()):
        writers.WRITERS[fmt] = timed(str(fmt.value), writer)
    return stages


# -- 1. set-up ------------------------------------------------------------------------------


STATE_OF = """
    CASE
        WHEN r < 0.55 THEN 'diserahkan'
        WHEN r < 0.80 THEN 'selesai'
        WHEN r < 0.84 THEN 'ditolak'
        WHEN r < 0.88 THEN 'dibatalkan'
        WHEN submitted_at < %(open_since)s THEN 'diserahkan'
        WHEN r < 0.91 THEN 'dikembalikan'
        WHEN r < 0.93 THEN 'diajukan'
        WHEN r < 0.95 THEN 'verifikasi'
        WHEN r < 0.98 THEN 'diproses'
        ELSE 'menunggu_tanda_tangan'
    END
"""
VERIFIED = "('diproses', 'menunggu_tanda_tangan', 'selesai', 'diserahkan')"

APPLICATIONS_SQL = f"""
INSERT INTO forms_builder_application (
    id, tracking_code, service_id, form_version_id, kecamatan_id, channel,
    applicant_name, applicant_phone, applicant_email, applicant_nik_digest, data, state,
    current_step, originals_checked, return_note, submitted_at, verified_at, due_at,
    finished_at, handed_over_at, result_number, issued_at
)
SELECT gen_random_uuid(), 'R' || lpad(i::text, 9, '0'), s,
       (%(versions)s::jsonb ->> s::text)::uuid, k,
       CASE WHEN i %% 3 = 0 THEN 'loket' ELSE 'online' END,
       'Pemohon ' || i, '0812' || lpad(i::text, 8, '0'), 'pemohon' || i || '@contoh.id', '',
       jsonb_build_object('nama_lengkap', 'Pemohon ' || i, 'keperluan', 'Sekolah'),
       state, 0, '[]'::jsonb, '', submitted_at, verified_at,
       verified_at + sla * interval '1 day',
       finished_at,
       CASE WHEN state = 'diserahkan'
            THEN finished_at + floor(random() * 4)::int * interval '1 day' + interval '2 hours'
       END,
       CASE WHEN finished_at IS NOT NULL THEN lpad(i::text, 6, '0') || '/BENCH/' || k END,
       finished_at
FROM (
    SELECT *,
           CASE WHEN state IN ('selesai', 'diserahkan')
                -- mostly within the service's days, about a fifth late
                THEN verified_at + sla * (0.2 + random()) * 1.05 * interval '1 day'
           END AS finished_at
    FROM (
        SELECT *,
               CASE WHEN state IN {VERIFIED}
                    THEN submitted_at + (0.1 + random() * 1.5) * interval '1 day'
               END AS verified_at
        FROM (
            SELECT i, k, s, sla, submitted_at, {STATE_OF} AS state
            FROM (
                SELECT i, random() AS r,
                       (%(kecamatan)s::text[])[1 + floor(random() * {KECAMATAN})::int] AS k,
                       (%(services)s::int[])[1 + (i %% {SERVICES})] AS s,
                       3 + (i %% {SERVICES}) %% 8 AS sla,
                       %(first_day)s::timestamptz
                           + floor(random() * 365)::int * interval '1 day'
                           + interval '8 hours' + random() * interval '8 hours' AS submitted_at
                FROM generate_series(1, {APPLICATIONS}) AS i
            ) AS drawn
        ) AS stated
    ) AS verified
) AS finished
"""

# Every state change an application went through, as application_transition writes
# them (returned once and resubmitted: about one in twelve of the finished ones).
EVENTS_SQL = f"""
INSERT INTO forms_builder_applicationevent (id, application_id, from_state, to_state, note, at)
SELECT gen_random_uuid(), a.id, e.from_state, e.to_state, '', e.at
FROM forms_builder_application AS a
CROSS JOIN LATERAL (VALUES
    ('', 'diajukan', a.submitted_at, true),
    ('diajukan', 'verifikasi', a.submitted_at + interval '1 hour', a.state <> 'diajukan'),
    ('verifikasi', 'dikembalikan', a.submitted_at + interval '3 hours',
        a.state = 'dikembalikan'
        OR (a.state IN {VERIFIED} AND abs(hashtext(a.tracking_code)) % 12 = 0)),
    ('verifikasi', 'ditolak', a.submitted_at + interval '1 day', a.state = 'ditolak'),
    ('verifikasi', 'dibatalkan', a.submitted_at + interval '1 day', a.state = 'dibatalkan'),
    ('verifikasi', 'diproses', a.verified_at, a.verified_at IS NOT NULL),
    ('diproses', 'menunggu_tanda_tangan',
        coalesce(a.finished_at - interval '3 hours', a.verified_at + interval '1 day'),
        a.state IN ('menunggu_tanda_tangan', 'selesai', 'diserahkan')),
    ('menunggu_tanda_tangan', 'selesai', a.finished_at, a.finished_at IS NOT NULL),
    ('selesai', 'diserahkan', a.handed_over_at, a.handed_over_at IS NOT NULL)
) AS e (from_state, to_state, at, happened)
WHERE e.happened
"""


def _setup() -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started

    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from forms_builder.models import Application, ApplicationEvent
    from paten.regions.models import Region
    from reporting.exports.constants import Dataset
    from reporting.exports.selectors import ExportOptions
    from reporting.models import ReportKind, ReportRun
    from tests.forms_builder.factories import form_version_for
    from tests.service_catalog.factories import make_service

    Region.objects.create(code="64", name="Kalimantan Timur")
    Region.objects.create(code="64.74", name="Kota Bontang", parent_id="64")
    kecamatan = [f"64.74.{i:02d}" for i in range(1, KECAMATAN + 1)]
    for code in kecamatan:
        Region.objects.create(code=code, name=f"Kecamatan {code[-2:]}", parent_id="64.74")
    versions = {}
    for i in range(SERVICES):
        service = make_service(title=f"Layanan {i + 1:02d}", code=f"rk{i}", documents=1, steps=1)
        versions[str(service.pk)] = str(form_version_for(service).pk)

    zone = timezone.get_default_timezone()
    first_day = timezone.make_aware(datetime(YEAR, 1, 1), zone)
    open_since = timezone.make_aware(datetime(YEAR, 12, 31 - OPEN_DAYS + 1), zone)
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2025)")
        started = time.perf_counter()
        cursor.execute(
            APPLICATIONS_SQL,
            {
                "versions": json.dumps(versions),
                "kecamatan": kecamatan,
                "services": [int(pk) for pk in versions],
                "first_day": first_day,
                "open_since": open_since,
            },
        )
        timings["applications_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(EVENTS_SQL)
        timings["events_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE forms_builder_application")
        cursor.execute("VACUUM ANALYZE forms_builder_applicationevent")
        timings["vacuum_s"] = time.perf_counter() - started

    admin = get_user_model().objects.create_superuser("bench", "bench@contoh.id", "x")
    period = {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    recap = ReportRun.objects.create(
        kind=ReportKind.MONTHLY_RECAP, parameters=period, formats=["xlsx", "csv", "pdf"]
    )
    export = ReportRun.objects.create(
        kind=ReportKind.APPLICATIONS_EXPORT,
        parameters={**period, **ExportOptions(dataset=Dataset.APPLICATIONS).to_parameters()},
        formats=["xlsx"],
        requested_by=admin,
    )
    states = dict(Application.objects.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "migrate_s": migrate_s,
        **timings,
        "applications": Application.objects.count(),
        "events": ApplicationEvent.objects.count(),
        "states": states,
        "recap_run": str(recap.pk),
        "export_run": str(export.pk),
    }


# -- 2. the monthly recap -------------------------------------------------------------------


HAND_COUNTS_SQL = """
SELECT kecamatan_id, service_id,
       count(*) FILTER (WHERE submitted_at >= %(since)s),
       count(*) FILTER (WHERE done),
       count(*) FILTER (WHERE done AND finished_at <= due_at),
       count(*) FILTER (WHERE still_open AND NOT closed),
       count(*) FILTER (WHERE still_open AND NOT closed AND due_at < %(until)s)
FROM (
    SELECT a.kecamatan_id, a.service_id, a.submitted_at, a.finished_at, a.due_at,
           a.state IN ('selesai', 'diserahkan')
               AND a.finished_at >= %(since)s AND a.finished_at < %(until)s AS done,
           a.finished_at IS NULL OR a.finished_at >= %(until)s AS still_open,
           EXISTS (
               SELECT 1 FROM forms_builder_applicationevent AS e
               WHERE e.application_id = a.id AND e.to_state IN ('ditolak', 'dibatalkan')
                 AND e.at < %(until)s
           ) AS closed
    FROM forms_builder_application AS a
    WHERE a.submitted_at < %(until)s
) AS a
GROUP BY kecamatan_id, service_id
"""
HAND_EVENTS_SQL = """
SELECT a.kecamatan_id, a.service_id, e.to_state, count(DISTINCT e.application_id)
FROM forms_builder_applicationevent AS e
JOIN forms_builder_application AS a ON a.id = e.application_id
WHERE e.at >= %(since)s AND e.at < %(until)s AND e.to_state IN ('dikembalikan', 'ditolak')
GROUP BY a.kecamatan_id, a.service_id, e.to_state
"""
COUNT_KEYS = ("received", "completed", "within_sla", "open_at_end", "overdue_at_end")


def _hand_recap(since, until) -> dict[tuple, dict]:
    from django.db import connection

    table: dict[tuple, dict] = {}
    params = {"since": since, "until": until}
    with connection.cursor() as cursor:
        cursor.execute(HAND_COUNTS_SQL, params)
        for kecamatan, service, *counts in cursor.fetchall():
            table[(kecamatan, service)] = {
                **dict(zip(COUNT_KEYS, counts, strict=True)),
                "returned": 0,
                "rejected": 0,
            }
        cursor.execute(HAND_EVENTS_SQL, params)
        for kecamatan, service, state, n in cursor.fetchall():
            entry = table.setdefault(
                (kecamatan, service), {**dict.fromkeys(COUNT_KEYS, 0), "returned": 0, "rejected": 0}
            )
            entry["returned" if state == "dikembalikan" else "rejected"] = n
    return table


def _execute(run_id: str) -> tuple:
    """Start Django and run the report ``run_id`` in this process, timing each stage:
    (run, seconds, stages, peak RSS MB, RSS MB before the run)."""
    idle_mb = _django()
    from reporting.reports.services import report_run_execute

    stages = _time_stages()
    started = time.perf_counter()
    run = report_run_execute(run_id=run_id, worker="bench")
    return run, time.perf_counter() - started, stages, _rss_mb(), idle_mb


def _recap(run_id: str) -> dict:
    run, run_s, stages, peak_mb, idle_mb = _execute(run_id)
    from reporting.common.periods import local_day_bounds
    from reporting.models import ReportRun
    from reporting.reports.kinds.common import run_period
    from reporting.reports.kinds.recap import recap_rows

    outputs = {o.format: (o.size, o.rows) for o in run.outputs.all()}

    run = ReportRun.objects.get(pk=run_id)
    since, until = local_day_bounds(*run_period(run))
    started = time.perf_counter()
    rows = recap_rows(run)
    rows_s = time.perf_counter() - started
    hand_s = []
    for _ in range(2):  # the second one warm, like recap_rows above
        started = time.perf_counter()
        hand = _hand_recap(since, until)
        hand_s.append(time.perf_counter() - started)
    keys = (*COUNT_KEYS, "returned", "rejected")
    ours = {(r["kecamatan_id"], r["service_id"]): {k: r[k] for k in keys} for r in rows}
    mismatches = [key for key in set(ours) | set(hand) if ours.get(key) != hand.get(key)]
    totals = {k: sum(r[k] for r in rows) for k in keys}
    return {
        "idle_mb": idle_mb,
        "peak_mb": peak_mb,
        "run_s": run_s,
        "stages": stages,
        "status": run.status,
        "outputs": outputs,
        "rows_s": rows_s,
        "hand_s": min(hand_s),
        "groups": len(rows),
        "mismatches": [list(map(str, key)) for key in mismatches[:5]],
        "totals": totals,
    }


# -- 3. and 4. the applications export ------------------------------------------------------


def _export(run_id: str) -> dict:
    run, seconds, stages, peak_mb, idle_mb = _execute(run_id)
    output = run.outputs.get()
    return {
        "idle_mb": idle_mb,
        "stages": stages,
        "peak_mb": peak_mb,
        "seconds": seconds,
        "rows": output.rows,
        "columns": _xlsx_columns(output.file.path),
        "size_mb": output.size / 2**20,
    }


def _reference() -> dict:
    idle_mb = _django()
    from django.conf import settings
    from django.utils import timezone

    from forms_builder.models import Application
    from reporting.reports.registry import ReportData, Sheet
    from reporting.reports.writers import write_xlsx

    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    def rows():
        values = (
            Application.objects.filter(submitted_at__year=YEAR)
            .order_by("submitted_at", "pk")
            .values_list(
                "tracking_code",
                "service__title",
                "kecamatan__name",
                "state",
                "submitted_at",
                "finished_at",
            )
            .iterator(chunk_size=2000)
        )
        for code, service, kecamatan, state, submitted, finished in values:
            yield code, service, kecamatan, state, local(submitted), local(finished)

    sheet = Sheet(
        title="Permohonan",
        header=["kode", "layanan", "kecamatan", "status", "diajukan", "selesai"],
        rows=rows,
        row_count=APPLICATIONS,
    )
    data = ReportData(
        title="reference",
        scope_label="",
        start=date(YEAR, 1, 1),
        end=date(YEAR, 12, 31),
        sheets=[sheet],
    )
    path = Path(settings.PATEN_PRIVATE_ROOT) / "reference.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = write_xlsx(data, str(path), lambda percent, note="": None, (30, 99))
    seconds = time.perf_counter() - started
    return {
        "idle_mb": idle_mb,
        "peak_mb": _rss_mb(),
        "seconds": seconds,
        "rows": written,
        "columns": len(sheet.header),
        "size_mb": path.stat().st_size / 2**20,
    }


def _xlsx_columns(path: str) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return len(next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True)))
    finally:
        workbook.close()


# -- the bench -------------------------------------------------------------------------------


def run(report) -> None:
    from bench.common import BENCH_DIR, run_json, throwaway_postgres

    with throwaway_postgres(report, PG_DB) as url:
        if url is None:
            return
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        var = tempfile.mkdtemp(prefix="reports-", dir=BENCH_DIR)
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="paten.settings.dev",
            DJANGO_DEBUG="false",
            PATEN_VAR_DIR=var,
        )
        try:
            setup = run_json(__file__, "--setup", env=env)
            recap = run_json(__file__, "--recap", setup["recap_run"], env=env)
            export = run_json(__file__, "--export", setup["export_run"], env=env)
            reference = run_json(__file__, "--reference", env=env)
            dashboard = run_json(__file__, "--dashboard", env=env)
        finally:
            shutil.rmtree(var, ignore_errors=True)

    report.note(
        f"PostgreSQL: migrate {setup['migrate_s']:.1f} s; {setup['applications']:,} "
        f"applications in {setup['applications_s']:.1f} s, {setup['events']:,} events in "
        f"{setup['events_s']:.1f} s, VACUUM ANALYZE {setup['vacuum_s']:.1f} s; states "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(setup["states"].items()))
    )
    if recap["status"] != "selesai" or recap["mismatches"]:
        raise RuntimeError(f"reports bench: the recap differs from hand SQL: {recap}")
    if export["rows"] != APPLICATIONS or reference["rows"] != APPLICATIONS:
        raise RuntimeError(f"reports bench: rows lost: {export['rows']}, {reference['rows']}")
    if not dashboard["equal"]:
        raise RuntimeError(f"reports bench: the dashboard differs from hand SQL: {dashboard}")
    totals = recap["totals"]
    report.note(
        f"rekap bulanan {YEAR}, pemda-wide, {recap['groups']} kecamatan × service rows: "
        f"received {totals['received']:,}, completed {totals['completed']:,} "
        f"({totals['within_sla']:,} on time), returned {totals['returned']:,}, rejected "
        f"{totals['rejected']:,}, open at the end {totals['open_at_end']:,} (overdue "
        f"{totals['overdue_at_end']:,}); counts equal hand SQL for every row; files "
        + ", ".join(f"{f} {size / 1024:,.0f} KB" for f, (size, _rows) in recap["outputs"].items())
        + "; time in the run: "
        + _stages(recap["stages"])
    )
    report.note(
        f"export: {export['rows']:,} rows × {export['columns']} columns, "
        f"{export['size_mb']:.1f} MB XLSX in {export['seconds']:.1f} s ("
        + _stages(export["stages"])
        + f"); reference: {reference['columns']} columns, {reference['size_mb']:.1f} MB in "
        f"{reference['seconds']:.1f} s"
    )
    report.note(
        f"admin home, pemda-wide, 31 December {YEAR}: {dashboard['open']:,} open, "
        f"{dashboard['overdue']:,} overdue, {dashboard['received_today']:,} received that "
        f"day, {dashboard['finished_this_month']:,} finished in December; counts equal "
        "hand SQL"
    )
    hand_recap = "hand SQL of the same counts"
    before = "same process before the report"
    before_export = "same process before the export"
    rows_s, reference_rows_s = (
        export["rows"] / export["seconds"],
        reference["rows"] / reference["seconds"],
    )
    rss_target = f"< {RSS_TARGET_MB} MB"
    # (figure, value, unit, reference, what the reference is, target, higher is better)
    figures = (
        ("rekap bulanan, whole run (data + XLSX, CSV, PDF)", recap["run_s"], "s", recap["hand_s"], hand_recap, f"< {RECAP_TARGET_SECONDS} s", False),
        ("rekap bulanan, data only (recap_rows)", recap["rows_s"], "s", recap["hand_s"], hand_recap, "", False),
        ("rekap bulanan, peak RSS of the worker process", recap["peak_mb"], "MB", recap["idle_mb"], before, rss_target, False),
        ("applications export to XLSX (ekspor_permohonan run)", rows_s, "rows/s", reference_rows_s, "write_xlsx over values_list (6 columns)", "", True),
        ("applications export to XLSX, cells/s", rows_s * export["columns"], "cells/s", reference_rows_s * reference["columns"], "write_xlsx over values_list", "", True),
        ("applications export, peak RSS of the worker process", export["peak_mb"], "MB", export["idle_mb"], before_export, rss_target, False),
        ("reference export (write_xlsx over values_list), peak RSS", reference["peak_mb"], "MB", reference["idle_mb"], before_export, "", False),
        ("admin home, applications panel counts (application_counts_for_user)", dashboard["seconds"] * 1000, "ms", dashboard["hand_s"] * 1000, "one hand-written grouped aggregate", "", False),
    )  # fmt: skip
    for name, value, unit, reference_value, reference_name, target, higher in figures:
        report.figure(
            name,
            value,
            unit,
            reference=reference_value,
            reference_name=reference_name,
            target=target,
            higher_is_better=higher,
        )


# -- 5. the admin home's applications panel --------------------------------------------

HAND_DASHBOARD_SQL = """
SELECT kecamatan_id, state, count(*),
       count(*) FILTER (WHERE submitted_at >= %(today)s AND submitted_at < %(tomorrow)s),
       count(*) FILTER (WHERE due_at < %(now)s AND state <> ALL(%(done)s)),
       count(*) FILTER (WHERE state IN ('selesai', 'diserahkan')
                        AND finished_at >= %(month)s AND finished_at < %(next_month)s)
FROM forms_builder_application
GROUP BY kecamatan_id, state
"""


def _dashboard() -> dict:
    _django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from forms_builder.dashboard import application_counts_for_user
    from forms_builder.workflow import DONE_STATES, OPEN_STATES

    user = get_user_model().objects.get(username="bench")
    zone = timezone.get_default_timezone()
    now = timezone.make_aware(datetime(YEAR, 12, 31, 12), zone)
    timings, hand_timings = [], []
    for _ in range(3):  # best of three, warm after the first
        started = time.perf_counter()
        counts = application_counts_for_user(user=user, now=now)
        timings.append(time.perf_counter() - started)
    params = {
        "today": timezone.make_aware(datetime(YEAR, 12, 31), zone),
        "tomorrow": timezone.make_aware(datetime(YEAR + 1, 1, 1), zone),
        "now": now,
        "done": sorted(DONE_STATES),
        "month": timezone.make_aware(datetime(YEAR, 12, 1), zone),
        "next_month": timezone.make_aware(datetime(YEAR + 1, 1, 1), zone),
    }
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(HAND_DASHBOARD_SQL, params)
            rows = cursor.fetchall()
        hand_timings.append(time.perf_counter() - started)
    by_state: dict[str, int] = {}
    per_kecamatan: dict[str, list[int]] = {}
    received = overdue = 0
    for kecamatan, state, total, today, late, finished in rows:
        by_state[state] = by_state.get(state, 0) + total
        received += today
        overdue += late
        entry = per_kecamatan.setdefault(kecamatan, [0, 0, 0])
        entry[0] += total if state in OPEN_STATES else 0
        entry[1] += late
        entry[2] += finished
    ours_kecamatan = {k.code: [k.open, k.overdue, k.finished_this_month] for k in counts.kecamatan}
    ours_states = {state: n for state, n in counts.by_state.items() if n}
    equal = (
        ours_states == by_state
        and ours_kecamatan == per_kecamatan
        and (counts.received_today, counts.overdue) == (received, overdue)
    )
    return {
        "seconds": min(timings),
        "hand_s": min(hand_timings),
        "equal": equal,
        "open": counts.open,
        "overdue": counts.overdue,
        "received_today": counts.received_today,
        "finished_this_month": sum(k.finished_this_month for k in counts.kecamatan),
    }


def _stages(stages: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())


def _setup_process() -> dict:
    _django()
    return _setup()


MODES = {
    "--setup": _setup_process,
    "--recap": _recap,
    "--export": _export,
    "--reference": _reference,
    "--dashboard": _dashboard,
}

if __name__ == "__main__" and sys.argv[1:2] and sys.argv[1] in MODES:
    print(json.dumps(MODES[sys.argv[1]](*sys.argv[2:])))
