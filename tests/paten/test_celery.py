"""Celery runs real workers: on Redis (CI, production) and on the serverless
filesystem broker that the one-command set-up uses."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from tests.services import redis_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_celery_app():
    """A fresh Celery app with the project's configuration, pointed at real Redis.

    Fresh, because the project's app has cached its eager-mode result backend and
    connections in earlier tests.
    """
    app = Celery("paten-redis-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url(),
        result_backend=redis_url(),
        broker_transport_options={"visibility_timeout": 3600},
    )
    app.autodiscover_tasks()
    app.loader.import_default_modules()
    yield app
    app.close()
    # start_worker made this app the current and default one, and shared tasks (the
    # audit sealer) follow it: give them back the project's eager app for later tests.
    from paten.celery import app as project_app

    project_app.set_current()
    project_app.set_default()


@pytest.mark.integration
@pytest.mark.redis
def test_task_round_trip_through_redis_to_a_real_worker(redis_celery_app):
    with start_worker(redis_celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        result = redis_celery_app.send_task("paten.ping", args=["halo dari redis"])
        assert result.get(timeout=30) == "halo dari redis"
        assert result.status == "SUCCESS"


@pytest.mark.integration
@pytest.mark.slow
def test_embedded_filesystem_broker_runs_a_real_worker_process(tmp_path):
    """The default with no REDIS_URL: a worker *process* on kombu's filesystem
    transport under var/ (here a temporary var/), with no server to install."""
    var = tmp_path / "var"
    for folder in ("celery/queue", "celery/processed", "celery/control"):
        (var / folder).mkdir(parents=True)
    results = tmp_path / "results"
    results.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "paten.settings.dev",
        "PATEN_VAR_DIR": str(var),
        "CELERY_RESULT_BACKEND": f"file://{results}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "paten",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = Celery(
            "client", broker="filesystem://", backend=f"file://{results}", set_as_current=False
        )
        client.conf.broker_transport_options = {
            "data_folder_in": str(var / "celery/queue"),
            "data_folder_out": str(var / "celery/queue"),
            "control_folder": str(var / "celery/control"),
        }
        result = client.send_task("paten.ping", args=["halo tanpa server"])
        deadline = time.monotonic() + 60
        while not result.ready() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        if worker.poll() is not None:
            pytest.fail(f"worker exited: {worker.stdout.read().decode()[-2000:]}")
        assert result.get(timeout=5) == "halo tanpa server"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
