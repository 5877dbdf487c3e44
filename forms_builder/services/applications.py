"""Writes on applications: intake (online and at the counter) and the workflow.

Every change runs in one transaction with its audit event: if anything fails,
nothing is saved (files written to private storage are removed again).
"""

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paten.accounts.constants import Role
from paten.audit.services import audit_record
from paten.regions.models import Region
from paten.sync.identity import tracking_prefix
from paten.workdays.calendar import WorkingCalendar
from service_catalog.models import ServicePage
from service_catalog.selectors import kecamatan_offering, standard_for

from .. import tracking
from ..forms import (
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_FILE_SIZE_MB,
    ApplicationDataForm,
    ApplicationFormBuilder,
    application_form_class,
)
from ..models import Application, ApplicationEvent, Attachment, FormVersion, IssuanceSettings
from ..models.application import applicant_nik_digest_for, private_storage
from ..notifications import (
    NOTIFICATIONS_QUEUED_KEY,
    NOTIFICATIONS_QUEUED_TIMEOUT,
    notifications_are_paused,
)
from ..permissions import user_may_act
from ..tasks import notifications_send as notifications_send_task
from ..validators import (
    SNIFF_BYTES,
    content_type_for,
    normalize_phone,
    sniff_file_type,
    validate_upload,
)
from ..workflow import (
    APPLICANT,
    ApplicationState,
    Channel,
    back_office_step_at,
    is_last_back_office_step,
    step_recorded_by_edge,
    transition_for,
    transitions_from,
)
from .numbering import number_issue

S = ApplicationState


class TransitionNotAllowed(Exception):
    """A transition that the table, the actor's role or scope does not allow."""


@dataclass(frozen=True)
class Applicant:
    name: str
    phone: str = ""
    email: str = ""


def notifications_send_soon() -> None:
    """After the commit of an event that notifies: queue the drain unless one is
    queued and has not started, so that a burst of submissions sends one message, not
    one per event. The drain frees the slot before it sends
    (``notifications.notifications_send_queued``), so an event committed meanwhile
    queues the next one."""
    if cache.add(NOTIFICATIONS_QUEUED_KEY, True, timeout=NOTIFICATIONS_QUEUED_TIMEOUT):
        notifications_send_task.delay()


def _queue_notification() -> None:
    # The event is marked due in its row: after the commit one queued drain sends a
    # burst's notifications, and the beat sweep what a lost message left.
    transaction.on_commit(lambda: notifications_send_soon(), robust=True)


def _clean_applicant(applicant: Applicant, *, channel: str) -> Applicant:
    errors = {}
    name = " ".join((applicant.name or "").split())
    if not name:
        errors["applicant_name"] = _("Enter the applicant's name.")
    elif len(name) > 150:
        errors["applicant_name"] = _("The name is too long.")
    phone = (applicant.phone or "").strip()
    email = (applicant.email or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as error:
            errors["applicant_phone"] = error.messages[0]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant_email"] = _("Enter a valid email address.")
    if channel == Channel.ONLINE and not (phone or email) and "applicant_phone" not in errors:
        errors["applicant_email"] = _(
            "Give a phone number or an email address, so that we can tell you the status."
        )
    if errors:
        raise ValidationError(errors)
    return Applicant(name=name, phone=phone, email=email)


def _check_staff(actor, kecamatan: Region, roles: Iterable[str]) -> None:
    if not user_may_act(actor, kecamatan_code=kecamatan.code, roles=set(roles)):
        raise ValidationError(_("You may not register applications for this kecamatan."))


def _due_at(*, service: ServicePage, kecamatan: Region, start: datetime) -> datetime:
    standard = standard_for(service, kecamatan)
    calendar = WorkingCalendar.for_region(kecamatan.code)
    return calendar.add_duration(start, standard.duration_value, standard.duration_unit)


def _build_form(
    *, form_version: FormVersion, service, kecamatan, form_data, files, originals_checked=()
):
    form_class = application_form_class(
        form_version, service=service, kecamatan=kecamatan, originals_checked=originals_checked
    )
    return form_class(data=form_data, files=files)


def _check_files(
    *,
    service: ServicePage,
    files_by_document: Mapping,
    known_keys: Iterable[str] = (),
    documents: Mapping | None = None,
) -> None:
    """Defence in depth: every file again by content and size, whatever the form did.

    ``known_keys``: documents of an older form version that the service has dropped
    since; they are checked with the form's defaults, as ``DocumentFileField`` does.
    ``documents``: the service's required documents by key, when already read.
    """
    if documents is None:
        documents = {doc.key: doc for doc in service.required_documents.all()}
    known_keys = set(known_keys)
    errors = {}
    for key, uploaded in files_by_document.items():
        document = documents.get(key)
        if document is None and key not in known_keys:
            errors[key] = _("This document is not a requirement of the service.")
            continue
        try:
            validate_upload(
                uploaded,
                accepted_types=(
                    document.accepted_file_types if document is not None else DEFAULT_FILE_TYPES
                ),
                max_size_mb=(
                    document.max_file_size_mb if document is not None else DEFAULT_MAX_FILE_SIZE_MB
                ),
            )
        except ValidationError as error:
            errors[key] = error.messages
    if errors:
        raise ValidationError(errors)


def _store_attachment(*, application: Application, key: str, uploaded, written: list) -> Attachment:
    digest = hashlib.sha256()
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        application=application,
        required_document_key=key,
        original_name=(getattr(uploaded, "name", "") or "")[-200:],
        # The detected type, never the uploader's claim; it also names the stored file.
        content_type=content_type_for(sniff_file_type(head)),
        size=uploaded.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save("upload", uploaded, save=False)  # named by attachment_upload_to
    written.append(attachment.file.name)
    attachment.save()
    return attachment


#: Tracking codes drawn for one application before giving up (45 random bits each: a
#: clash is astronomically rare, but retried rather than assumed away).
TRACKING_CODE_DRAWS = 5


def _tracking_code_taken(code: str) -> bool:
    """After an IntegrityError (its transaction rolled back): whether the unique index
    refused ``code``, rather than another constraint refusing the row."""
    return Application.objects.filter(tracking_code=code).exists()


def _record_event(
    *,
    application: Application,
    from_state: str,
    actor,
    note: str = "",
    step=None,
    notify: bool = True,
) -> ApplicationEvent:
    staff = None if actor is APPLICANT else actor
    notify = notify and not notifications_are_paused()
    event = ApplicationEvent.objects.create(
        application=application,
        from_state=from_state,
        to_state=application.state,
        step=step,
        actor=staff,
        note=note,
        notification_due=notify,
    )
    audit_record(
        actor=staff,
        action="application.submit" if not from_state else "application.transition",
        target=application,
        kecamatan=application.kecamatan_id,
        payload={
            "tracking_code": application.tracking_code,
            "service": application.service.code,
            "from": from_state,
            "to": application.state,
            "step": step,
            "note": note,
            "by_applicant": actor is APPLICANT,
        },
    )
    if notify:
        _queue_notification()
    return event


@contextmanager
def _files_removed_on_error():
    """The names of the files stored in private storage inside the block: should the block
    fail, they are deleted again (the database rolls back, the storage does not)."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise


def application_submit(
    *,
    service: ServicePage,
    kecamatan: Region,
    form_data: Mapping | None = None,
    files: Mapping | None = None,
    applicant: Applicant,
    channel: str = Channel.ONLINE,
    actor=None,
    originals_checked: Iterable[str] = (),
    verified_complete: bool = False,
    form: ApplicationDataForm | None = None,
    form_version: FormVersion | None = None,
    offering: Iterable[Region] | None = None,
) -> Application:
    """Register an application with the current form version of ``service``.

    The answers come as ``form_data`` and ``files``, or as ``form``: the service form
    the caller has built for ``form_version`` (the current one, which it has just read)
    and validated with these ``originals_checked`` (``submission.application_form_submit``);
    it is used as it is, not built and validated again. ``offering``: the kecamatan
    offering ``service`` (``kecamatan_offering``) when the caller has read them.

    At the counter, a document in ``originals_checked`` (its original seen by the
    petugas loket) needs no scan unless the service wants it as a digital file; with
    ``verified_complete`` the petugas also verifies the file at once (submitted →
    being verified → being processed, in the same transaction; the applicant is
    notified once, of the last state).

    Refused with a ``ValidationError`` (and nothing saved) when the service is not
    offered in ``kecamatan``, has no published form, the form data or files are
    invalid, or a counter intake is made by someone who is not a petugas loket of
    that kecamatan. On success the tracking code is drawn, the files go to private
    storage, the audit chain gets the event, and the applicant is notified after
    commit.
    """
    channel = Channel(channel)
    if channel == Channel.COUNTER:
        _check_staff(actor, kecamatan, [Role.PETUGAS_LOKET])
    if offering is None:
        offering = kecamatan_offering(service)
    if kecamatan.code not in {region.code for region in offering}:
        raise ValidationError(
            _("%(service)s is not offered in Kecamatan %(kecamatan)s.")
            % {"service": service.title, "kecamatan": kecamatan.name}
        )
    if form_version is None:
        form_version = FormVersion.objects.current_for(service)
    if form_version is None:
        raise ValidationError(
            _("%(service)s cannot be applied for yet: it has no form.") % {"service": service.title}
        )
    if form is not None and form.form_version != form_version:
        raise ValueError("application_submit: the form was built for another version")
    applicant = _clean_applicant(applicant, channel=channel)
    documents = {doc.key: doc for doc in service.required_documents.all()}
    checked = sorted(set(originals_checked))
    if channel == Channel.ONLINE and checked:
        raise ValidationError(_("Originals are checked at the counter only."))
    if set(checked) - set(documents):
        raise ValidationError(_("Unknown required document among the checked originals."))
    if verified_complete and channel != Channel.COUNTER:
        raise ValidationError(_("Only the counter verifies a file when it is registered."))

    if form is None:
        form = _build_form(
            form_version=form_version,
            service=service,
            kecamatan=kecamatan,
            form_data=form_data,
            files=files,
            originals_checked=checked,
        )
    if not form.is_valid():  # the caller's form answers from its cached errors
        raise ValidationError(form.errors.as_data())
    files_by_document = form.files_by_document()
    _check_files(service=service, files_by_document=files_by_document, documents=documents)

    data = form.json_data()
    now = timezone.now()
    # An offline instance draws in its own prefix's namespace (tracking.py, docs/sync.md §6).
    # The unique index checks the code as the row goes in: no read before it.
    prefix = tracking_prefix()
    for draw in range(1, TRACKING_CODE_DRAWS + 1):
        code = tracking.tracking_code_new(prefix=prefix)
        try:
            with _files_removed_on_error() as written, transaction.atomic():
                application = Application(
                    tracking_code=code,
                    service=service,
                    form_version=form_version,
                    kecamatan=kecamatan,
                    channel=channel,
                    applicant_name=applicant.name,
                    applicant_phone=applicant.phone,
                    applicant_email=applicant.email,
                    data=data,
                    applicant_nik_digest=applicant_nik_digest_for(form_version.schema, data),
                    originals_checked=checked,
                    submitted_at=now,
                    created_by=actor if channel == Channel.COUNTER else None,
                )
                if not service.clock_starts_when_complete:
                    application.due_at = _due_at(service=service, kecamatan=kecamatan, start=now)
                application.save()
                for key, uploaded in files_by_document.items():
                    _store_attachment(
                        application=application, key=key, uploaded=uploaded, written=written
                    )
                _record_event(
                    application=application,
                    from_state="",
                    actor=actor,
                    # Registration records the service's "application handed in" step, if any.
                    step=step_recorded_by_edge(
                        list(service.procedure_steps.all()), "", S.SUBMITTED
                    ),
                    notify=not verified_complete,
                )
                if verified_complete:
                    note = _("Checked complete at the counter when registered.")
                    application_transition(
                        application=application,
                        to_state=S.VERIFYING,
                        actor=actor,
                        note=note,
                        notify=False,
                    )
                    application = application_transition(
                        application=application, to_state=S.PROCESSING, actor=actor, note=note
                    )
        except IntegrityError:
            if draw < TRACKING_CODE_DRAWS and _tracking_code_taken(code):
                continue
            raise
        return application
    raise AssertionError("unreachable: the last draw returns or raises")


def application_transition(
    *, application: Application, to_state: str, actor, note: str = "", notify: bool = True
) -> Application:
    """Move ``application`` along one edge of ``workflow.TRANSITIONS``.

    ``actor`` is a staff user, or ``workflow.APPLICANT`` for the citizen acting
    through the tracker. Refused with ``TransitionNotAllowed`` when the edge is not in
    the table, the actor has none of its roles, or the application's kecamatan is
    outside the actor's scope; with ``ValidationError`` when a required note is
    missing. The row is locked for the whole transition. ``notify=False`` records the
    event without telling the applicant (a step of a larger change that notifies).
    """
    note = (note or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        source = locked.state
        edge = transition_for(source, to_state)
        if edge is None:
            raise TransitionNotAllowed(
                _("An application in state “%(source)s” cannot move to “%(target)s”.")
                % {
                    "source": S(source).label,
                    "target": S(to_state).label if to_state in S.values else to_state,
                }
            )
        if not user_may_act(actor, kecamatan_code=locked.kecamatan_id, roles=set(edge.roles)):
            raise TransitionNotAllowed(
                _("You may not do “%(action)s” on this application.") % {"action": edge.label}
            )
        if edge.needs_note and not note:
            raise ValidationError({"note": _("Write the reason or what is missing.")})

        service = locked.service
        now = timezone.now()
        steps = list(service.procedure_steps.all())
        # A step that this edge records by itself (the camat's signature, say).
        step = step_recorded_by_edge(steps, source, to_state)
        if source == S.PROCESSING:
            last = is_last_back_office_step(steps, locked.current_step)
            if to_state == S.PROCESSING and last:
                raise TransitionNotAllowed(_("This is the last step: send it to the camat."))
            if to_state == S.AWAITING_SIGNATURE and not last:
                raise TransitionNotAllowed(_("Finish the remaining procedure steps first."))
            step = back_office_step_at(steps, locked.current_step)
            if to_state == S.PROCESSING:
                locked.current_step = back_office_step_at(steps, step + 1)

        locked.state = to_state
        if to_state == S.PROCESSING and source == S.VERIFYING:
            locked.verified_at = now
            locked.current_step = back_office_step_at(steps, 0) or 0
            locked.return_note = ""
            if service.clock_starts_when_complete:
                locked.due_at = _due_at(service=service, kecamatan=locked.kecamatan, start=now)
        elif to_state in (S.RETURNED, S.REJECTED):
            locked.return_note = note
        elif to_state == S.SUBMITTED:
            locked.return_note = ""
        if to_state in (S.REJECTED, S.CANCELLED):
            locked.finished_at = now
        elif to_state == S.FINISHED:
            _issue(application=locked, now=now)
        elif to_state == S.HANDED_OVER:
            locked.handed_over_at = now
        locked.save()
        _record_event(
            application=locked,
            from_state=source,
            actor=actor,
            note=note,
            step=step,
            notify=notify,
        )
    return locked


def _not_returned() -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("Documents can be sent only while the application is returned for completion.")
    )


def application_documents_replace(
    *, application: Application, files: Mapping, actor=APPLICANT
) -> Application:
    """Store new files for a returned application, then resubmit it (RETURNED → SUBMITTED).

    ``files`` maps file field keys of the application's own form version to uploads
    (``request.FILES``); at least one is needed, and each is checked by content, type
    and size exactly as at intake. The files a new one replaces are kept as evidence,
    marked ``replaced_by`` it. The upload is audited (``application.documents_replace``)
    and the resubmission goes through ``application_transition``, all in one
    transaction with the row locked.

    Refused with ``TransitionNotAllowed`` when the application is not returned or
    ``actor`` may not resubmit it, and with ``ValidationError`` when there is no file
    or a file is bad; then nothing is stored and the state does not change.
    """
    edge = transition_for(S.RETURNED, S.SUBMITTED)
    if application.state != S.RETURNED:
        raise _not_returned()
    if not user_may_act(actor, kecamatan_code=application.kecamatan_id, roles=set(edge.roles)):
        raise TransitionNotAllowed(
            _("You may not do “%(action)s” on this application.") % {"action": edge.label}
        )
    form = ApplicationFormBuilder.for_documents(
        application.form_version, kecamatan=application.kecamatan
    ).get_form_class()(data={}, files=files)
    if not form.fields:
        raise ValidationError(_("This application has no documents to upload."), code="no_fields")
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    files_by_document = form.files_by_document()
    if not files_by_document:
        raise ValidationError(_("Choose at least one file to upload."), code="no_files")
    _check_files(
        service=application.service,
        files_by_document=files_by_document,
        known_keys=[spec.required_document_key for spec in form.field_specs.values()],
    )
    labels = {spec.required_document_key: spec.label for spec in form.field_specs.values()}

    staff = None if actor is APPLICANT else actor
    with _files_removed_on_error() as written, transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state != S.RETURNED:  # changed since the caller read it
            raise _not_returned()
        documents = {}
        for key, uploaded in files_by_document.items():
            new = _store_attachment(application=locked, key=key, uploaded=uploaded, written=written)
            old_ids = list(
                locked.attachments.filter(required_document_key=key, replaced_by__isnull=True)
                .exclude(pk=new.pk)
                .values_list("pk", flat=True)
            )
            Attachment.objects.filter(pk__in=old_ids).update(replaced_by=new)
            documents[key] = {
                "attachment": str(new.pk),
                "sha256": new.sha256,
                "size": new.size,
                "replaces": [str(pk) for pk in old_ids],
            }
        audit_record(
            actor=staff,
            action="application.documents_replace",
            target=locked,
            kecamatan=locked.kecamatan_id,
            payload={
                "tracking_code": locked.tracking_code,
                "service": locked.service.code,
                "state": locked.state,
                "documents": documents,
                "by_applicant": actor is APPLICANT,
            },
        )
        note = _("New documents: %(documents)s") % {
            "documents": ", ".join(labels.get(key, key) for key in documents)
        }
        locked = application_transition(
            application=locked, to_state=S.SUBMITTED, actor=actor, note=note
        )
    return locked


def _issue(*, application: Application, now: datetime) -> None:
    application.result_number = number_issue(application=application, now=now)
    application.issued_at = now
    application.finished_at = now
    application.verification_token = secrets.token_urlsafe(24)
    days = (
        IssuanceSettings.objects.filter(service_id=application.service_id)
        .values_list("validity_days", flat=True)
        .first()
    )
    application.valid_until = timezone.localdate(now) + timedelta(days=days) if days else None


def application_transitions_for(*, application: Application, actor) -> list:
    """The edges ``actor`` may take from the application's state now (for buttons)."""
    allowed = []
    last = None
    for edge in transitions_from(application.state):
        if not user_may_act(actor, kecamatan_code=application.kecamatan_id, roles=set(edge.roles)):
            continue
        if application.state == S.PROCESSING:
            if last is None:
                steps = list(application.service.procedure_steps.all())
                last = is_last_back_office_step(steps, application.current_step)
            if (edge.target == S.PROCESSING) == last:
                continue
        allowed.append(edge)
    return allowed
