"""Plumbing shared by the benchmarks: throw-away databases and measuring subprocesses.

Each measurement runs in a subprocess so that it gets its own Django settings
(``DATABASE_URL`` and friends) and prints its figures as JSON on its last line.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def django_start(database_url: str) -> None:
    """In a measuring subprocess: start Django (test settings) on ``database_url``,
    with log records below warnings silenced so they do not mix with the figures."""
    import logging

    import django

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paten.settings.test")
    django.setup()
    logging.disable(logging.WARNING)


def postgres_server_url() -> str | None:
    """``BENCH_POSTGRES_URL``, or the local server when one answers on 5432."""
    url = os.environ.get("BENCH_POSTGRES_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return "postgres://postgres@127.0.0.1:5432/postgres"
    except OSError:
        return None


def with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def throwaway_postgres(report, name: str) -> Iterator[str | None]:
    """A fresh PostgreSQL database for one bench, dropped afterwards; None without a server."""
    server = postgres_server_url()
    if not server:
        report.note("PostgreSQL: no server answered on 127.0.0.1:5432 (set BENCH_POSTGRES_URL)")
        yield None
        return
    pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_admin(server, f"CREATE DATABASE {name}")
    try:
        yield with_db(server, name)
    finally:
        pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def throwaway_sqlite(name: str) -> Iterator[str]:
    """A fresh SQLite file under var/bench, removed afterwards (with its WAL files)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / name

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    remove()
    try:
        yield f"sqlite:///{path}"
    finally:
        remove()


@contextmanager
def scratch_dir(name: str) -> Iterator[Path]:
    """An empty directory ``var/bench/<name>`` (a server's PATEN_VAR_DIR), removed afterwards."""
    path = BENCH_DIR / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def each_database(report, *, sqlite: str, postgres: str) -> Iterator[tuple[str, str]]:
    """(label, URL) of a throw-away SQLite file, then of a throw-away PostgreSQL database
    when a server answers; each is removed once the loop body is done with it."""
    with throwaway_sqlite(sqlite) as url:
        yield "SQLite", url
    with throwaway_postgres(report, postgres) as url:
        if url:
            yield "PostgreSQL", url


def run_json(script: str, *args: str, env: dict | None = None) -> dict:
    """Run ``python script *args`` from the repo root; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """(status, raw response) of one GET on loopback, on a new connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


def cpu_seconds(match) -> float:
    """CPU seconds (user + system) used so far by the live processes for which
    ``match(pgid, cmdline)`` is true, read from ``/proc`` (Linux; 0.0 elsewhere). A
    process that ends between two readings takes its time with it: compare readings
    of long-lived processes only (server workers, database backends)."""
    ticks = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue  # ended meanwhile, or not ours to read
        # After the command name: state, ppid, pgrp, …, utime (12th), stime (13th).
        if match(int(stat[2]), cmdline):
            ticks += int(stat[11]) + int(stat[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM to the process group, SIGKILL if it does not end within ``timeout``."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# The settings of docker/Dockerfile's and compose.yaml's gunicorn command (sync workers,
# no threads: gunicorn's defaults), so that a bench measures what production runs: the
# redacting access log (written to /dev/null here), the timeout and the header limits.
PRODUCTION_GUNICORN_ARGS = [
    "--worker-class",
    "sync",
    "--access-logfile",
    os.devnull,
    "--logger-class",
    "paten.log_redaction.RedactingGunicornLogger",
    "--timeout",
    "60",
    "--limit-request-line",
    "8190",
    "--limit-request-fields",
    "100",
    "--limit-request-field_size",
    "8190",
]


@contextmanager
def gunicorn(app: str, *, workers: int, env: dict) -> Iterator[int]:
    """gunicorn serving ``app`` with production's settings (``PRODUCTION_GUNICORN_ARGS``)
    and ``workers`` processes on a free loopback port, ready when ``/healthz`` answers;
    yields the port and stops the server afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--workers",
            str(workers),
            *PRODUCTION_GUNICORN_ARGS,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "PATEN_BENCH_SERVER": "1"},
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                if http_get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield port
    finally:
        process_stop(server)
