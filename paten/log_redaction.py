"""Secrets in URLs kept out of the logs: tracking codes in paths and query strings.

Holding an application's tracking code lets one cancel it or upload to it, so the code
must not end up in access logs. Public pages carry it only as a path segment
(``/lacak/<code>/``, ``/survei/<code>/``); old links may still send ``?kode=``. Both
are replaced by ``…`` in gunicorn's access log, and so is a NIK (16 digits, perhaps
split by spaces typed into the admin's search box: ``?q=6474+0112…``) (``RedactingGunicornLogger``, set with
``--logger-class``) and in Django's own log records (``RedactSecretsFilter``).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "…"

# A path segment after /lacak/ or /survei/ (optionally under a language prefix) that is
# not one of the fixed words, and any kode= query value.
# The PPID tracker (paten.ppid.urls) adds "unduh", "tarik" and "keberatan".
_FIXED_SEGMENTS = ("aksi", "unggah", "kios", "terima-kasih", "unduh", "tarik", "keberatan")
SECRET_IN_URL = re.compile(
    r"(?P<path>/(?:lacak|survei)/)(?!(?:" + "|".join(_FIXED_SEGMENTS) + r")(?:[/?#\s]|$))"
    r"[^/?#\s\"']+"
    r"|(?P<query>(?:(?<=[?&;])|^)kode=)[^&#\s\"']*"
    r"|(?<![0-9])[0-9](?:(?:\+|%20| )?[0-9]){15}(?![0-9])",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with every tracking code in a URL path or ``kode=``, and every NIK,
    replaced by ``…``."""

    def replace(match: re.Match) -> str:
        return (match.group("path") or match.group("query") or "") + REDACTED

    return SECRET_IN_URL.sub(replace, text)


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger, with tracking codes removed from every access-log atom."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts tracking codes in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
