"""Big imports and exports run on a Celery worker; the admin page follows their progress.

A job is a token; its state lives in the cache (shared by the web and worker processes
of one installation) because the import it reports on runs inside one long transaction
that nobody else can see into. The state is ``queued``, ``running`` with ``done`` of
``total`` records, then the outcome.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from . import imports, services

_KEY = "paten-sync:job:{}"
_SECONDS = 24 * 3600


def job_state(token: str) -> dict | None:
    return cache.get(_KEY.format(token))


def _set(token: str, **state) -> None:
    cache.set(_KEY.format(token), state, _SECONDS)


def inbox_path(token: str):
    return imports.sync_dir("inbox") / f"{token}.paten"


def job_start(*, kind: str, options: dict | None = None) -> str:
    """Queue a job after commit; ``kind`` is ``import``, ``up_export`` or ``down_export``."""
    from .tasks import sync_job_run as sync_job_run_task

    token = uuid.uuid4().hex
    _set(token, status="queued", kind=kind, options=options or {})
    transaction.on_commit(lambda: sync_job_run_task.delay(token))
    return token


def job_run(*, token: str) -> dict:
    """Run a queued job once (a re-delivered message finds it done and does nothing)."""
    state = job_state(token)
    if state is None or state.get("status") not in ("queued", "running"):
        return state or {}
    kind, options = state["kind"], state.get("options", {})

    def progress(done: int, total: int = 0) -> None:
        _set(token, status="running", kind=kind, options=options, done=done, total=total)

    progress(0)
    if kind == "import":
        path = inbox_path(token)
        try:
            outcome = services.bundle_import(path=path, progress=progress)
        finally:
            path.unlink(missing_ok=True)
        result = {"status": outcome.status, "message": outcome.message, "reason": outcome.reason}
    else:
        from .admin_views import out_path
        from .models import Peer

        path = out_path(f"{token}.paten")
        if kind == "up_export":
            export = services.up_export(
                path=path, final=options.get("final", False), resend=options.get("resend", False)
            )
        else:
            export = services.down_export(
                peer=Peer.objects.get(pk=options["peer"]),
                path=path,
                resend=options.get("resend", False),
            )
        path.rename(out_path(f"{export.log.pk}.paten"))
        result = {"status": "written", "message": "", "bundle": str(export.log.pk)}
    _set(token, kind=kind, options=options, **result, finished=True)
    return result
