"""Result numbers: per kecamatan, per service, per year; unique and gap-free (the locked
sequence row of ``paten.sequences``: two camat signing at the same moment get consecutive
numbers, and a rolled-back issuance gives its number back).
"""

from django.utils import timezone

from paten.sequences import sequence_next

from ..models import Application, IssuanceSettings, NumberSequence
from ..numbering import DEFAULT_NUMBER_PATTERN, format_number


def number_issue(*, application: Application, now=None) -> str:
    """Take the next number for ``application`` and return it formatted.

    Must run inside the transaction that saves the number on the application (the
    lock on the sequence row is held until that transaction ends).
    """
    now = timezone.localtime(now or timezone.now())
    seq = sequence_next(
        NumberSequence,
        kecamatan_id=application.kecamatan_id,
        service_id=application.service_id,
        year=now.year,
    )
    pattern = (
        IssuanceSettings.objects.filter(service_id=application.service_id)
        .values_list("number_pattern", flat=True)
        .first()
    ) or DEFAULT_NUMBER_PATTERN
    return format_number(
        pattern,
        seq=seq,
        service_code=application.service.code.upper(),
        kecamatan_code=application.kecamatan_id,
        year=now.year,
        month=now.month,
    )
