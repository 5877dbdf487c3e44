"""Registration numbers: per kind, unit and year; unique and gap-free.

As ``forms_builder.numbering``: the sequence row is locked (``SELECT … FOR UPDATE``) for
the rest of the registering transaction, so two requests received at the same moment
get consecutive numbers, and a rolled-back registration gives its number back. The row
of a new year is created race-free (the loser of the insert locks the winner's row).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import NumberSequence

#: Number kinds and their pattern: ``{seq}``, ``{unit}`` (a kecamatan code, or the
#: kabupaten/kota code for the PPID utama) and ``{year}``.
PATTERNS = {
    "permohonan": "{seq:03}/PI/{unit}/{year}",
    "keberatan": "{seq:03}/KBR/{unit}/{year}",
    "dip": "DIP/{unit}/{year}/{seq:03}",
    "uji": "{seq:03}/UK/{unit}/{year}",
}


def _sequence_locked(*, kind: str, unit: str, year: int) -> NumberSequence:
    lookup = {"kind": kind, "unit": unit, "year": year}
    for _attempt in range(3):
        row = NumberSequence.objects.select_for_update().filter(**lookup).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return NumberSequence.objects.create(**lookup, last_value=0)
        except IntegrityError:
            continue  # another transaction created it first: lock theirs
    raise RuntimeError("number sequence row could not be created or locked")


def number_issue(*, kind: str, kecamatan_code: str | None, now=None) -> str:
    """The next number of ``kind`` for a unit; must run inside the registering transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_issue must run inside a transaction")
    year = timezone.localtime(now or timezone.now()).year
    unit = kecamatan_code or ""
    sequence = _sequence_locked(kind=kind, unit=unit, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return PATTERNS[kind].format(
        seq=sequence.last_value, unit=unit or settings.PATEN_KABUPATEN_KOTA, year=year
    )
