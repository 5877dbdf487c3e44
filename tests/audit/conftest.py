from django.db import connection

import pytest

from paten.audit import triggers
from paten.regions.models import Region


def region(code: str, name: str) -> Region:
    parent = Region.objects.get(code=code.rsplit(".", 1)[0]) if "." in code else None
    return Region.objects.create(code=code, name=name, parent=parent)


@pytest.fixture
def bontang(db):
    """Kota Bontang with two kecamatan (docs/domain/identity-numbers.md)."""
    region("64", "Kalimantan Timur")
    region("64.74", "Kota Bontang")
    region("64.74.01", "Bontang Utara")
    region("64.74.02", "Bontang Selatan")
    return Region.objects.get(code="64.74")


def raw_execute(sql: str, params=()) -> None:
    """Run SQL with the append-only triggers switched off (as an attacker with DB access)."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)
