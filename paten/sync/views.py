"""The HTTPS endpoint: an instance pushes a bundle, the answer is the next bundle back.

The file format is the protocol (docs/sync.md §8): the request body is an up bundle,
authenticated by its signature exactly as a file carried on a USB stick (no session, no
password, no CSRF token: nothing else is trusted). A refused bundle gets a JSON answer
naming why; an accepted (or held, or duplicate) one gets the central's next
configuration bundle for that instance, which carries the acknowledgement.
"""

import tempfile
import uuid

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import identity, imports, services
from .constants import BundleStatus
from .models import Peer

_READ = 1024 * 1024


@csrf_exempt
@require_POST
def bundle_exchange(request: HttpRequest) -> HttpResponse:
    if identity.installation().is_instance:
        return JsonResponse({"status": "refused", "reason": "not_central"}, status=404)
    inbox = imports.sync_dir("inbox")
    incoming = inbox / f"{uuid.uuid4().hex}.paten"
    try:
        with incoming.open("wb") as out:
            while True:
                chunk = request.read(_READ)
                if not chunk:
                    break
                out.write(chunk)
        outcome = services.bundle_import(path=incoming)
    finally:
        incoming.unlink(missing_ok=True)
    if outcome.status == BundleStatus.REFUSED:
        return JsonResponse(
            {
                "status": str(outcome.status),
                "reason": str(outcome.reason),
                "message": outcome.message,
            },
            status=400,
        )
    peer = Peer.objects.get(pk=outcome.log.peer_id)
    answer = tempfile.NamedTemporaryFile(dir=imports.sync_dir("out"), suffix=".paten", delete=False)
    answer.close()
    # If the instance has not applied our last answer (it was lost on the way), start
    # again from what it acknowledged: a full resend is always safe.
    resend = peer.acked_sequence < peer.out_sequence
    result = services.down_export(peer=peer, path=answer.name, resend=resend)
    response = FileResponse(open(answer.name, "rb"), content_type="application/octet-stream")  # noqa: SIM115
    response["X-Paten-Bundle-Status"] = str(BundleStatus(outcome.status).value)
    response["X-Paten-Down-Sequence"] = str(result.log.sequence)
    response["Cache-Control"] = "no-store"
    # The file is served from an open handle: it can go from the directory now.
    import os

    os.unlink(answer.name)
    return response
