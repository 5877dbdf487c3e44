"""Checking and storing the private files of requests (KTP copies, letters, answers,
notices): the type comes from the content, never the name (as ``forms_builder``)."""

import hashlib
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from forms_builder.validators import SNIFF_BYTES, sniff_file_type

from .constants import FileKind
from .models import RequestFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "xlsx": XLSX}
TYPE_LABELS = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "xlsx": "XLSX"}
EXTENSIONS = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png", "xlsx": ".xlsx"}
IDENTITY_TYPES = ("pdf", "jpg", "png")
ANSWER_TYPES = ("pdf", "jpg", "png", "xlsx")
IDENTITY_MAX_MB = 5
ANSWER_MAX_MB = 20


def _is_xlsx(uploaded) -> bool:
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
        return "xl/workbook.xml" in names and "[Content_Types].xml" in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)


def file_check(uploaded, *, accepted: tuple[str, ...], max_size_mb: int) -> str:
    """The file's type (``pdf``, ``jpg``, ``png``, ``xlsx``) from its content, or a
    ``ValidationError`` in plain words (empty, too large, unreadable, not accepted)."""
    labels = ", ".join(TYPE_LABELS[t] for t in accepted)
    size = getattr(uploaded, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("The file is too large (%(size).1f MB); the limit is %(limit)d MB."),
            code="size",
            params={"size": size / (1024 * 1024), "limit": max_size_mb},
        )
    try:
        uploaded.seek(0)
        head = uploaded.read(SNIFF_BYTES) or b""
        uploaded.seek(0)
    except (OSError, ValueError) as exc:
        raise ValidationError(_("The file could not be read."), code="unreadable") from exc
    detected = sniff_file_type(head)
    if detected is None and "xlsx" in accepted and head.startswith(b"PK\x03\x04"):
        detected = "xlsx" if _is_xlsx(uploaded) else None
    if detected not in accepted:
        raise ValidationError(
            _("The file's content is not an accepted type. Upload %(types)s."),
            code="type",
            params={"types": labels},
        )
    return detected


def request_file_store(
    *,
    request,
    kind: str,
    content: bytes | None = None,
    uploaded=None,
    file_type: str,
    title: str = "",
    letter: str = "",
    objection=None,
    actor=None,
) -> RequestFile:
    """Save bytes or an already checked upload as a private file of ``request``."""
    if uploaded is not None:
        uploaded.seek(0)
        content = uploaded.read()
    assert content is not None  # noqa: S101 (programming error, not input)
    record = RequestFile(
        request=request,
        objection=objection,
        kind=kind,
        letter=letter,
        title=title or str(FileKind(kind).label),
        original_name=(getattr(uploaded, "name", "") or "")[:200],
        content_type=CONTENT_TYPES[file_type],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.file.save(f"{kind}{EXTENSIONS[file_type]}", ContentFile(content), save=False)
    record.save()
    return record
