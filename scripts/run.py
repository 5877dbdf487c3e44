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
            str(ROOT / "var" / "celerybeat.pid"),
        ],
    }
    pidfile = ROOT / "var" / "celerybeat.pid"
    pidfile.unlink(missing_ok=True)  # a stale pidfile from a killed run blocks beat
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
