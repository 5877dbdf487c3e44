from django.db import connection

import pytest

from paten.audit import triggers


@pytest.fixture(autouse=True)
def _audit_key(settings, tmp_path, monkeypatch):
    """Each test signs with its own key file (created 0600 on first use)."""
    monkeypatch.delenv("PATEN_AUDIT_SIGNING_KEY", raising=False)
    settings.PATEN_AUDIT_KEY_FILE = str(tmp_path / "audit-key" / "signing-key.pem")
    settings.PATEN_AUDIT_ORIGIN = "paten.test/audit"


def raw_execute(sql: str, params=()) -> None:
    """Run SQL with the append-only triggers switched off (as an attacker with DB access)."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)
