"""Telling applicants about their application: pluggable channels (email now).

A channel is any class with ``name`` and ``send(*, application, message) -> bool``
(True when it delivered). ``FORMS_BUILDER_NOTIFICATION_CHANNELS`` lists dotted paths;
an SMS or WhatsApp gateway is one more class there. Messages carry the tracking code,
the service and the state: never form data.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
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


def notification_send(*, event_id: str) -> bool:
    """Send the notification of one event once (idempotent: ``notified_at``)."""
    with transaction.atomic():
        event = (
            ApplicationEvent.objects.select_for_update(of=("self",))
            .select_related("application__service", "application__kecamatan")
            .filter(pk=event_id)
            .first()
        )
        # idempotency: a re-delivered task finds the event already notified.
        if event is None or event.notified_at is not None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            message = message_for(event)
        delivered = False
        for channel in channels():
            delivered = channel.send(application=event.application, message=message) or delivered
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return delivered


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
