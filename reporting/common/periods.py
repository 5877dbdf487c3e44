"""Dates people choose as instants the database compares: pure, no ORM."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[``start`` 00:00, the day after ``end`` 00:00) in the installation's time zone."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )
