import threading

from django.db import connection

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import audit_record, audit_verify

THREADS = 8
APPENDS = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(APPENDS):
                audit_record(actor=None, action="test.concurrent", payload={"thread": n, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * APPENDS + 1))
    result = audit_verify()
    assert result.ok, result
    assert result.count == THREADS * APPENDS
