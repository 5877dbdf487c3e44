"""Registration numbers: per kind, unit and year; unique and gap-free.

The locked sequence row of ``paten.sequences``: two requests received at the same moment
get consecutive numbers, and a rolled-back registration gives its number back.
"""

from django.conf import settings
from django.utils import timezone

from paten.sequences import sequence_next

from .models import NumberSequence

#: Number kinds and their pattern: ``{seq}``, ``{unit}`` (a kecamatan code, or the
#: kabupaten/kota code for the PPID utama) and ``{year}``.
PATTERNS = {
    "permohonan": "{seq:03}/PI/{unit}/{year}",
    "keberatan": "{seq:03}/KBR/{unit}/{year}",
    "dip": "DIP/{unit}/{year}/{seq:03}",
    "uji": "{seq:03}/UK/{unit}/{year}",
}


def number_issue(*, kind: str, kecamatan_code: str | None, now=None) -> str:
    """The next number of ``kind`` for a unit; must run inside the registering transaction."""
    year = timezone.localtime(now or timezone.now()).year
    unit = kecamatan_code or ""
    seq = sequence_next(NumberSequence, kind=kind, unit=unit, year=year)
    return PATTERNS[kind].format(seq=seq, unit=unit or settings.PATEN_KABUPATEN_KOTA, year=year)
