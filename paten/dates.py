"""Dates as people read them: "1 Juni 2015", "1–3 Desember 2026", "3 Desember 2026 14.05 WITA".

One helper for every page, letter and report, so no ISO date ("2015-06-01") reaches
a reader. Month names come from Django's locale data in the active language
(Indonesian by default; English on ``/en/`` pages). The template filters in
``paten/templatetags/paten_dates.py`` call these functions.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as django_format
from django.utils.translation import gettext as _

EN_DASH = "–"


def _as_date(value) -> date | None:
    """A date from a date, an aware datetime (in local time) or an ISO string."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def long_date(value) -> str:
    """``1 Juni 2015``; empty for no date. Accepts dates, datetimes and ISO strings."""
    day = _as_date(value)
    return django_format(day, "j F Y") if day else ""


def long_datetime(value) -> str:
    """``3 Desember 2026 14.05 WITA``: local time with the zone people know (WIB/WITA/WIT)."""
    if not isinstance(value, datetime):
        return long_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    zone = local.tzname() or ""
    return f"{django_format(local, 'j F Y H.i')} {zone}".strip()


def date_range(start, end) -> str:
    """``1–3 Desember 2026``, ``30 November – 3 Desember 2026``, ``30 Desember 2026 –
    2 Januari 2027``; one date when both are the same day, and an open end reads
    "since …" / "until …"."""
    first, last = _as_date(start), _as_date(end)
    if first and not last:
        return _("since %(date)s") % {"date": long_date(first)}
    if last and not first:
        return _("until %(date)s") % {"date": long_date(last)}
    if not first:
        return ""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{EN_DASH}{long_date(last)}"
    if first.year == last.year:
        return f"{django_format(first, 'j F')} {EN_DASH} {long_date(last)}"
    return f"{long_date(first)} {EN_DASH} {long_date(last)}"
