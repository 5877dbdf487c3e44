from zoneinfo import ZoneInfo

import pytest

from paten.regions.models import Region
from paten.workdays.calendar import WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")


def region(code: str, name: str) -> Region:
    parent = Region.objects.get(code=code.rsplit(".", 1)[0]) if "." in code else None
    return Region.objects.create(code=code, name=name, parent=parent)


@pytest.fixture
def bontang(db):
    region("64", "Kalimantan Timur")
    region("64.74", "Kota Bontang")
    region("64.74.01", "Bontang Utara")
    region("64.72", "Kabupaten Kutai Timur")
    return Region.objects.get(code="64.74")


@pytest.fixture
def cal() -> WorkingCalendar:
    """The national calendar (cuti bersama off), in WIB, counter closing at 16.00."""
    return WorkingCalendar(tz=WIB, counter_closes_at="16:00")
