"""`make run` (scripts/run.py): the beat pidfile lives in the configured var dir."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "scripts" / "run.py"


def _pidfile_for(env: dict[str, str]) -> Path:
    code = f"import runpy; print(runpy.run_path({str(RUN)!r})['beat_pidfile']())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "paten.settings.dev", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(result.stdout.strip().splitlines()[-1])


def test_beat_pidfile_follows_paten_var_dir(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"

    assert _pidfile_for({"PATEN_VAR_DIR": str(first)}) == first / "celerybeat.pid"
    assert _pidfile_for({"PATEN_VAR_DIR": str(second)}) == second / "celerybeat.pid"


def test_a_live_beats_pidfile_is_kept(tmp_path):
    run = runpy.run_path(str(RUN))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pidfile = tmp_path / "celerybeat.pid"
        pidfile.write_text(f"{sleeper.pid}\n")

        assert run["clear_stale_pidfile"](pidfile) is False
        assert pidfile.read_text() == f"{sleeper.pid}\n"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_dead_beats_pidfile_is_removed(tmp_path):
    run = runpy.run_path(str(RUN))
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pidfile = tmp_path / "celerybeat.pid"
    pidfile.write_text(finished.stdout)

    assert run["clear_stale_pidfile"](pidfile) is True
    assert not pidfile.exists()
