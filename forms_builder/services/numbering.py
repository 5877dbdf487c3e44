"""Result numbers: per kecamatan, per service, per year; unique and gap-free.

The sequence row is locked (``SELECT … FOR UPDATE``) for the rest of the issuing
transaction, so two camat signing at the same moment get consecutive numbers, and a
rolled-back issuance gives its number back (no gap). The row for a new year is
created race-free: two first issuers may both try to insert it; the loser's
``IntegrityError`` is caught inside a savepoint and it locks the winner's row.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Application, IssuanceSettings, NumberSequence
from ..numbering import DEFAULT_NUMBER_PATTERN, format_number


def _sequence_locked(*, kecamatan_id: str, service_id: int, year: int) -> NumberSequence:
    lookup = {"kecamatan_id": kecamatan_id, "service_id": service_id, "year": year}
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


def number_issue(*, application: Application, now=None) -> str:
    """Take the next number for ``application`` and return it formatted.

    Must run inside the transaction that saves the number on the application (the
    lock on the sequence row is held until that transaction ends).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_issue must run inside a transaction")
    now = timezone.localtime(now or timezone.now())
    sequence = _sequence_locked(
        kecamatan_id=application.kecamatan_id, service_id=application.service_id, year=now.year
    )
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    pattern = (
        IssuanceSettings.objects.filter(service_id=application.service_id)
        .values_list("number_pattern", flat=True)
        .first()
    ) or DEFAULT_NUMBER_PATTERN
    return format_number(
        pattern,
        seq=sequence.last_value,
        service_code=application.service.code.upper(),
        kecamatan_code=application.kecamatan_id,
        year=now.year,
        month=now.month,
    )
