from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_record, audit_seal, audit_verify


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_chains_and_keeps_the_triggers():
    """Transactional tests end with a flush; it must work on both vendors."""
    audit_record(actor=None, action="test.flush")
    # As a test teardown does it: no post_migrate (it would re-create content types
    # that the next serialized-rollback test restores itself) and no sequence reset
    # (restored rows keep their ids, so a reset sequence would hand them out again).
    call_command(
        "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    assert AuditEvent.objects.count() == 0

    event = audit_record(actor=None, action="test.after_flush")
    audit_seal("pemda")
    assert AuditEvent.objects.get(pk=event.pk).sequence == 1
    assert audit_verify().ok
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1
