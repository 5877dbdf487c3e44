"""Thin Celery wrappers around forms_builder services (queued from on_commit)."""

from celery import shared_task


@shared_task(name="forms_builder.application_notify", ignore_result=True)
def application_notify(event_id: str) -> None:
    """Tell the applicant about one state change; a re-delivered message does nothing.
    (Events now notify through ``notifications_send``; this name stays for messages
    queued before.)"""
    from .notifications import notification_send

    notification_send(event_id=event_id)


@shared_task(name="forms_builder.notifications_send", ignore_result=True)
def notifications_send() -> int:
    """The drain queued after the commit of events that notify: sends every one due."""
    from .notifications import notifications_send_queued

    return notifications_send_queued()


@shared_task(name="forms_builder.notifications_sweep", ignore_result=True)
def notifications_sweep() -> int:
    """Send the due notifications that a lost or failed drain left (Celery beat)."""
    from .notifications import notifications_send_pending

    return notifications_send_pending()


@shared_task(name="forms_builder.pending_uploads_purge", ignore_result=True)
def pending_uploads_purge() -> int:
    """Remove the files kept after a refused form that were never used (Celery beat)."""
    from .services.uploads import pending_uploads_purge as purge

    return purge()
