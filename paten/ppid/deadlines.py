"""The PPID's statutory deadlines on the working-day calendar (``paten.workdays``).

All counts are working days of the kabupaten/kota's calendar, so national holidays,
cuti bersama and local overrides never use up a requester's or the PPID's time
(``docs/domain/ppid.md``):

- **Written notice** (pemberitahuan tertulis): at most 10 working days after the request
  is received (UU 14/2008 Pasal 22 ayat (7)). A request received after the counter closes,
  or on a day the office is shut, is received on the next working day, which is day 0
  (``WorkingCalendar.effective_start``); the deadline is the close of office hours on the
  n-th working day after it.
- **Extension**: once, by at most 7 working days after the first deadline, with written
  reasons (Pasal 22 ayat (8)).
- **Objection**: within 30 working days after the ground arose (Pasal 36 ayat (1)); the day
  the ground arose is day 0 and day 30 is the last day to file.
- **Answer to the objection**: at most 30 working days after it is received (Pasal 36
  ayat (2)), counted like the written notice.
- **Dispute**: to the Komisi Informasi within 14 working days after the answer (Pasal 37
  ayat (2)); the day of the answer is day 0.

Pure functions of a ``WorkingCalendar``: no database access here.
"""

from datetime import date, datetime

from django.utils import timezone

from paten.workdays.calendar import WorkingCalendar
from paten.workdays.constants import DurationUnit

from .models.config import DISPUTE_FILING_DAYS, OBJECTION_FILING_DAYS


def notice_due(
    calendar: WorkingCalendar,
    *,
    received_at: datetime,
    notice_days: int,
    extension_days: int | None = None,
) -> datetime:
    """When the written notice is due: Pasal 22 ayat (7), plus an extension (ayat (8))."""
    due = calendar.add_duration(received_at, notice_days, DurationUnit.WORKING_DAYS)
    if extension_days:
        # The extension runs on from the first deadline's working day (Pasal 22 ayat (8)).
        day = calendar.add_working_days(due.date(), extension_days)
        due = calendar.office_hours(day)[1]
    return due


def objection_filing_deadline(calendar: WorkingCalendar, *, ground_arose_on: date) -> datetime:
    """The last moment to file an objection: close of office on working day 30 after the
    day its ground arose (UU 14/2008 Pasal 36 ayat (1))."""
    day = calendar.add_working_days(ground_arose_on, OBJECTION_FILING_DAYS)
    return calendar.office_hours(day)[1]


def objection_answer_due(
    calendar: WorkingCalendar, *, received_at: datetime, answer_days: int
) -> datetime:
    """When the atasan PPID's answer is due (UU 14/2008 Pasal 36 ayat (2))."""
    return calendar.add_duration(received_at, answer_days, DurationUnit.WORKING_DAYS)


def dispute_filing_deadline(calendar: WorkingCalendar, *, answered_at: datetime) -> date:
    """The last day to bring the dispute to the Komisi Informasi (Pasal 37 ayat (2))."""
    return calendar.add_working_days(timezone.localdate(answered_at), DISPUTE_FILING_DAYS)


def working_days_taken(
    calendar: WorkingCalendar, *, received_at: datetime, done_at: datetime
) -> int:
    """Working days from the (effective) receipt to the written notice; 0 = the same day.

    The annual report classifies requests by this figure.
    """
    start = calendar.effective_start(received_at).date()
    end = timezone.localtime(done_at).date()
    return max(0, calendar.working_days_between(start, end))
