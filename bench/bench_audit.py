"""Audit chains on PostgreSQL: sealing throughput, and verifying 1,000,000 events.

A throw-away database ``paten_bench_audit`` (dropped afterwards). In a subprocess:

- Sealing: 50,000 unsealed events over four chains are written with one bulk INSERT
  (the reference: the same rows inserted plainly), then ``audit_seal_all`` seals them
  (events/s).
- Verification: 1,000,000 sealed events of one chain are written with ``COPY`` (hashes
  computed as the sealer would), then ``audit_verify`` walks them (a server-side
  cursor) in a fresh process; time and that process's peak RSS are printed, beside the
  peak RSS of walking the first 100,000 (constant memory: the two are close).
"""

import json
import resource
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "paten_bench_audit"
SEAL_EVENTS = 50_000
VERIFY_EVENTS = 1_000_000
SMALL = 100_000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seal(database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from paten.audit.services import audit_seal_all, audit_verify

    insert = (
        "INSERT INTO audit_auditevent (id, chain, timestamp, actor_username, action, "
        "target_object_id, payload) SELECT gen_random_uuid(), "
        "(ARRAY['pemda','kecamatan:64.74.01','kecamatan:64.74.02','kecamatan:64.74.03'])[1 + g %% 4], "
        "now() + g * interval '1 microsecond', 'petugas', 'application.submit', g::text, "
        "jsonb_build_object('n', g) FROM generate_series(1, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (LIKE audit_auditevent INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute(insert.replace("audit_auditevent", "bench_plain", 1), [SEAL_EVENTS])
        plain = time.perf_counter() - started
        cursor.execute(insert, [SEAL_EVENTS])
    started = time.perf_counter()
    sealed = sum(audit_seal_all().values())
    seal = time.perf_counter() - started
    result = audit_verify()
    return {
        "sealed": sealed,
        "ok": result.ok and result.count == SEAL_EVENTS,
        "seal_rate": sealed / seal,
        "plain_rate": SEAL_EVENTS / plain,
    }


def _verify(database_url: str, count: int, fill: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.common import django_start

    django_start(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from paten.audit.models import event_document
    from paten.audit.services import audit_verify
    from paten.audit.verify_export import GENESIS_HASH, event_hash

    filled = 0.0
    if fill:
        chain = "kecamatan:64.74.01"
        start = datetime(2026, 1, 1, tzinfo=UTC)
        started = time.perf_counter()
        prev = GENESIS_HASH
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY audit_auditevent (id, chain, sequence, timestamp, actor_username, action, "
                "target_object_id, payload, prev_hash, hash) FROM STDIN"
            ) as copy:
                for n in range(1, VERIFY_EVENTS + 1):
                    event_id = uuid.uuid4()
                    timestamp = start + timedelta(microseconds=n)
                    payload = {"n": n}
                    digest = event_hash(
                        prev,
                        event_document(
                            id=event_id,
                            chain=chain,
                            sequence=n,
                            timestamp=timestamp,
                            actor_username="petugas",
                            action="application.submit",
                            target_type="",
                            target_id=str(n),
                            kecamatan=None,
                            payload=payload,
                        ),
                    )
                    copy.write_row(
                        (
                            event_id,
                            chain,
                            n,
                            timestamp,
                            "petugas",
                            "application.submit",
                            str(n),
                            json.dumps(payload),
                            prev,
                            digest,
                        )
                    )
                    prev = digest
        filled = time.perf_counter() - started
    from django.db import reset_queries

    reset_queries()
    before = _rss_mb()
    started = time.perf_counter()
    if count == 0:
        return {"ok": True, "verified": 0, "seconds": 0.0, "fill_seconds": filled}
    if count < VERIFY_EVENTS:
        from paten.audit.models import AuditEvent

        # The first ``count`` events only, through the same walk as audit_verify.
        from paten.audit.services import _VALUE_FIELDS, _ContentTypeLabels, _document
        from paten.audit.verify_export import ChainCheck

        check = ChainCheck(chain="kecamatan:64.74.01")
        labels = _ContentTypeLabels()
        rows = (
            AuditEvent.objects.filter(chain=check.chain, sequence__lte=count)
            .order_by("sequence")
            .values_list("sequence", "prev_hash", "hash", *_VALUE_FIELDS)
            .iterator(chunk_size=2000)
        )
        for sequence, prev_hash, stored, *values in rows:
            check.add(
                sequence,
                str(values[0]),
                prev_hash,
                stored,
                _document(tuple(values), sequence, labels),
            )
        ok, verified = check.ok, check.count
    else:
        result = audit_verify()
        ok, verified = result.ok, result.count
    return {
        "ok": ok,
        "verified": verified,
        "seconds": time.perf_counter() - started,
        "fill_seconds": filled,
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
    }


def run(report) -> None:
    from bench.common import run_json, throwaway_postgres

    with throwaway_postgres(report, PG_DB) as url:
        if url is None:
            return
        m = run_json(__file__, "--seal", url)
        if not m["ok"]:
            raise RuntimeError(f"audit bench: the sealed chains did not verify: {m}")
        report.figure(
            f"audit sealing ({SEAL_EVENTS:,} events, 4 chains, PostgreSQL)",
            m["seal_rate"],
            "events/s",
            reference=m["plain_rate"],
            reference_name="plain bulk INSERT of the same rows",
        )
    with throwaway_postgres(report, PG_DB) as url:
        filled = run_json(__file__, "--verify", url, "0", "fill")
        # Each walk in a fresh process: its peak RSS is the walk's own.
        big = run_json(__file__, "--verify", url, str(VERIFY_EVENTS), "")
        small = run_json(__file__, "--verify", url, str(SMALL), "")
    if not (big["ok"] and big["verified"] == VERIFY_EVENTS and small["ok"]):
        raise RuntimeError(f"audit bench: verification failed: {big} {small}")
    report.note(
        f"{VERIFY_EVENTS:,} sealed events written with COPY in {filled['fill_seconds']:.1f} s; "
        f"audit_verify: {big['seconds']:.1f} s, peak RSS {big['peak_rss_mb']:.0f} MB "
        f"(verifying {SMALL:,}: {small['seconds']:.1f} s, peak RSS {small['peak_rss_mb']:.0f} MB)"
    )
    report.figure(
        f"audit_verify of {VERIFY_EVENTS:,} events (PostgreSQL)",
        VERIFY_EVENTS / big["seconds"],
        "events/s",
        reference=SMALL / small["seconds"],
        reference_name=f"verifying {SMALL:,} of them",
    )
    report.figure(
        f"audit_verify peak RSS, {VERIFY_EVENTS:,} events",
        big["peak_rss_mb"],
        "MB",
        reference=small["peak_rss_mb"],
        reference_name=f"peak RSS verifying {SMALL:,}",
        higher_is_better=False,
        target="constant memory",
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--seal"]:
    print(json.dumps(_seal(sys.argv[2])))
elif __name__ == "__main__" and sys.argv[1:2] == ["--verify"]:
    print(json.dumps(_verify(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "fill")))
