import os

from celery import Celery, shared_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paten.settings.dev")

app = Celery("paten")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@shared_task(name="paten.ping")
def ping(value: str = "pong") -> str:
    """Round trip used by health checks and the broker integration test."""
    return value
