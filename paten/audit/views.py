"""The public audit page: every chain, its checkpoints and the public key, so that
anyone (a witness, a journalist, the inspektorat) can keep copies and verify an export
with ``verify_export.py``. No personal data: chain names, sizes, hashes and signatures.

``/audit/<chain>/checkpoint.txt`` is the chain's latest signed checkpoint and
``/audit/<chain>/checkpoints.txt`` all of them (newest first), as plain text.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import keys
from .models import AuditChain
from .selectors import audit_chain_summaries, audit_checkpoints_of

RECENT = 10


@require_GET
def audit_public(request):
    chains = [
        {"summary": summary, "checkpoints": list(audit_checkpoints_of(summary.id, limit=RECENT))}
        for summary in audit_chain_summaries()
    ]
    return render(
        request,
        "audit/public.html",
        {"chains": chains, "public_key": keys.public_verifier_key(), "key_name": keys.key_name()},
    )


def _text(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


def _chain_or_404(chain_id: str) -> AuditChain:
    chain = AuditChain.objects.filter(pk=chain_id).first()
    if chain is None:
        raise Http404
    return chain


@require_GET
def audit_checkpoint_latest(request, chain_id: str):
    checkpoint = audit_checkpoints_of(_chain_or_404(chain_id).id).first()
    if checkpoint is None:
        raise Http404
    return _text(checkpoint.note)


@require_GET
def audit_checkpoints_all(request, chain_id: str):
    notes = audit_checkpoints_of(_chain_or_404(chain_id).id).values_list("note", flat=True)
    return _text("\n".join(notes.iterator()))


@require_GET
def audit_public_key(request):
    return _text(keys.public_verifier_key() + "\n")
