"""Thin Celery wrappers around the audit services.

``audit.seal`` is queued after the commit of an audited change (one queued run per chain);
``audit.seal_sweep`` (every minute, ``CELERY_BEAT_SCHEDULE``) seals what a lost or
skipped task left; ``audit.checkpoint_due`` (every minute) signs the checkpoints that
the admin's interval makes due. Their results are kept nowhere: the chains and the
checkpoints are the record (and a stored result would be one more write per run).
"""

from celery import shared_task

from .services import audit_checkpoint, audit_seal_all, audit_seal_queued


@shared_task(name="audit.seal", ignore_result=True)
def audit_seal_task(chain_id: str) -> int:
    return audit_seal_queued(chain_id)


@shared_task(name="audit.seal_sweep", ignore_result=True)
def audit_seal_sweep_task() -> dict:
    return audit_seal_all()


@shared_task(name="audit.checkpoint_due", ignore_result=True)
def audit_checkpoint_due_task() -> int:
    return len(audit_checkpoint(due_only=True))
