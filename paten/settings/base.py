"""Settings shared by every environment.

Every value is read from the environment (django-environ); the defaults are the
embedded set-up: a SQLite file and a serverless Celery broker under ``var/``.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

from paten.regions.timezones import time_zone_for_region

# =============================================================================
# PATHS
# =============================================================================
BASE_DIR = Path(__file__).resolve().parent.parent.parent
PATEN_DIR = BASE_DIR / "paten"

env = environ.Env()
VAR_DIR = Path(env.str("PATEN_VAR_DIR", default=str(BASE_DIR / "var")))
# The audit log's signing key (paten/audit/keys.py) and the name its checkpoints carry.
PATEN_AUDIT_KEY_FILE = env.str("PATEN_AUDIT_KEY_FILE", default="")
PATEN_AUDIT_ORIGIN = env.str("PATEN_AUDIT_ORIGIN", default="paten/audit")

# =============================================================================
# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/
# =============================================================================
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Indonesian is the default language of public pages and of the admin.
LANGUAGE_CODE = env.str("PATEN_LANGUAGE_CODE", default="id")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# The second fills the strings Wagtail's own Indonesian catalogue lacks (paten/wagtail_catalogue.py).
LOCALE_PATHS = [PATEN_DIR / "locale", PATEN_DIR / "locale_wagtail"]
# The kabupaten/kota this installation serves (Kemendagri code, e.g. "64.74").
# import_regions installs only this subtree unless told otherwise.
PATEN_KABUPATEN_KOTA = env.str("PATEN_KABUPATEN_KOTA", default="64.74")
# One installation, one time zone: by default the zone of its kabupaten/kota
# (Keppres 41/1987; paten/regions/timezones.py), e.g. Asia/Makassar (WITA) for Kota Bontang.
TIME_ZONE = env.str("PATEN_TIME_ZONE", default=time_zone_for_region(PATEN_KABUPATEN_KOTA))
USE_I18N = True
USE_TZ = True

ROOT_URLCONF = "paten.urls"
WSGI_APPLICATION = "paten.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

# =============================================================================
# APPS
# =============================================================================
INSTALLED_APPS = [
    # First, so that serialized test data (serialized_rollback) restores content
    # types before any row whose save looks them up.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    # platform core
    "paten",
    "paten.site",
    "paten.regions",
    "paten.accounts",
    "paten.audit",
    "paten.workdays",
    "paten.sync",
    "paten.ppid",
    # domain apps
    "service_catalog",
    "forms_builder",
    "reporting",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # third party
    "import_export",
    "django_celery_beat",
    "django_celery_results",
    "axes",
    "csp",
    # django
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Trigram lookups for the catalog search on PostgreSQL (does nothing on SQLite).
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (settings below, admin allowances in paten.csp).
    "paten.csp.PatenCSPMiddleware",
    # Refuses a body over PATEN_MAX_REQUEST_MB before anything reads it (paten/middleware.py).
    "paten.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzip for public pages only, never for one holding a CSRF token or a signed-in
    # user's data (BREACH; paten/compression.py explains the rule).
    "paten.compression.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Writes refused by an offline-sync guard become a message (paten/sync/guards.py).
    "paten.sync.middleware.ReadOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # AxesMiddleware must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PATEN_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# =============================================================================
# DATABASE
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# =============================================================================
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'paten.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the Celery worker and beat share one file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# =============================================================================
# CACHE AND CELERY
# REDIS_URL switches the cache and the Celery broker to Redis. Without it Celery
# still runs a real worker process on kombu's filesystem transport under var/.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# =============================================================================
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_DIR = VAR_DIR / "celery"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("PATEN_CACHE_PREFIX", default="paten"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    # A task that is not acknowledged is redelivered after this many seconds;
    # it must exceed the longest task (the hard time limit below).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_DIR / "control"),
    }

CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1500)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_RESULT_EXTENDED = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Fixed maintenance tasks; report schedules made in the admin are PeriodicTask rows.
# DatabaseScheduler copies these entries into the database when beat starts.
CELERY_BEAT_SCHEDULE = {
    # Audit chains: seal what an on-commit task missed; sign the checkpoints that are due.
    "audit-seal-sweep": {"task": "audit.seal_sweep", "schedule": 60.0},
    "audit-checkpoint-due": {"task": "audit.checkpoint_due", "schedule": 60.0},
    # Applicant notifications that a lost or failed drain left.
    "forms-builder-notifications-sweep": {
        "task": "forms_builder.notifications_sweep",
        "schedule": 60.0,
    },
    # Files kept after a refused application form and never used.
    "forms-builder-purge-pending-uploads": {
        "task": "forms_builder.pending_uploads_purge",
        "schedule": 3600.0,
    },
    "reporting-recover-runs": {
        "task": "reporting.report_runs_recover",
        "schedule": 300.0,
    },
    "reporting-purge-runs": {
        "task": "reporting.report_runs_purge",
        "schedule": crontab(hour=2, minute=30),
    },
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# =============================================================================
# AUTHENTICATION
# =============================================================================
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Brute-force protection on the admin login (django-axes).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# Locked by address (one wrong password on each of many accounts) and, separately, by
# username (one account tried from many addresses); a success resets both counts. A
# request without an address is locked by username only (paten/network.py).
AXES_LOCKOUT_PARAMETERS = "paten.network.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "paten/lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "paten.network.client_ip"
# How many reverse proxies in front of gunicorn append the client's address to
# X-Forwarded-For (paten/network.py); 0 when gunicorn faces the clients itself. Wrong
# here means every client shares the proxy's address (one lockout for the whole town)
# or anyone can pick their address. AXES_IPWARE_PROXY_COUNT is its older name.
PATEN_TRUSTED_PROXY_COUNT = env.int(
    "PATEN_TRUSTED_PROXY_COUNT", default=env.int("AXES_IPWARE_PROXY_COUNT", default=0)
)

# =============================================================================
# STATIC AND MEDIA
# Everything a page needs is served by the app itself: offices may be offline.
# =============================================================================
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Attachments with personal data never live under MEDIA_ROOT (a public URL).
PATEN_PRIVATE_ROOT = Path(env.str("PATEN_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# =============================================================================
# REQUEST SIZE
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
# =============================================================================
# The largest request body, all uploaded files of one form together (an attachment may
# be up to 50 MB, service_catalog.RequiredDocument). The reverse proxy's limit (nginx
# client_max_body_size, README) must be the same.
PATEN_MAX_REQUEST_MB = env.int("PATEN_MAX_REQUEST_MB", default=100)
# The non-file part of a body (form fields); more is refused with 400.html.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded files above this size are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# =============================================================================
# EMAIL
# =============================================================================
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PATEN <paten@localhost>")

# =============================================================================
# WAGTAIL
# https://docs.wagtail.org/en/stable/reference/settings.html
# =============================================================================
WAGTAIL_SITE_NAME = env.str("PATEN_SITE_NAME", default="PATEN")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
# Wagtail ships its Indonesian admin catalogue as "id_ID"; offering "id-id" makes
# the admin use it while Django's own "id" catalogue still applies.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("id-id", "Bahasa Indonesia"), ("en", "English")]
WAGTAIL_USER_TIME_ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
# No avatars from gravatar.com: offices may be offline, and the request would hand a
# hash of each staff e-mail address to a third party. Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# An approved workflow publishes what it approved (paten/moderation.py): a service
# standard can be published by no one directly, only by someone else's approval.
WAGTAIL_FINISH_WORKFLOW_ACTION = "paten.moderation.publish_approved"

# =============================================================================
# IMPORT / EXPORT
# https://django-import-export.readthedocs.io/en/latest/installation.html#settings
# =============================================================================
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# =============================================================================
# PATEN
# =============================================================================
# Counter closing time: an application received after it counts from the next
# working day (paten.workdays.calendar explains the rule).
PATEN_COUNTER_CLOSES_AT = env.str("PATEN_COUNTER_CLOSES_AT", default="16:00")

# =============================================================================
# SECURITY (tightened in production.py)
# =============================================================================
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# =============================================================================
# CONTENT SECURITY POLICY (django-csp)
# https://django-csp.readthedocs.io/en/latest/configuration.html
# Everything a page needs comes from this server; no inline script anywhere. The
# Wagtail admin gets the few extra sources it needs in paten/csp.py, only under /admin/.
# =============================================================================
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# =============================================================================
# LOGGING
# =============================================================================
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tracking codes authorise cancelling and uploading: never in a log line.
    "filters": {"redact_secrets": {"()": "paten.log_redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Through our console handler only (Django's default one, active under DEBUG,
        # prints messages unfiltered).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # These log every login, background index update and PDF step at INFO;
        # failures stay visible.
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# =============================================================================
# PUBLIC READ API (service catalog open data)
# https://www.django-rest-framework.org/api-guide/settings/
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# =============================================================================
INSTALLED_APPS += ["drf_spectacular"]
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PATEN — katalog layanan",
    "DESCRIPTION": "Open data: services, standar pelayanan, categories and legal instruments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Only the public read API; Wagtail's own admin API is not part of the open data
    # (and `check --deploy` generates the schema from this too).
    "PREPROCESSING_HOOKS": ["service_catalog.api.public_api_only"],
}
