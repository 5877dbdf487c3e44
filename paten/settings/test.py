"""Settings for pytest: fast hashing, in-memory cache and mail, eager tasks.

Integration tests that need a real broker (Redis) or a real worker build their own
Celery configuration; eager mode here is only for unit tests.
"""

import contextlib
import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")

from .base import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "cache+memory://"

_tmp = tempfile.mkdtemp(prefix="paten-test-")
MEDIA_ROOT = os.path.join(_tmp, "media")  # noqa: PTH118
PATEN_PRIVATE_ROOT = os.path.join(_tmp, "private")  # noqa: PTH118
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
STATIC_ROOT = os.path.join(_tmp, "static")  # noqa: PTH118
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: PTH103

# SQLite tests use a file, not memory: the live server of browser tests then opens its
# own connection instead of sharing the test thread's one (which breaks under
# Playwright), and --reuse-db can skip the migrations next time.


def _sqlite_test_file_claim() -> str:
    """The SQLite test file; a second concurrent test session gets its own file.

    The first session holds an exclusive lock on ``var/test.sqlite3.lock`` and reuses
    ``var/test.sqlite3``; another session started meanwhile (a second terminal, an
    editor's test runner) uses ``var/test-<pid>.sqlite3`` and removes it on exit, so the
    two never flush each other's tables. Child processes inherit the choice through
    ``PATEN_TEST_SQLITE_FILE``; pytest-xdist workers are such children, and pytest-django
    gives each its own file by appending the worker id (``var/test.sqlite3_gw0``), which
    the exit clean-up of a ``test-<pid>`` session removes too.
    """
    import atexit
    import fcntl
    import glob

    chosen = os.environ.get("PATEN_TEST_SQLITE_FILE")
    if chosen:
        return chosen
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    default = VAR_DIR / "test.sqlite3"  # noqa: F405
    lock = open(f"{default}.lock", "w")  # noqa: SIM115 (held for the whole process)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _held_locks.append(lock)
        chosen = str(default)
    except OSError:
        lock.close()
        chosen = str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405

        def _remove():
            # The file, its -wal/-shm/-journal companions and the xdist workers' copies.
            for path in glob.glob(glob.escape(chosen) + "*"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)

        atexit.register(_remove)
    os.environ["PATEN_TEST_SQLITE_FILE"] = chosen
    return chosen


_held_locks: list = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _sqlite_test_file_claim()}  # noqa: F405
