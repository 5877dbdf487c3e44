from celery import shared_task


@shared_task(name="paten.sync.job_run", acks_late=True)
def sync_job_run(token: str) -> dict:
    from .jobs import job_run

    return job_run(token=token)
