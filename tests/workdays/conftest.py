import pytest

from paten.regions.models import Region
from paten.workdays.calendar import WorkingCalendar

from .data import WIB


@pytest.fixture
def kutai_timur(bontang):
    """A kabupaten next to the installation's, for overrides that must not spill over."""
    return Region.objects.create(code="64.72", name="Kabupaten Kutai Timur", parent_id="64")


@pytest.fixture
def cal() -> WorkingCalendar:
    """The national calendar (cuti bersama off), in WIB, counter closing at 16.00."""
    return WorkingCalendar(tz=WIB, counter_closes_at="16:00")
