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
from django.core.mail import send_mail
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
    name: str

    def send(self, *, application: Application, message: Message) -> bool: ...


class EmailChannel:
    name = "email"

    def send(self, *, application: Application, message: Message) -> bool:
        if not application.applicant_email:
            return False
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [application.applicant_email],
            fail_silently=False,
        )
        return True


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


def _deliver(event: ApplicationEvent) -> bool:
    """Send ``event``'s message on every channel and mark it sent (in the caller's
    transaction, which holds the event's row)."""
    with translation.override(settings.LANGUAGE_CODE):
        message = message_for(event)
    delivered = False
    for channel in channels():
        delivered = channel.send(application=event.application, message=message) or delivered
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


def notifications_send_pending() -> int:
    """Send every due notification once; the number sent.

    Each event is taken in its own transaction with its row locked, skipping rows that
    another drain holds (PostgreSQL; SQLite's writes are serialised), so two drains at
    once never send one twice and a failed channel costs only its own event. A
    notification whose channel fails stays due: the next drain tries it again, for
    ``NOTIFICATION_RETRY_HOURS``.
    """
    since = timezone.now() - timedelta(hours=NOTIFICATION_RETRY_HOURS)
    failed: list = []
    sent = 0
    while True:
        with transaction.atomic():
            event = (
                _events_for_sending(skip_locked=True)
                .filter(notification_due=True, at__gte=since)
                .exclude(pk__in=failed)
                .order_by("at")
                .first()
            )
            if event is None:
                return sent
            try:
                with transaction.atomic():
                    _deliver(event)
            except Exception:  # noqa: BLE001 - any channel's failure: log, try the rest
                logger.exception("notification of application event %s failed", event.pk)
                failed.append(event.pk)
                continue
        sent += 1


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
