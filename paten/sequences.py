"""Gap-free numbers from a sequence row (result numbers, PPID registration numbers).

The row (any model with a ``last_value`` integer and a unique key) is locked with
``SELECT … FOR UPDATE`` for the rest of the caller's transaction, so two people numbering
at the same moment get consecutive numbers, and a rolled-back transaction gives its number
back (no gap). A row for a new key (a new year, say) is created race-free: two first
callers may both insert it; the loser's ``IntegrityError`` is caught inside a savepoint
and it locks the winner's row.
"""

from django.db import IntegrityError, transaction


def _row_locked(model, lookup: dict):
    for _attempt in range(3):
        row = model.objects.select_for_update().filter(**lookup).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return model.objects.create(**lookup, last_value=0)
        except IntegrityError:
            continue  # another transaction created it first: lock theirs
    raise RuntimeError("number sequence row could not be created or locked")


def sequence_next(model, **lookup) -> int:
    """The next value of the sequence row of ``model`` matching ``lookup``; must run
    inside the transaction that records the number (the lock is held until it ends)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a sequence number must be taken inside a transaction")
    row = _row_locked(model, lookup)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return row.last_value
