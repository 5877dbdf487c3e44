"""Responses that carry private data: attachments, evidence, report files, exports.

Every private download goes through here so that none of them can be cached by a
shared proxy or the browser's disk cache, or sniffed into another content type.
"""

from typing import IO

from django.http import FileResponse, HttpResponse


def private_headers(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as private: never stored by a cache, its type never sniffed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_file_response(
    stream: IO[bytes],
    *,
    filename: str,
    content_type: str | None = None,
    as_attachment: bool = True,
) -> FileResponse:
    """Stream an open private file under ``filename`` (the response closes it)."""
    response = FileResponse(
        stream, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    return private_headers(response)
