"""IKM selectors on 1,000,000 survey responses vs hand-written SQL (PostgreSQL).

A throw-away database ``paten_bench_ikm`` (dropped afterwards) on the local server (or
``BENCH_POSTGRES_URL``). In a subprocess with its own settings: migrate, 10 kecamatan,
25 published services, one questionnaire version; then ``INSERT … SELECT
generate_series`` writes 1,000,000 responses (random answers 1–4, the 4 channels,
dates over 2024–2025) and 1,000,000 finished applications (the survey population),
with the secondary indexes rebuilt afterwards, followed by ``VACUUM ANALYZE``.

Measured for the year 2025 (about half the rows), as the median of several runs after
one warm-up, each selector alternating with its reference in the same connection:

- ``ikm_sums``: the ORM aggregate alone, vs one hand-written ``SELECT count(*),
  sum(u_…) … WHERE answered_on BETWEEN``. Target ≤ 1.5.
- ``ikm_for``: that aggregate, the exact arithmetic and the population count, vs the
  same hand-written aggregate plus a hand-written population count.
- ``ikm_sums`` for one kecamatan (the composite index) vs hand SQL with the same filter.
- the population count alone (``finished_applications``, a ``__date`` lookup) vs hand
  SQL on the same days as a ``timestamptz`` range.
- ``ikm_by_kecamatan``: grouped aggregate, grouped population and region names, vs
  one hand-written ``GROUP BY kecamatan_id``, and vs that plus a hand-written grouped
  population count.

Checked (the bench fails otherwise): the ORM sums, counts and populations equal the
hand-written SQL results, for the year and for every kecamatan.
"""

import json
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_ikm"
RESPONSES = 1_000_000
APPLICATIONS = 1_000_000
KECAMATAN = 10
SERVICES = 25
REPEATS = 5
YEAR = 2025
FIRST_DAY = date(2024, 1, 1)
DAYS = 731  # 2024 (leap) and 2025
# report.figure prints reference / value for times, so "ORM ≤ 1.5 × hand SQL" is ratio ≥ 0.67.
TARGET = "ORM ≤ 1.5 × hand SQL (ratio ≥ 0.67)"


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise RuntimeError(f"ikm bench: {message}")


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _compare(*functions) -> list[float]:
    """Median milliseconds of each function, run in turn (after one warm-up each)."""
    for fn in functions:
        fn()
    runs: list[list[float]] = [[] for _ in functions]
    for _ in range(REPEATS):
        for fn, times in zip(functions, runs, strict=True):
            times.append(_timed(fn))
    return [statistics.median(times) * 1000 for times in runs]


@contextmanager
def _bulk_load(cursor, tables: list[str]):
    """Load without the secondary indexes and foreign-key triggers, then rebuild them.

    Indexes that back a constraint (primary key, unique) stay. Foreign keys are not
    checked during the load (``session_replication_role = replica``, superuser only;
    without that right the load checks them): every id comes from rows created just
    before.
    """
    from django.db import DatabaseError

    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes AS i
        WHERE tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname
        )
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        pass
    try:
        yield
    finally:
        cursor.execute("RESET session_replication_role")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def _load(connection, *, version_id: int, kecamatan: list[str], services: list[int]) -> dict:
    """Fill both tables with one INSERT … SELECT each; returns the load timings."""
    from forms_builder.models import FormVersion
    from reporting.survey.constants import (
        ANSWER_FIELDS,
        Education,
        Gender,
        Occupation,
        SurveyChannel,
    )

    form_versions = dict(
        FormVersion.objects.filter(service_id__in=services).values_list("service_id", "id")
    )
    answer = "(ARRAY[1, 2, 3, 3, 3, 4, 4, 4])[1 + floor(random() * 8)::int]"
    pick = "(%s::text[])[1 + floor(random() * {n})::int]"
    timings = {}
    tables = ["reporting_surveyresponse", "forms_builder_application"]
    with connection.cursor() as cursor, _bulk_load(cursor, tables):
        cursor.execute("SELECT setseed(0.2025)")
        started = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO reporting_surveyresponse (
                version_id, kecamatan_id, service_id, channel, answered_on, submitted_at,
                {", ".join(ANSWER_FIELDS.values())},
                gender, age, education, occupation, occupation_other, suggestion,
                paper_reference
            )
            SELECT %s, k, s, c, d, d + time '10:00', {", ".join([answer] * len(ANSWER_FIELDS))},
                   {pick.format(n=len(Gender.values))}, 18 + floor(random() * 60)::int,
                   {pick.format(n=len(Education.values))},
                   {pick.format(n=len(Occupation.values))}, '', '', ''
            FROM (
                SELECT (%s::text[])[1 + floor(random() * {len(kecamatan)})::int] AS k,
                       (%s::int[])[1 + floor(random() * {len(services)})::int] AS s,
                       (%s::text[])[1 + floor(random() * 4)::int] AS c,
                       %s::date + floor(random() * {DAYS})::int AS d
                FROM generate_series(1, {RESPONSES})
            ) AS rows
            """,
            [
                version_id,
                Gender.values,
                Education.values,
                Occupation.values,
                kecamatan,
                services,
                SurveyChannel.values,
                FIRST_DAY,
            ],
        )
        timings["responses_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO forms_builder_application (
                id, tracking_code, service_id, form_version_id, kecamatan_id, channel,
                applicant_name, applicant_phone, applicant_email, applicant_nik_digest, data,
                state, current_step, originals_checked, return_note, submitted_at, finished_at
            )
            SELECT gen_random_uuid(), 'B' || lpad(i::text, 9, '0'), s,
                   (%s::jsonb ->> s::text)::uuid, k, 'online', 'Pemohon', '', '', '', '{{}}'::jsonb,
                   CASE WHEN i %% 2 = 0 THEN 'selesai' ELSE 'diserahkan' END, 0, '[]'::jsonb,
                   '', f - interval '2 days', f
            FROM (
                SELECT i,
                       (%s::text[])[1 + floor(random() * {len(kecamatan)})::int] AS k,
                       (%s::int[])[1 + floor(random() * {len(services)})::int] AS s,
                       %s::timestamptz + floor(random() * {DAYS * 24 * 60})::int
                           * interval '1 minute' AS f
                FROM generate_series(1, {APPLICATIONS}) AS i
            ) AS rows
            """,
            [
                json.dumps({str(k): str(v) for k, v in form_versions.items()}),
                kecamatan,
                services,
                f"{FIRST_DAY.isoformat()} 00:00+07",
            ],
        )
        timings["applications_s"] = time.perf_counter() - started
        started = time.perf_counter()
    with connection.cursor() as cursor:
        timings["indexes_s"] = time.perf_counter() - started
        started = time.perf_counter()
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
        timings["vacuum_s"] = time.perf_counter() - started
    return timings


def _measure(database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started

    from paten.regions.models import Region
    from reporting.survey.constants import ANSWER_FIELDS
    from reporting.survey.ikm import ikm_compute
    from reporting.survey.selectors import (
        Slice,
        finished_applications,
        ikm_by_kecamatan,
        ikm_for,
        ikm_sums,
    )
    from reporting.survey.services import survey_version_current
    from tests.forms_builder.factories import form_version_for
    from tests.service_catalog.factories import make_service

    started = time.perf_counter()
    Region.objects.create(code="64", name="Kalimantan Timur")
    Region.objects.create(code="64.74", name="Kota Bontang")
    kecamatan = [f"64.74.{i:02d}" for i in range(1, KECAMATAN + 1)]
    for code in kecamatan:
        Region.objects.create(code=code, name=f"Kecamatan {code[-2:]}")
    services = []
    for i in range(SERVICES):
        service = make_service(title=f"Layanan {i + 1:02d}", code=f"ikm{i}", documents=1, steps=1)
        form_version_for(service)
        services.append(service.pk)
    version = survey_version_current()
    setup_s = time.perf_counter() - started
    timings = _load(connection, version_id=version.pk, kecamatan=kecamatan, services=services)

    year = Slice(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31))
    one_kecamatan = Slice(start=year.start, end=year.end, kecamatan=kecamatan[0])
    sums_sql = ", ".join(f"sum({column})" for column in ANSWER_FIELDS.values())
    where = "answered_on BETWEEN %s AND %s"
    # The population of the year in Asia/Jakarta days, as a half-open timestamptz range.
    zone = timezone.get_default_timezone()
    pop_from = timezone.make_aware(datetime(YEAR, 1, 1), zone)
    pop_to = timezone.make_aware(datetime(YEAR + 1, 1, 1), zone)
    finished = "('selesai', 'diserahkan')"

    def fetch(sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def hand_year() -> list[tuple]:
        return fetch(
            f"SELECT count(*), {sums_sql} FROM reporting_surveyresponse WHERE {where}",
            [year.start, year.end],
        )

    def hand_population() -> int:
        return fetch(
            "SELECT count(*) FROM forms_builder_application WHERE state IN "
            f"{finished} AND finished_at >= %s AND finished_at < %s",
            [pop_from, pop_to],
        )[0][0]

    def hand_year_with_population() -> tuple:
        return hand_year(), hand_population()

    def hand_kecamatan() -> list[tuple]:
        return fetch(
            f"SELECT count(*), {sums_sql} FROM reporting_surveyresponse "
            f"WHERE kecamatan_id = %s AND {where}",
            [one_kecamatan.kecamatan, year.start, year.end],
        )

    def hand_grouped() -> list[tuple]:
        return fetch(
            f"SELECT kecamatan_id, count(*), {sums_sql} FROM reporting_surveyresponse "
            f"WHERE {where} GROUP BY kecamatan_id",
            [year.start, year.end],
        )

    def hand_grouped_with_population() -> tuple:
        populations = fetch(
            "SELECT kecamatan_id, count(*) FROM forms_builder_application WHERE state IN "
            f"{finished} AND finished_at >= %s AND finished_at < %s GROUP BY kecamatan_id",
            [pop_from, pop_to],
        )
        return hand_grouped(), populations

    # -- equality first: the figures mean nothing if the answers differ ----------------
    keys = list(ANSWER_FIELDS)
    (hand_row,) = hand_year()
    n, sums = ikm_sums(year)
    _check(n == hand_row[0], f"count {n} != hand SQL {hand_row[0]}")
    _check([sums[k] for k in keys] == list(hand_row[1:]), f"sums {sums} != hand SQL {hand_row}")
    figure = ikm_for(year, with_template=False)
    exact = ikm_compute(dict(zip(keys, hand_row[1:], strict=True)), hand_row[0])
    _check(figure.result.ikm == exact.ikm, "ikm_for differs from the hand SQL arithmetic")
    population = hand_population()
    _check(figure.population == population, f"population {figure.population} != {population}")
    (hand_one,) = hand_kecamatan()
    n_one, sums_one = ikm_sums(one_kecamatan)
    _check(
        (n_one, [sums_one[k] for k in keys]) == (hand_one[0], list(hand_one[1:])),
        "one-kecamatan sums differ from hand SQL",
    )
    grouped = {row[0]: row[1:] for row in hand_grouped()}
    by_kecamatan = ikm_by_kecamatan(year, with_template=False)
    _check({s.key for s in by_kecamatan} == set(kecamatan), "ikm_by_kecamatan lost a kecamatan")
    for group in by_kecamatan:
        row = grouped[group.key]
        totals = [u.total for u in group.result.unsur]
        ordered = [row[1 + keys.index(u.key)] for u in group.result.unsur]
        _check(group.respondents == row[0], f"{group.key}: count differs from hand SQL")
        _check(totals == ordered, f"{group.key}: sums differ from hand SQL")
    _check(
        sum(s.population for s in by_kecamatan) == population,
        "grouped populations do not add up to the year's",
    )

    # -- timings ------------------------------------------------------------------------
    sums_ms, hand_ms = _compare(lambda: ikm_sums(year), hand_year)
    for_ms, hand_both_ms = _compare(
        lambda: ikm_for(year, with_template=False), hand_year_with_population
    )
    orm_population_ms, hand_population_ms = _compare(
        lambda: finished_applications(year).count(), hand_population
    )
    one_ms, hand_one_ms = _compare(lambda: ikm_sums(one_kecamatan), hand_kecamatan)
    grouped_ms, hand_grouped_ms, hand_grouped_both_ms = _compare(
        lambda: ikm_by_kecamatan(year, with_template=False),
        hand_grouped,
        hand_grouped_with_population,
    )
    return {
        "migrate_s": migrate_s,
        "setup_s": setup_s,
        **timings,
        "year_rows": n,
        "population": population,
        "ikm_display": f"{float(figure.result.ikm_converted):.2f} {figure.result.mutu}",
        "sums_ms": sums_ms,
        "hand_ms": hand_ms,
        "for_ms": for_ms,
        "hand_both_ms": hand_both_ms,
        "orm_population_ms": orm_population_ms,
        "hand_population_ms": hand_population_ms,
        "one_ms": one_ms,
        "hand_one_ms": hand_one_ms,
        "one_rows": n_one,
        "grouped_ms": grouped_ms,
        "hand_grouped_ms": hand_grouped_ms,
        "hand_grouped_both_ms": hand_grouped_both_ms,
    }


def run(report) -> None:
    from bench.common import run_json, throwaway_postgres

    with throwaway_postgres(report, PG_DB) as url:
        if url is None:
            return
        m = run_json(__file__, "--worker", url)
    report.note(
        f"PostgreSQL: migrate {m['migrate_s']:.1f} s, {KECAMATAN} kecamatan and {SERVICES} "
        f"services {m['setup_s']:.1f} s; INSERT … SELECT of {RESPONSES:,} responses "
        f"{m['responses_s']:.1f} s and {APPLICATIONS:,} finished applications "
        f"{m['applications_s']:.1f} s, indexes rebuilt {m['indexes_s']:.1f} s, "
        f"VACUUM ANALYZE {m['vacuum_s']:.1f} s"
    )
    report.note(
        f"year {YEAR}: {m['year_rows']:,} responses, population {m['population']:,}, "
        f"IKM {m['ikm_display']}; ORM sums, counts and populations equal hand SQL "
        f"(year, one kecamatan, each of {KECAMATAN} kecamatan); medians of {REPEATS} runs"
    )
    # (figure, ORM ms, hand SQL ms, what the hand SQL does, target); lower is better.
    timings = (
        (f"ikm_sums, year ({m['year_rows']:,} rows)", "sums_ms", "hand_ms", "hand SQL count + 9 sums", TARGET),
        (f"ikm_sums, one kecamatan ({m['one_rows']:,} rows)", "one_ms", "hand_one_ms", "hand SQL, same filter", TARGET),
        ("ikm_for, year (aggregate + arithmetic + population)", "for_ms", "hand_both_ms", "hand SQL aggregate + population count", TARGET),
        ("population count, year (finished_applications)", "orm_population_ms", "hand_population_ms", "hand SQL, timestamptz range", ""),
        (f"ikm_by_kecamatan, year ({KECAMATAN} kecamatan)", "grouped_ms", "hand_grouped_ms", "hand SQL GROUP BY kecamatan_id", TARGET),
        ("ikm_by_kecamatan, year, same work by hand", "grouped_ms", "hand_grouped_both_ms", "hand GROUP BY responses + GROUP BY population", TARGET),
    )  # fmt: skip
    for name, value, reference, reference_name, target in timings:
        report.figure(
            name,
            m[value],
            "ms",
            reference=m[reference],
            reference_name=reference_name,
            target=target,
            higher_is_better=False,
        )
    report.note(
        f"ikm_for is {m['for_ms'] / m['hand_ms']:.2f}× the hand aggregate alone "
        f"({m['hand_ms']:,.1f} ms): the population count over {APPLICATIONS:,} applications "
        "dominates"
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(_measure(sys.argv[2])))
