"""Files kept across a refused post of an application form (the two-stage upload).

``pending_upload_keep`` stores a valid file chosen on a form that was refused for
another reason and returns a random token; the re-rendered form carries the token
instead of the file, so the applicant need not choose it again. A token is honoured
only for the session that chose the file (``owner``: a random value kept in that
session), for the same form version and field, before it expires, and once: the
successful submission consumes it, and ``pending_uploads_purge`` (Celery beat) removes
what was never used.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ..models import FormVersion, PendingUpload
from ..models.application import private_storage
from ..validators import SNIFF_BYTES, content_type_for, sniff_file_type

# How long a kept file waits for the corrected form, and how many one session may hold.
DEFAULT_LIFETIME = timedelta(hours=24)
DEFAULT_PER_OWNER = 20


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _lifetime() -> timedelta:
    hours = getattr(settings, "FORMS_BUILDER_PENDING_UPLOAD_HOURS", None)
    return timedelta(hours=hours) if hours else DEFAULT_LIFETIME


@dataclass(frozen=True)
class KeptUpload:
    """A kept file as the form shows it: the token to post back and the file's name."""

    token: str
    name: str


def _delete(uploads) -> int:
    uploads = list(uploads)
    if not uploads:
        return 0  # a submission with no kept file: not even an empty transaction
    names = [u.file.name for u in uploads if u.file]
    deleted, _ = PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
    # Files go after the rows are gone (on commit), so a rolled-back delete keeps both.
    transaction.on_commit(lambda: [private_storage.delete(name) for name in names])
    return deleted


def pending_upload_keep(
    *, owner: str, form_version: FormVersion, field_key: str, uploaded
) -> KeptUpload:
    """Store ``uploaded`` (already checked by its form field) for ``owner``'s next post."""
    token = secrets.token_urlsafe(32)
    owner_digest = _digest(owner)
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES) or b""
    uploaded.seek(0)
    name = (getattr(uploaded, "name", "") or "")[-200:]
    upload = PendingUpload(
        token_digest=_digest(token),
        owner_digest=owner_digest,
        form_version=form_version,
        field_key=field_key,
        original_name=name,
        content_type=content_type_for(sniff_file_type(head)),
        size=uploaded.size,
        expires_at=timezone.now() + _lifetime(),
    )
    upload.file.save("upload", uploaded, save=False)
    try:
        upload.save()
    except BaseException:
        private_storage.delete(upload.file.name)
        raise
    uploaded.seek(0)
    limit = getattr(settings, "FORMS_BUILDER_PENDING_UPLOADS_PER_SESSION", DEFAULT_PER_OWNER)
    older = PendingUpload.objects.filter(owner_digest=owner_digest).order_by("-created_at", "-pk")
    _delete(older[limit:])
    return KeptUpload(token=token, name=name)


def pending_upload_find(
    *, owner: str | None, form_version: FormVersion, field_key: str, token: str
) -> PendingUpload | None:
    """The kept file of ``token`` if ``owner`` kept it for this form version and field
    and it has not expired; None otherwise (another session's token, say)."""
    if not owner or not token:
        return None
    return PendingUpload.objects.filter(
        token_digest=_digest(token),
        owner_digest=_digest(owner),
        form_version=form_version,
        field_key=field_key,
        expires_at__gt=timezone.now(),
    ).first()


def pending_upload_open(upload: PendingUpload) -> UploadedFile:
    """The kept file as an upload the form fields and ``application_submit`` accept."""
    return UploadedFile(
        file=private_storage.open(upload.file.name, "rb"),
        name=upload.original_name or "upload",
        content_type=upload.content_type,
        size=upload.size,
    )


def pending_uploads_claim(*, uploads: dict) -> set:
    """Lock the kept files of ``uploads`` (``{key: PendingUpload}``) for the submission
    being saved in the current transaction; the keys whose file is gone.

    Two posts of one form with the same token (a double click, two tabs) both find its
    file, but only one may use it: the row lock makes the other wait until the first
    has committed, and then its file is gone (consumed) and its key is returned. Call
    it inside ``transaction.atomic`` before saving anything, and consume the files in
    the same transaction (``pending_uploads_consume``).
    """
    wanted = {key: upload.pk for key, upload in uploads.items()}
    if not wanted:
        return set()
    locked = set(
        PendingUpload.objects.select_for_update()
        .filter(pk__in=wanted.values())
        .values_list("pk", flat=True)
    )
    return {key for key, pk in wanted.items() if pk not in locked}


def pending_uploads_consume(*, uploads) -> int:
    """Remove kept files that a successful submission has used (a token works once)."""
    return _delete(uploads)


def pending_uploads_purge(*, now=None) -> int:
    """Remove the kept files that have expired; returns how many."""
    now = now or timezone.now()
    expired = PendingUpload.objects.filter(expires_at__lte=now).only("pk", "file")
    total = 0
    while batch := list(expired[:500]):
        total += _delete(batch)
    return total
