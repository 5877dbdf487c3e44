"""Applicant notifications: events are marked due, one queued drain sends a burst of
them, the beat sweep sends what a lost message left, and each is sent exactly once."""

import multiprocessing
import sys
import time
import types
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.db import connections
from django.utils import timezone

import pytest

from forms_builder import tasks
from forms_builder.models import ApplicationEvent
from forms_builder.notifications import (
    notifications_paused,
    notifications_send_pending,
)
from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState

from .factories import submit

S = ApplicationState


def _due():
    return ApplicationEvent.objects.filter(notification_due=True)


def _install_channel(settings, name: str, channel_class) -> None:
    module = types.ModuleType(name)
    module.Channel = channel_class
    sys.modules[name] = module
    settings.FORMS_BUILDER_NOTIFICATION_CHANNELS = [f"{name}.Channel"]


@pytest.mark.django_db
class TestDrain:
    def test_a_burst_queues_one_drain_that_sends_each_notification_once(
        self, service, utara, fresh_cache, monkeypatch, django_capture_on_commit_callbacks
    ):
        queued = []
        monkeypatch.setattr(tasks.notifications_send, "delay", lambda: queued.append(1))
        with django_capture_on_commit_callbacks(execute=True):
            codes = {submit(service, utara).display_code for _ in range(5)}
        assert queued == [1]
        assert mail.outbox == [] and _due().count() == 5

        assert tasks.notifications_send() == 5
        assert sorted(c for m in mail.outbox for c in codes if c in m.body) == sorted(codes)
        assert not _due().exists()
        assert ApplicationEvent.objects.filter(notified_at__isnull=True).count() == 0
        assert tasks.notifications_send() == 0
        assert len(mail.outbox) == 5

    def test_a_burst_is_sent_in_batches_over_one_mail_session(self, service, utara, monkeypatch):
        """The statements of a drain do not grow with the number of events (batches of
        ``NOTIFICATION_BATCH``), and the mail backend is opened once for all of them."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from forms_builder import notifications

        monkeypatch.setattr(notifications, "NOTIFICATION_BATCH", 4)
        opened = []
        real = notifications.get_connection

        def counting(**kwargs):
            opened.append(1)
            return real(**kwargs)

        monkeypatch.setattr(notifications, "get_connection", counting)

        def drain(events: int) -> int:
            for _ in range(events):
                submit(service, utara)
            with CaptureQueriesContext(connection) as captured:
                assert notifications_send_pending() == events
            return len(captured)

        assert drain(2) == drain(3)  # one batch each
        assert drain(8) < 4 * drain(1)  # two batches, not eight
        assert len(mail.outbox) == 14 and not _due().exists()
        assert len(opened) == 4  # one session per drain

    def test_the_drain_frees_its_slot_so_a_later_event_queues_the_next(
        self, service, utara, fresh_cache, monkeypatch, django_capture_on_commit_callbacks
    ):
        queued = []
        monkeypatch.setattr(tasks.notifications_send, "delay", lambda: queued.append(1))
        with django_capture_on_commit_callbacks(execute=True):
            submit(service, utara)
        tasks.notifications_send()
        with django_capture_on_commit_callbacks(execute=True):
            submit(service, utara)
        assert queued == [1, 1]

    def test_the_sweep_sends_what_a_lost_message_left(self, service, utara):
        application = submit(service, utara)  # its on-commit message never runs
        assert mail.outbox == []
        assert tasks.notifications_sweep() == 1
        assert application.display_code in mail.outbox[0].body
        assert tasks.notifications_sweep() == 0
        assert len(mail.outbox) == 1

    def test_events_that_notify_nobody_are_never_sent(self, service, utara, loket):
        with notifications_paused():
            application = submit(service, utara)
        application_transition(
            application=application, to_state=S.VERIFYING, actor=loket, notify=False
        )
        assert not _due().exists()
        assert notifications_send_pending() == 0
        assert mail.outbox == []

    def test_a_failing_channel_leaves_its_event_due_and_the_others_are_sent(
        self, service, utara, settings
    ):
        failing = submit(service, utara)
        fine = submit(service, utara)

        class Flaky:
            name = "flaky"

            def send(self, *, application, message):
                if application.pk == failing.pk:
                    raise ConnectionError("gateway down")
                return True

        _install_channel(settings, "flaky_channel", Flaky)
        assert notifications_send_pending() == 1
        assert list(_due().values_list("application", flat=True)) == [failing.pk]
        assert fine.events.get().notified_at is not None

        settings.FORMS_BUILDER_NOTIFICATION_CHANNELS = ["forms_builder.notifications.EmailChannel"]
        assert notifications_send_pending() == 1
        assert not _due().exists()

    def test_a_notification_failing_for_a_day_is_no_longer_tried(self, service, utara):
        submit(service, utara)
        ApplicationEvent.objects.update(at=timezone.now() - timedelta(hours=25))
        assert notifications_send_pending() == 0
        assert mail.outbox == []

    def test_the_old_per_event_task_clears_the_mark(self, service, utara):
        event = submit(service, utara).events.get()
        tasks.application_notify.run(str(event.pk))
        assert not _due().exists()
        assert notifications_send_pending() == 0
        assert len(mail.outbox) == 1


# -- two drains at once (PostgreSQL) ---------------------------------------------------

EVENTS = 40


class _Recording:
    """Appends each tracking code it sends to a file (shared by forked processes),
    slowly enough that two drains overlap."""

    name = "recording"
    path = ""

    def send(self, *, application, message):
        time.sleep(0.005)
        with Path(self.path).open("a") as out:
            out.write(application.tracking_code + "\n")
        return True


def _drain(start) -> None:
    connections.close_all()  # never share the parent's socket
    try:
        start.wait()
        notifications_send_pending()
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_send_every_notification_exactly_once(
    service, utara, settings, tmp_path, monkeypatch
):
    # The on-commit drain (eager in tests) stays out: the two drains below send.
    monkeypatch.setattr("forms_builder.services.applications.notifications_send_soon", lambda: None)
    codes = {submit(service, utara).tracking_code for _ in range(EVENTS)}
    _Recording.path = str(tmp_path / "sent.txt")
    _install_channel(settings, "recording_channel", _Recording)

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    drains = [context.Process(target=_drain, args=(start,)) for _ in range(2)]
    for process in drains:
        process.start()
    start.set()
    for process in drains:
        process.join(timeout=120)
    assert [p.exitcode for p in drains] == [0, 0]

    sent = Path(_Recording.path).read_text().split()
    assert sorted(sent) == sorted(codes)  # each once: no code twice, none missing
    assert not _due().exists()
    assert ApplicationEvent.objects.filter(notified_at__isnull=True).count() == 0
