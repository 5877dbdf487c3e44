"""Settings for pytest: fast hashing, in-memory cache and mail, eager tasks.

Integration tests that need a real broker (Redis) or a real worker build their own
Celery configuration; eager mode here is only for unit tests.
"""

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
_sqlite_test_file = env.str(  # noqa: F405
    "PATEN_TEST_SQLITE_FILE",
    default=str(VAR_DIR / "test.sqlite3"),  # noqa: F405
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _sqlite_test_file}  # noqa: F405
