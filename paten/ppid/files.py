"""Checking and storing the private files of requests (KTP copies, letters, answers,
notices): the type comes from the content, never the name (as ``forms_builder``)."""

import hashlib
import zipfile

from django.core.files.base import ContentFile

from forms_builder.validators import sniff_file_type, validate_upload

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


def _detect(head: bytes, uploaded) -> str | None:
    detected = sniff_file_type(head)
    if detected is None and head.startswith(b"PK\x03\x04") and _is_xlsx(uploaded):
        return "xlsx"
    return detected


def file_check(uploaded, *, accepted: tuple[str, ...], max_size_mb: int) -> str:
    """The file's type (``pdf``, ``jpg``, ``png``, ``xlsx``) from its content, or a
    ``ValidationError`` in plain words (empty, too large, unreadable, not accepted)."""
    return validate_upload(
        uploaded,
        accepted_types=accepted,
        max_size_mb=max_size_mb,
        labels=TYPE_LABELS,
        detect=_detect,
    )


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
