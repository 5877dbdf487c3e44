#!/bin/sh
# Container entrypoint: wait for the database, migrate (web only), optionally load
# the demo data, then run the command (gunicorn, celery worker, celery beat, ...).
#   DJANGO_MIGRATE=on|off          run migrations before starting (compose: web only)
#   DJANGO_LOAD_DEMO_DATA=on|off   run load_demo_data after migrating (idempotent)
#   DJANGO_DB_WAIT_SECONDS=60      how long to wait for the database
set -eu

python - <<'PY'
import os
import sys
import time

import django

django.setup()

from django.db import connection
from django.db.utils import OperationalError

deadline = time.monotonic() + int(os.environ.get("DJANGO_DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"entrypoint: database not reachable: {exc}")
        print("entrypoint: waiting for the database...", flush=True)
        time.sleep(2)
PY

if [ "${DJANGO_MIGRATE:-on}" = "on" ]; then
    python manage.py migrate --noinput
    if [ "${DJANGO_LOAD_DEMO_DATA:-off}" = "on" ]; then
        python manage.py load_demo_data
    fi
fi

exec "$@"
