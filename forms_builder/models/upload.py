"""Files chosen on an application form whose other answers were refused.

A citizen (or a petugas loket) who posts a form with an error keeps the valid files:
each is stored privately and named by a random token that the re-rendered form
carries in a hidden input. The token works only in the browser session that chose the
file, only until it expires, and only once (``forms_builder.services.uploads``).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .application import private_storage


def pending_upload_to(instance: "PendingUpload", filename: str) -> str:
    # Never the uploader's file name (it may carry personal data) nor their extension.
    return f"pending/{uuid.uuid4().hex}"


class PendingUpload(models.Model):
    # Digests only: the tokens themselves live in the session's form and nowhere else.
    token_digest = models.CharField(_("token digest"), max_length=64, unique=True)
    owner_digest = models.CharField(_("session digest"), max_length=64, db_index=True)
    form_version = models.ForeignKey(
        "forms_builder.FormVersion",
        verbose_name=_("form version"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    field_key = models.CharField(_("field key"), max_length=100)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=pending_upload_to, max_length=200
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("file kept after an error")
        verbose_name_plural = _("files kept after an error")

    def __str__(self) -> str:
        return f"{self.field_key} ({self.size} B)"
