"""Comparable lengths for the units a standar pelayanan uses.

A published completion time must not promise less than its procedure steps add up
to. Units mix minutes, hours, working days and calendar days (docs/domain/working-days.md), so
each is converted to office minutes: one working day is 7.5 office hours (Perpres
21/2023: 37.5 hours a week over five days), and a calendar day holds
on average 5/7 of a working day.
"""

from fractions import Fraction

from paten.workdays.constants import DurationUnit

OFFICE_MINUTES_PER_WORKING_DAY = Fraction(450)  # 7.5 h (Perpres 21/2023)

_FACTORS = {
    DurationUnit.MINUTES: Fraction(1),
    DurationUnit.HOURS: Fraction(60),
    DurationUnit.WORKING_DAYS: OFFICE_MINUTES_PER_WORKING_DAY,
    DurationUnit.CALENDAR_DAYS: OFFICE_MINUTES_PER_WORKING_DAY * Fraction(5, 7),
}


def office_minutes(value: int, unit: str) -> Fraction:
    try:
        return Fraction(value) * _FACTORS[DurationUnit(unit)]
    except (KeyError, ValueError) as error:
        raise ValueError(f"unknown duration unit {unit!r}") from error


def steps_fit_total(steps: list[tuple[int, str]], total: tuple[int, str]) -> bool:
    """Whether the steps' durations fit in the published total."""
    return sum((office_minutes(v, u) for v, u in steps), Fraction(0)) <= office_minutes(*total)


# A completion time beyond one year is a typing error, not a service standard.
MAX_TOTAL_OFFICE_MINUTES = office_minutes(365, DurationUnit.CALENDAR_DAYS)
