"""Thin Celery wrappers around PPID services (queued from ``transaction.on_commit``)."""

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    name="ppid.notice_email",
    ignore_result=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def notice_email_task(file_id: str) -> None:
    """E-mail the requester about one letter; a re-delivered message does nothing."""
    from .services import notice_email_send

    notice_email_send(file_id=file_id)


@shared_task(name="ppid.deadlines_recompute", ignore_result=True)
def deadlines_recompute_task() -> None:
    """Move the deadlines of open requests and objections after a calendar change."""
    from .services import deadlines_recompute

    deadlines_recompute()
