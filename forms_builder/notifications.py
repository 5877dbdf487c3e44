"""Telling applicants about their application: pluggable channels (email now).

A channel is any class with ``name`` and ``send(*, application, message) -> bool``
(True when it delivered). ``FORMS_BUILDER_NOTIFICATION_CHANNELS`` lists dotted paths;
an SMS or WhatsApp gateway is one more class there. Messages carry the tracking code,
the service and the state: never form data.

An event that notifies is marked ``notification_due`` in its own transaction; after the
commit one queued drain (``services.applications.notifications_send_soon``) sends every
due notification, and the beat sweep sends what a lost message left.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from paten.tracker import tracker_path as code_tracker_path
from paten.tracker import tracker_url as code_tracker_url

from .models import Application, ApplicationEvent
from .workflow import ApplicationState, next_state_hint

DEFAULT_CHANNELS = ["forms_builder.notifications.EmailChannel"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class NotificationChannel(Protocol):
    """A way to tell applicants. ``send`` must not write the database (the drain marks
    the events it sent in one statement per batch); a channel may also have a
    ``close()``, called when the drain is done, to end a session it kept open."""

    name: str

    def send(self, *, application: Application, message: Message) -> bool: ...


class EmailChannel:
    """E-mail through Django's mail backend, one connection (an SMTP session) for all
    the messages of a drain rather than one per message."""

    name = "email"

    def __init__(self) -> None:
        self._connection = None

    def send(self, *, application: Application, message: Message) -> bool:
        if not application.applicant_email:
            return False
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self._connection = connection
        try:
            EmailMessage(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [application.applicant_email],
                connection=self._connection,
            ).send()
        except Exception:
            self.close()  # a broken session is opened afresh for the next message
            raise
        return True

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()


def channels() -> list[NotificationChannel]:
    paths = getattr(settings, "FORMS_BUILDER_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return [import_string(path)() for path in paths]


def tracker_path(display_code: str) -> str:
    return code_tracker_path("forms_builder", display_code)


def tracker_url(application: Application) -> str:
    return code_tracker_url("forms_builder", application.display_code)


def message_for(event: ApplicationEvent) -> Message:
    application = event.application
    state = ApplicationState(event.to_state).label
    subject = _("[PATEN] Application %(code)s: %(state)s") % {
        "code": application.display_code,
        "state": state,
    }
    lines = [
        _("Application %(code)s for %(service)s (Kecamatan %(kecamatan)s).")
        % {
            "code": application.display_code,
            "service": application.service.title,
            "kecamatan": application.kecamatan.name,
        },
        _("Status: %(state)s") % {"state": state},
    ]
    if event.to_state in (ApplicationState.RETURNED, ApplicationState.REJECTED) and event.note:
        lines.append(_("Note from the kecamatan: %(note)s") % {"note": event.note})
    lines += [
        next_state_hint(event.to_state),
        "",
        _("Track it here: %(url)s") % {"url": tracker_url(application)},
    ]
    return Message(subject=str(subject), body="\n".join(str(line) for line in lines))


def _send(event: ApplicationEvent, live: list[NotificationChannel]) -> bool:
    """Send ``event``'s message on every channel; True when one delivered it."""
    message = message_for(event)
    delivered = False
    for channel in live:
        delivered = channel.send(application=event.application, message=message) or delivered
    return delivered


def _channels_close(live: list[NotificationChannel]) -> None:
    for channel in live:
        close = getattr(channel, "close", None)
        if close is not None:
            close()


def _deliver(event: ApplicationEvent) -> bool:
    """Send ``event``'s message on every channel and mark it sent (in the caller's
    transaction, which holds the event's row)."""
    live = channels()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            delivered = _send(event, live)
    finally:
        _channels_close(live)
    event.notified_at = timezone.now()
    event.notification_due = False
    event.save(update_fields=["notified_at", "notification_due"])
    return delivered


def _events_for_sending(*, skip_locked: bool = False):
    return ApplicationEvent.objects.select_for_update(
        of=("self",), skip_locked=skip_locked
    ).select_related("application__service", "application__kecamatan")


def notification_send(*, event_id: str) -> bool:
    """Send the notification of one event once (idempotent: ``notified_at``)."""
    with transaction.atomic():
        event = _events_for_sending().filter(pk=event_id).first()
        # idempotency: a re-delivered task finds the event already notified.
        if event is None or event.notified_at is not None:
            return False
        return _deliver(event)


#: Hours a due notification is retried (by every drain) before it is given up.
NOTIFICATION_RETRY_HOURS = 24


#: Due notifications a drain takes (and locks) at a time.
NOTIFICATION_BATCH = 50


def notifications_send_pending() -> int:
    """Send every due notification once; the number sent.

    The due events are taken ``NOTIFICATION_BATCH`` at a time in one transaction with
    their rows locked, skipping rows that another drain holds (PostgreSQL; SQLite's
    writes are serialised), so two drains at once never send one twice; the events
    sent are marked in one statement before the commit. A channel that fails costs
    only its own event: it stays due and the next drain tries it again, for
    ``NOTIFICATION_RETRY_HOURS``. (Should the process die between sending and the
    commit, that batch is sent again: an applicant may get a message twice, never
    none.)
    """
    since = timezone.now() - timedelta(hours=NOTIFICATION_RETRY_HOURS)
    failed: list = []
    sent = 0
    live = channels()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            while True:
                with transaction.atomic():
                    batch = list(
                        _events_for_sending(skip_locked=True)
                        .filter(notification_due=True, at__gte=since)
                        .exclude(pk__in=failed)
                        .order_by("at")[:NOTIFICATION_BATCH]
                    )
                    if not batch:
                        return sent
                    done = []
                    for event in batch:
                        try:
                            _send(event, live)
                        except Exception:  # noqa: BLE001 - any channel's failure: log, go on
                            logger.exception(
                                "notification of application event %s failed", event.pk
                            )
                            failed.append(event.pk)
                            continue
                        done.append(event.pk)
                    ApplicationEvent.objects.filter(pk__in=done).update(
                        notified_at=timezone.now(), notification_due=False
                    )
                sent += len(done)
    finally:
        _channels_close(live)


#: Seconds the queued drain's slot stays taken if its message is never run (the beat
#: sweep sends the notifications meanwhile).
NOTIFICATIONS_QUEUED_TIMEOUT = 300
NOTIFICATIONS_QUEUED_KEY = "forms_builder:notifications-queued"


def notifications_send_queued() -> int:
    """The queued drain (``services.applications.notifications_send_soon``): frees the
    queue slot, then sends what is due."""
    cache.delete(NOTIFICATIONS_QUEUED_KEY)
    return notifications_send_pending()


_paused: ContextVar[bool] = ContextVar("forms_builder_notifications_paused", default=False)


@contextmanager
def notifications_paused():
    """Queue no applicant notifications inside this block (demo data, bulk imports)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def notifications_are_paused() -> bool:
    return _paused.get()
