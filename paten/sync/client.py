"""At an instance with a connection: push the next bundle to the central, import its answer."""

import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import identity, imports, services

TIMEOUT = 120
_READ = 1024 * 1024


def exchange_url(base: str) -> str:
    return base.rstrip("/") + "/sinkron/bundel/"


def push(*, url: str | None = None) -> tuple[services.export.ExportResult, imports.ImportOutcome]:
    """Send the next up bundle over HTTPS; import the configuration bundle that comes back.

    Raises ``ValidationError`` with the central's reason when it refuses the bundle, or
    when the central cannot be reached (the bundle stays on disk to carry by hand).
    """
    central = identity.central_peer()
    base = url or (central.url if central is not None else "")
    if not base:
        raise ValidationError(_("The central's address is not known; give it with --url."))
    outbox = imports.sync_dir("out")
    path = outbox / "push.paten"
    # When the central has not acknowledged our last bundle, resend from its acknowledgement.
    result = services.up_export(
        path=path, resend=central is not None and central.acked_sequence < central.out_sequence
    )
    size = path.stat().st_size
    with path.open("rb") as body:
        request = urllib.request.Request(  # noqa: S310 (the admin-configured central URL)
            exchange_url(base),
            data=body,
            method="POST",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                answer = Path(tempfile.mkstemp(dir=outbox, suffix=".paten")[1])
                with answer.open("wb") as out:
                    for chunk in iter(lambda: response.read(_READ), b""):
                        out.write(chunk)
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read().decode("utf-8")).get("message", "")
            except (ValueError, UnicodeDecodeError):
                detail = str(error)
            raise ValidationError(
                _("The central refused bundle #%(n)s: %(why)s")
                % {"n": result.log.sequence, "why": detail}
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ValidationError(
                _("The central cannot be reached (%(error)s). Carry bundle #%(n)s by hand.")
                % {"error": getattr(error, "reason", error), "n": result.log.sequence}
            ) from None
    try:
        outcome = services.bundle_import(path=answer)
    finally:
        answer.unlink(missing_ok=True)
    return result, outcome
