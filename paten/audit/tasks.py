"""Thin Celery wrappers around the audit services.

``audit.seal`` is queued after the commit of an audited change (one queued run per chain);
``audit.seal_sweep`` (every minute, ``CELERY_BEAT_SCHEDULE``) seals what a lost or
skipped task left; ``audit.checkpoint_due`` (every minute) signs the checkpoints that
the admin's interval makes due.
"""

from celery import shared_task

from .services import audit_checkpoint, audit_seal_all, audit_seal_queued


@shared_task(name="audit.seal")
def audit_seal_task(chain_id: str) -> int:
    return audit_seal_queued(chain_id)


@shared_task(name="audit.seal_sweep")
def audit_seal_sweep_task() -> dict:
    return audit_seal_all()


@shared_task(name="audit.checkpoint_due")
def audit_checkpoint_due_task() -> int:
    return len(audit_checkpoint(due_only=True))
