"""Development and the embedded one-command set-up (``make run``)."""

import os
import warnings

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")

from .base import *  # noqa: E402, F403
from .base import VAR_DIR  # noqa: E402

# A naive datetime is a bug in a product used in three time zones.
warnings.filterwarnings(
    "error", r"DateTimeField .* received a naive datetime", RuntimeWarning, r"django\.db\.models"
)

INTERNAL_IPS = ["127.0.0.1"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

for folder in ("celery/queue", "celery/processed", "celery/control", "media", "private", "static"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
