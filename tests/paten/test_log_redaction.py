"""Tracking codes never reach the logs: gunicorn's access log and Django's records."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from paten.log_redaction import RedactingGunicornLogger, RedactSecretsFilter, redact

CODE = "ABCD-EFGH-JK"


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"GET /lacak/{CODE}/ HTTP/1.1", "GET /lacak/…/ HTTP/1.1"),
        (f"/en/lacak/{CODE}/bukti.pdf", "/en/lacak/…/bukti.pdf"),
        (f"/lacak/?kode={CODE}&terkirim=1", "/lacak/?kode=…&terkirim=1"),
        (f"/survei/{CODE}/", "/survei/…/"),
        (f"https://paten.example/lacak/{CODE}/", "https://paten.example/lacak/…/"),
        # Fixed words of the same URLs stay readable.
        ("POST /lacak/aksi/ HTTP/1.1", "POST /lacak/aksi/ HTTP/1.1"),
        ("POST /lacak/unggah/ HTTP/1.1", "POST /lacak/unggah/ HTTP/1.1"),
        (f"/permohonan-informasi/lacak/{CODE}/bukti/", "/permohonan-informasi/lacak/…/bukti/"),
        (
            "POST /permohonan-informasi/lacak/unduh/ HTTP/1.1",
            "POST /permohonan-informasi/lacak/unduh/ HTTP/1.1",
        ),
        (
            "POST /permohonan-informasi/lacak/keberatan/ HTTP/1.1",
            "POST /permohonan-informasi/lacak/keberatan/ HTTP/1.1",
        ),
        ("/survei/terima-kasih/", "/survei/terima-kasih/"),
        ("/lacak/", "/lacak/"),
        # A NIK typed into the admin's global search box, with or without spaces.
        (
            "GET /admin/permohonan/?q=6474011203900001 HTTP/1.1",
            "GET /admin/permohonan/?q=… HTTP/1.1",
        ),
        ("/admin/permohonan/?q=6474+0112+0390+0001&p=2", "/admin/permohonan/?q=…&p=2"),
        # Shorter or longer digit runs are no NIK.
        ("/admin/permohonan/?p=12", "/admin/permohonan/?p=12"),
        ("1764777600123456789", "1764777600123456789"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_gunicorn_access_log_holds_no_tracking_code():
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s')
    logger = RedactingGunicornLogger(config)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(handler)
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/lacak/?kode={CODE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/lacak/",
        "QUERY_STRING": f"kode={CODE}",
        "HTTP_REFERER": f"https://paten.example/lacak/{CODE}/",
    }
    response = SimpleNamespace(
        status="302 Found", sent=0, headers=[("Location", f"/lacak/{CODE}/")]
    )
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    logger.access(response, request, environ, timedelta(milliseconds=3))

    assert lines == [
        '203.0.113.9 "GET /lacak/?kode=… HTTP/1.1" 302 "https://paten.example/lacak/…/" /lacak/ kode=…'
    ]


def test_django_log_records_are_redacted():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/lacak/{CODE}/",), None
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /lacak/…/"


def test_the_console_handler_redacts(settings):
    assert "redact_secrets" in settings.LOGGING["handlers"]["console"]["filters"]
