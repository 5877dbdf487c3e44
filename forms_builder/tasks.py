"""Thin Celery wrappers around forms_builder services (queued from on_commit)."""

from celery import shared_task


@shared_task(name="forms_builder.application_notify", ignore_result=True)
def application_notify(event_id: str) -> None:
    """Tell the applicant about one state change; a re-delivered message does nothing."""
    from .notifications import notification_send

    notification_send(event_id=event_id)


@shared_task(name="forms_builder.pending_uploads_purge", ignore_result=True)
def pending_uploads_purge() -> int:
    """Remove the files kept after a refused form that were never used (Celery beat)."""
    from .services.uploads import pending_uploads_purge as purge

    return purge()
