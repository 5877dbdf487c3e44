"""`make run`: migrate, load demo data, then run web + Celery worker + beat together.

Everything runs on embedded defaults (SQLite and the filesystem Celery broker under
var/) unless DATABASE_URL / REDIS_URL say otherwise. Ctrl-C stops all three.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = os.environ.get("PATEN_HOST", "127.0.0.1")
PORT = int(os.environ.get("PATEN_PORT", "8000"))


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def var_dir() -> Path:
    """The var dir the settings use (``PATEN_VAR_DIR``), so two instances never share files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paten.settings.dev")
    from django.conf import settings

    # The web, worker and beat processes run in ROOT: a relative var dir means ROOT's.
    return ROOT / Path(settings.VAR_DIR)


def beat_pidfile() -> Path:
    return var_dir() / "celerybeat.pid"


def clear_stale_pidfile(pidfile: Path) -> bool:
    """Remove a pidfile left by a killed beat; keep one whose process still runs.

    A live beat's pidfile stays, so its beat refuses to start a second one (which would
    send every schedule twice). Returns whether the file was removed.
    """
    try:
        pid = int(pidfile.read_text().strip())
    except FileNotFoundError:
        return False
    except ValueError:
        pid = None
    if pid is not None and pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pass
        except PermissionError:
            return False  # alive, owned by someone else
        else:
            return False
    pidfile.unlink(missing_ok=True)
    return True


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paten.settings.dev")
    if port_in_use(HOST, PORT):
        print(
            f"Port {PORT} is already in use: is PATEN already running? "
            "Stop it, or choose another port with PATEN_PORT=8001 make run."
        )
        return 1
    manage("migrate", "--noinput")
    manage("load_demo_data")

    pidfile = beat_pidfile()
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    if pidfile.exists() and not clear_stale_pidfile(pidfile):
        print(f"Celery beat is already running (pidfile {pidfile}); not starting a second one.")
        return 1
    commands = {
        "web": [PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [
            PY,
            "-m",
            "celery",
            "-A",
            "paten",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--without-gossip",
        ],
        "beat": [
            PY,
            "-m",
            "celery",
            "-A",
            "paten",
            "beat",
            "--loglevel",
            "INFO",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile",
            str(pidfile),
        ],
    }
    processes = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands.items()}

    def stop(*_args):
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def on_signal(signum, _frame):
        print("\nStopping web, worker and beat...")
        stop()
        sys.exit(0)

    # Set explicitly: a process started in the background ignores SIGINT by default.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    for _ in range(100):
        if port_in_use(HOST, PORT):
            break
        time.sleep(0.2)
    subprocess.run([PY, "manage.py", "demo_banner", f"--url=http://{HOST}:{PORT}/"], cwd=ROOT)
    while True:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with code {process.returncode}; stopping the others.")
                stop()
                return process.returncode or 1
        time.sleep(1)


if __name__ == "__main__":
    raise SystemExit(main())
