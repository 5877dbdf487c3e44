"""Template filters for dates people read (``paten.dates``).

``{{ value|long_date }}`` → 1 Juni 2015, ``{{ value|long_datetime }}`` → 3 Desember
2026 14.05 WITA, ``{{ start|date_range:end }}`` → 1–3 Desember 2026.
"""

from django import template

from paten import dates

register = template.Library()


@register.filter
def long_date(value) -> str:
    return dates.long_date(value)


@register.filter
def long_datetime(value) -> str:
    return dates.long_datetime(value)


@register.filter
def date_range(start, end) -> str:
    return dates.date_range(start, end)
