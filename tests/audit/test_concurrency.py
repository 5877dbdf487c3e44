"""PostgreSQL: many processes append to several chains while sealers run; a sealer killed
mid-run leaves nothing half-sealed; two sealers never seal one chain at once."""

import multiprocessing
import os
import signal
import threading

from django.db import connection, connections, transaction

import pytest

from paten.audit.models import AuditEvent
from paten.audit.services import (
    _chain_lock,
    _chain_row_ensure,
    audit_record,
    audit_seal,
    audit_seal_all,
    audit_verify,
)
from tests.bontang import BARAT, SELATAN, UTARA

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PROCESSES = 6
APPENDS = 30
CHAINS = [UTARA, SELATAN, BARAT, None]


def _in_child(target, *args) -> multiprocessing.Process:
    """Run ``target`` in a forked process with its own database connection."""
    connections.close_all()

    def run():
        connections.close_all()  # never share the parent's socket
        try:
            target(*args)
        finally:
            connections.close_all()

    process = multiprocessing.get_context("fork").Process(target=run)
    process.start()
    return process


def _append(n: int, start) -> None:
    start.wait()
    for i in range(APPENDS):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="test.concurrent",
                kecamatan=CHAINS[(n + i) % len(CHAINS)],
                payload={"process": n, "i": i},
            )


def _seal_repeatedly(start, rounds: int) -> None:
    start.wait()
    for _ in range(rounds):
        audit_seal_all()


@pytest.fixture(autouse=True)
def _no_sealing_on_commit(monkeypatch):
    """The sealers of each test seal; the on-commit task (eager in tests) stays out."""
    monkeypatch.setattr("paten.audit.services._seal_soon", lambda chain_id: None)


def test_processes_appending_to_several_chains_give_gap_free_valid_chains(bontang):
    start = multiprocessing.get_context("fork").Event()
    processes = [_in_child(_append, n, start) for n in range(PROCESSES)]
    processes += [_in_child(_seal_repeatedly, start, 40) for _ in range(2)]
    start.set()
    for process in processes:
        process.join(timeout=300)
    assert [p.exitcode for p in processes] == [0] * len(processes)

    audit_seal_all()
    total = PROCESSES * APPENDS
    assert AuditEvent.objects.count() == total
    assert not AuditEvent.objects.filter(sequence__isnull=True).exists()
    for chain in AuditEvent.objects.values_list("chain", flat=True).distinct():
        sequences = list(
            AuditEvent.objects.filter(chain=chain)
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, len(sequences) + 1))
    result = audit_verify()
    assert result.ok, result.problems
    assert result.count == total
    assert len(result.chains) == len(CHAINS)


def _seal_and_die() -> None:
    def kill(_sealed: int) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    audit_seal("pemda", before_commit=kill)


def test_a_sealer_killed_mid_run_leaves_nothing_half_sealed_and_the_next_finishes(bontang):
    for i in range(20):
        audit_record(actor=None, action="test.kill", payload={"i": i})
    process = _in_child(_seal_and_die)
    process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL
    assert AuditEvent.objects.filter(sequence__isnull=True).count() == 20

    assert audit_seal("pemda") == 20
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 21)
    )
    assert audit_verify().count == 20


def test_a_second_sealer_skips_a_chain_being_sealed(bontang):
    for i in range(5):
        audit_record(actor=None, action="test.busy", payload={"i": i})
    _chain_row_ensure("pemda")
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                assert _chain_lock("pemda")
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    assert holding.wait(timeout=60)
    try:
        assert audit_seal("pemda") == 0
        assert AuditEvent.objects.filter(sequence__isnull=True).count() == 5
    finally:
        release.set()
        thread.join()
    assert audit_seal("pemda") == 5
    assert audit_verify().count == 5
