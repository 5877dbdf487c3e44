"""Every write of the PPID domain: requests, routing, extensions, decisions, objections,
disputes, publication to the DIP and the recomputation of deadlines.

Each service runs in one transaction, locks the row it changes, checks the rule, writes
the change, a timeline event and an audit event (``paten.audit.services.audit_record``,
with the unit's kecamatan), and queues e-mails after commit. Audit payloads carry
numbers and states, never the requester's personal data. Deadlines follow
``paten.ppid.deadlines`` (UU 14/2008 Pasal 22, 35–37; ``docs/domain/ppid.md``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forms_builder import tracking
from forms_builder.validators import normalize_phone, validate_nik
from paten.audit.services import audit_record
from paten.regions.models import Region
from paten.regions.selectors import installation_kecamatan
from paten.tracker import tracker_path as code_tracker_path
from paten.tracker import tracker_url as code_tracker_url
from paten.workdays.calendar import WorkingCalendar

from . import deadlines
from .constants import (
    DECISION_STATES,
    GRANTING_STATES,
    OPEN_STATES,
    FileKind,
    InformationClass,
    ObjectionDecision,
    ObjectionGround,
    ObjectionState,
    RequestChannel,
    RequesterKind,
    RequesterResponse,
    RequestEventKind,
    RequestState,
    TemplateKind,
)
from .files import (
    ANSWER_MAX_MB,
    ANSWER_TYPES,
    IDENTITY_MAX_MB,
    IDENTITY_TYPES,
    file_check,
    request_file_store,
)
from .models import (
    DipCategory,
    DipDocument,
    DipEntry,
    Dispute,
    ExceptionGround,
    InformationRequest,
    Objection,
    PpidSettings,
    RequestEvent,
    RequestFile,
)
from .numbering import number_issue


class ActionRefused(ValidationError):
    """A rule of the PPID procedure refuses the action; the message says why."""


# -- helpers ---------------------------------------------------------------------------


def calendar_for(kecamatan_code: str | None = None) -> WorkingCalendar:
    """The working-day calendar of the installation's kabupaten/kota."""
    return WorkingCalendar.for_region(kecamatan_code or settings.PATEN_KABUPATEN_KOTA)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _event(request: InformationRequest, kind: str, *, actor=None, note: str = "", at=None):
    return RequestEvent.objects.create(
        request=request, kind=kind, actor=_actor(actor), note=note, at=at or timezone.now()
    )


def _audit(action: str, *, actor, request: InformationRequest, target=None, **payload):
    audit_record(
        actor=_actor(actor),
        action=f"ppid.{action}",
        target=target or request,
        kecamatan=request.kecamatan_id,
        payload={"nomor": request.registration_number, **payload},
    )


def _locked(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def _new_tracking_code() -> str:
    for _attempt in range(20):
        code = tracking.tracking_code_new()
        if not InformationRequest.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("no free tracking code after 20 attempts")


def _notice_queue(record: RequestFile) -> None:
    from .tasks import notice_email_task

    transaction.on_commit(lambda: notice_email_task.delay(str(record.pk)))


def _letter_store(
    *, request: InformationRequest, kind: str, objection: Objection | None = None, actor=None
) -> RequestFile:
    from .pdf import letter_pdf

    content = letter_pdf(kind=kind, request=request, objection=objection)
    file_kind = FileKind.OBJECTION_ANSWER if objection is not None else FileKind.NOTICE
    record = request_file_store(
        request=request,
        kind=file_kind,
        content=content,
        file_type="pdf",
        title=str(_template_title(kind)),
        letter=kind,
        objection=objection,
        actor=actor,
    )
    if PpidSettings.load().email_requesters and request.requester_email:
        _notice_queue(record)
    return record


def _template_title(kind: str) -> str:
    from .pdf import template_for

    return template_for(kind).title


# -- requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """What the requester gives (Perki 1/2021 request form)."""

    requester_name: str
    requester_nik: str
    requester_address: str
    information_requested: str
    purpose: str
    requester_kind: str = RequesterKind.INDIVIDUAL
    requester_occupation: str = ""
    requester_phone: str = ""
    requester_email: str = ""
    obtain_method: str = "salinan"
    delivery_method: str = "unduh"


def _check_input(data: RequestInput) -> dict:
    """The cleaned values, or a ``ValidationError`` keyed by field."""
    errors: dict[str, list] = {}
    values = {
        key: (getattr(data, key) or "").strip()
        for key in RequestInput.__dataclass_fields__  # noqa: SLF001
    }
    try:
        values["requester_nik"] = validate_nik(values["requester_nik"], check_region=False)
    except ValidationError as error:
        errors["requester_nik"] = error.messages
    if values["requester_phone"]:
        try:
            values["requester_phone"] = normalize_phone(values["requester_phone"])
        except ValidationError as error:
            errors["requester_phone"] = error.messages
    if not values["requester_phone"] and not values["requester_email"]:
        errors.setdefault("requester_email", []).append(
            _("Give an e-mail address or a mobile number, so that the PPID can reach you.")
        )
    for key in ("requester_name", "requester_address", "information_requested", "purpose"):
        if not values[key]:
            errors.setdefault(key, []).append(_("This field is required."))
    if errors:
        raise ValidationError(errors)
    return values


def _file_type(
    uploaded, field: str, errors: dict, *, accepted=IDENTITY_TYPES, max_size_mb: int
) -> str | None:
    """The type of an optional upload, checked by content; what is wrong with it is added
    to ``errors[field]`` (the caller raises them all at once)."""
    if uploaded is None:
        return None
    try:
        return file_check(uploaded, accepted=accepted, max_size_mb=max_size_mb)
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.messages)
        return None


@transaction.atomic
def request_submit(
    *,
    data: RequestInput,
    kecamatan: Region | None = None,
    channel: str = RequestChannel.ONLINE,
    identity_file=None,
    letter_file=None,
    actor=None,
    received_at: datetime | None = None,
) -> InformationRequest:
    """Register a request (online, or at the desk by a PPID officer) and return it.

    The registration number and tracking code are issued, the notice deadline is set on
    the working-day calendar (UU 14/2008 Pasal 22 ayat (7)), the files are checked by
    content and stored privately. Bad input raises ``ValidationError`` and saves nothing.
    """
    values = _check_input(data)
    if channel == RequestChannel.ONLINE and identity_file is None:
        raise ValidationError(
            {"identity_file": _("Attach a copy of your identity card (KTP): PDF, JPEG or PNG.")}
        )
    if kecamatan is not None and not installation_kecamatan().filter(pk=kecamatan.pk).exists():
        raise ValidationError({"kecamatan": _("Choose a kecamatan of this kabupaten/kota.")})
    errors: dict[str, list] = {}
    identity_type = _file_type(identity_file, "identity_file", errors, max_size_mb=IDENTITY_MAX_MB)
    letter_type = _file_type(letter_file, "letter_file", errors, max_size_mb=ANSWER_MAX_MB)
    if errors:
        raise ValidationError(errors)

    received_at = received_at or timezone.now()
    ppid_settings = PpidSettings.load()
    request = InformationRequest(
        channel=channel,
        kecamatan=kecamatan,
        received_at=received_at,
        notice_days=ppid_settings.notice_days,
        created_by=_actor(actor),
        state=RequestState.ROUTED if kecamatan is not None else RequestState.RECEIVED,
        **values,
    )
    request.due_at = deadlines.notice_due(
        calendar_for(request.kecamatan_id),
        received_at=received_at,
        notice_days=request.notice_days,
    )
    request.registration_number = "-"
    request.tracking_code = "-"
    request.full_clean(exclude=["registration_number", "tracking_code"])
    request.registration_number = number_issue(
        kind="permohonan", kecamatan_code=request.kecamatan_id, now=received_at
    )
    request.tracking_code = _new_tracking_code()
    request.save()
    for uploaded, kind, file_type in (
        (identity_file, FileKind.IDENTITY, identity_type),
        (letter_file, FileKind.LETTER, letter_type),
    ):
        if uploaded is not None:
            request_file_store(
                request=request, kind=kind, uploaded=uploaded, file_type=file_type, actor=actor
            )
    _event(request, RequestEventKind.RECEIVED, actor=actor, at=received_at)
    _audit("request_receive", actor=actor, request=request, channel=channel)
    return request


@transaction.atomic
def request_route(
    *, request: InformationRequest, kecamatan: Region | None, actor, note: str = ""
) -> InformationRequest:
    """Disposisi: hand the request to the kecamatan PPID that holds the information (or
    back to the PPID utama with ``kecamatan=None``). The deadline does not move: it runs
    from the receipt (UU 14/2008 Pasal 22 ayat (7))."""
    request = _locked(request)
    if request.state not in OPEN_STATES:
        raise ActionRefused(_("Only an open request can be routed."))
    if kecamatan is not None and not installation_kecamatan().filter(pk=kecamatan.pk).exists():
        raise ActionRefused(_("Choose a kecamatan of this kabupaten/kota."))
    if (kecamatan.pk if kecamatan else None) == request.kecamatan_id:
        raise ActionRefused(_("The request is already with this PPID."))
    previous = request.kecamatan_id
    request.kecamatan = kecamatan
    if request.state != RequestState.EXTENDED:
        request.state = RequestState.ROUTED if kecamatan else RequestState.RECEIVED
    request.save(update_fields=["kecamatan", "state"])
    target = kecamatan.name if kecamatan else PpidSettings.load().utama_unit
    _event(
        request,
        RequestEventKind.ROUTED,
        actor=actor,
        note=(_("To %(unit)s.") % {"unit": target}) + (f" {note}" if note else ""),
    )
    _audit("request_route", actor=actor, request=request, dari=previous, ke=request.kecamatan_id)
    return request


@transaction.atomic
def request_extend(
    *, request: InformationRequest, days: int, reason: str, actor, now: datetime | None = None
) -> InformationRequest:
    """Extend the notice deadline once, by at most 7 working days, with written reasons
    (UU 14/2008 Pasal 22 ayat (8)); the requester gets the notice of extension."""
    request = _locked(request)
    now = now or timezone.now()
    limit = PpidSettings.load().extension_days_max
    reason = (reason or "").strip()
    if request.state not in OPEN_STATES:
        raise ActionRefused(_("Only an open request can be extended."))
    if request.extension_days:
        raise ActionRefused(_("The deadline can be extended only once."))
    if now > request.due_at:
        raise ActionRefused(_("The deadline has already passed; it can no longer be extended."))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise ActionRefused(_("An extension is 1 to %(limit)d working days.") % {"limit": limit})
    if not reason:
        raise ActionRefused(_("Write the reason for the extension; the requester receives it."))
    request.extension_days = days
    request.extension_reason = reason
    request.extended_at = now
    request.state = RequestState.EXTENDED
    request.due_at = deadlines.notice_due(
        calendar_for(request.kecamatan_id),
        received_at=request.received_at,
        notice_days=request.notice_days,
        extension_days=days,
    )
    request.save(
        update_fields=["extension_days", "extension_reason", "extended_at", "state", "due_at"]
    )
    _event(request, RequestEventKind.EXTENDED, actor=actor, note=reason, at=now)
    _letter_store(request=request, kind=TemplateKind.EXTENSION, actor=actor)
    _audit("request_extend", actor=actor, request=request, hari=days)
    return request


@transaction.atomic
def request_decide(
    *,
    request: InformationRequest,
    outcome: str,
    actor,
    answer: str = "",
    withheld: str = "",
    exception_ground: ExceptionGround | None = None,
    exempt_entry: DipEntry | None = None,
    not_held_where: str = "",
    files=(),
    now: datetime | None = None,
) -> InformationRequest:
    """Send the written notice (UU 14/2008 Pasal 22 ayat (7)): granted in full or in part,
    refused, or information not held. The notice PDF is made from its template, stored
    with the request, and e-mailed; answer documents are delivered through the tracker.
    """
    request = _locked(request)
    now = now or timezone.now()
    answer, withheld, not_held_where = (
        (value or "").strip() for value in (answer, withheld, not_held_where)
    )
    if request.state not in OPEN_STATES:
        raise ActionRefused(_("This request has already been decided."))
    if outcome not in DECISION_STATES:
        raise ActionRefused(_("Choose a decision."))
    errors: dict[str, list] = {}
    if exempt_entry is not None and exempt_entry.information_class != InformationClass.EXEMPT:
        errors["exempt_entry"] = [_("Choose an exempt entry of the DIP.")]
    if outcome in (RequestState.GRANTED_IN_PART, RequestState.REFUSED):
        if exception_ground is None and exempt_entry is None:
            errors["exception_ground"] = [
                _("Name the exception ground (UU 14/2008 Pasal 17) or the exempt DIP entry.")
            ]
    else:
        exception_ground = exempt_entry = None
    if outcome == RequestState.GRANTED_IN_PART and not withheld:
        errors["withheld"] = [_("Say what was withheld and why.")]
    if outcome == RequestState.NOT_HELD and not not_held_where:
        errors["not_held_where"] = [_("Say where the information may be held.")]
    if (
        outcome in GRANTING_STATES
        and not answer
        and not files
        and not request.files.filter(kind=FileKind.ANSWER).exists()
    ):
        errors["answer"] = [_("Give the answer as text or attach the answer documents.")]
    checked = []
    for uploaded in files:
        file_type = _file_type(
            uploaded, "files", errors, accepted=ANSWER_TYPES, max_size_mb=ANSWER_MAX_MB
        )
        if file_type:
            checked.append((uploaded, file_type))
    if errors:
        raise ValidationError(errors)
    if exempt_entry is not None and exception_ground is None and exempt_entry.consequence_test_id:
        exception_ground = exempt_entry.consequence_test.ground

    request.state = outcome
    request.decided_at = now
    request.decided_by = _actor(actor)
    request.decision_note = answer
    request.withheld_note = withheld if outcome == RequestState.GRANTED_IN_PART else ""
    request.exception_ground = exception_ground
    request.exempt_entry = exempt_entry
    request.not_held_where = not_held_where if outcome == RequestState.NOT_HELD else ""
    request.save()
    for uploaded, file_type in checked:
        request_file_store(
            request=request,
            kind=FileKind.ANSWER,
            uploaded=uploaded,
            file_type=file_type,
            title=_("Answer document"),
            actor=actor,
        )
    _event(
        request,
        RequestEventKind.DECIDED,
        actor=actor,
        note=str(RequestState(outcome).label),
        at=now,
    )
    _letter_store(request=request, kind=outcome, actor=actor)
    _audit(
        "request_decide",
        actor=actor,
        request=request,
        keputusan=outcome,
        tepat_waktu=request.answered_on_time,
        dasar=str(exception_ground.pk) if exception_ground else None,
    )
    return request


@transaction.atomic
def request_withdraw(
    *, request: InformationRequest, actor=None, note: str = ""
) -> InformationRequest:
    """The requester withdraws an open request (from the tracker, or by letter recorded
    by the PPID); a confirmation is stored and sent."""
    request = _locked(request)
    if request.state not in OPEN_STATES:
        raise ActionRefused(_("Only an open request can be withdrawn."))
    request.state = RequestState.WITHDRAWN
    request.decided_at = timezone.now()
    request.decided_by = _actor(actor)
    request.save(update_fields=["state", "decided_at", "decided_by"])
    _event(request, RequestEventKind.WITHDRAWN, actor=actor, note=(note or "").strip())
    _letter_store(request=request, kind=TemplateKind.WITHDRAWN, actor=actor)
    _audit("request_withdraw", actor=actor, request=request)
    return request


@transaction.atomic
def request_answer_file_add(
    *, request: InformationRequest, uploaded, actor, title: str = ""
) -> RequestFile:
    """Add an answer document (before the decision, or after a grant)."""
    request = _locked(request)
    if request.state not in OPEN_STATES | GRANTING_STATES:
        raise ActionRefused(_("Answer documents belong to open or granted requests."))
    file_type = file_check(uploaded, accepted=ANSWER_TYPES, max_size_mb=ANSWER_MAX_MB)
    record = request_file_store(
        request=request,
        kind=FileKind.ANSWER,
        uploaded=uploaded,
        file_type=file_type,
        title=(title or "").strip()[:200] or _("Answer document"),
        actor=actor,
    )
    _event(request, RequestEventKind.DOCUMENT_ADDED, actor=actor, note=record.title)
    _audit("request_file_add", actor=actor, request=request, target=record, berkas=str(record.pk))
    return record


# -- publication of an answered request to the DIP -------------------------------------


@transaction.atomic
def request_publish_to_dip(
    *,
    request: InformationRequest,
    actor,
    title: str,
    summary: str,
    category: DipCategory,
    retention: str,
    publish: bool = True,
) -> DipEntry:
    """Make an answered request's information public (class “setiap saat”, UU 14/2008
    Pasal 11) as a new DIP entry whose documents are copies of the answer documents: the
    requester's identity, the letters and the KTP copy are never part of it."""
    from wagtail.documents import get_document_model

    request = _locked(request)
    title, summary, retention = ((value or "").strip() for value in (title, summary, retention))
    if request.state not in GRANTING_STATES:
        raise ActionRefused(_("Only a granted request can be published."))
    if request.published_entry_id:
        raise ActionRefused(_("This request has already been published."))
    errors = {}
    if not title:
        errors["title"] = [_("This field is required.")]
    if not retention:
        errors["retention"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    ppid_settings = PpidSettings.load()
    from .pdf import unit_name

    today = timezone.localdate()
    entry = DipEntry(
        title=title,
        summary=summary,
        information_class=InformationClass.ANY_TIME,
        category=category,
        kecamatan=request.kecamatan,
        holding_unit=unit_name(request, ppid_settings),
        responsible=unit_name(request, ppid_settings),
        produced_on=timezone.localdate(request.decided_at) if request.decided_at else today,
        year=today.year,
        retention=retention,
        source_request=request,
        live=False,
    )
    entry.number = dip_number_issue(kecamatan_code=request.kecamatan_id)
    entry.full_clean(exclude=["number"])
    entry.save()
    Document = get_document_model()
    answers = list(request.files.filter(kind=FileKind.ANSWER).order_by("uploaded_at"))
    for index, record in enumerate(answers, start=1):
        with record.file.open("rb") as handle:
            content = handle.read()
        extension = {
            "application/pdf": "pdf",
            "image/jpeg": "jpg",
            "image/png": "png",
        }.get(record.content_type, "xlsx")
        document = Document(title=f"{title} ({index})" if len(answers) > 1 else title)
        # A fresh name: the requester's own file name may carry personal data.
        document.file.save(
            f"informasi-{entry.pk.hex[:8]}-{index}.{extension}", ContentFile(content), save=False
        )
        document.uploaded_by_user = _actor(actor)
        document.save()
        DipDocument.objects.create(entry=entry, document=document, sort_order=index)
    revision = entry.save_revision(user=_actor(actor), log_action=True)
    if publish:
        revision.publish(user=_actor(actor))
    request.published_entry = entry
    request.save(update_fields=["published_entry"])
    _event(request, RequestEventKind.PUBLISHED, actor=actor, note=entry.number)
    _audit("request_publish", actor=actor, request=request, target=entry, dip=entry.number)
    return entry


def dip_number_issue(*, kecamatan_code: str | None) -> str:
    return number_issue(kind="dip", kecamatan_code=kecamatan_code)


def consequence_test_number_issue(*, kecamatan_code: str | None) -> str:
    return number_issue(kind="uji", kecamatan_code=kecamatan_code)


# -- objections ------------------------------------------------------------------------

#: Grounds that need a written notice (or a withdrawal) to have arisen.
_GROUNDS_AFTER_DECISION = frozenset(
    {
        ObjectionGround.REFUSED_EXCEPTION,
        ObjectionGround.PERIODIC_NOT_PROVIDED,
        ObjectionGround.NOT_AS_REQUESTED,
        ObjectionGround.NOT_FULFILLED,
        ObjectionGround.UNREASONABLE_COST,
        ObjectionGround.LATE,
    }
)


def objection_ground_arose_on(*, request: InformationRequest, ground: str, now: datetime):
    """The day the ground of an objection arose (day 0 of the 30 working days of UU 14/2008
    Pasal 36 ayat (1)), or ``ActionRefused`` when the ground does not (yet) apply."""
    if request.state == RequestState.WITHDRAWN:
        raise ActionRefused(_("A withdrawn request cannot be objected to."))
    if ground == ObjectionGround.NOT_ANSWERED:
        if request.state not in OPEN_STATES:
            raise ActionRefused(
                _("This request was answered; choose the ground that fits the answer.")
            )
        if now <= request.due_at:
            raise ActionRefused(
                _("The PPID may still answer until %(date)s.") % {"date": _long(request.due_at)}
            )
        return timezone.localdate(request.due_at)
    if ground not in _GROUNDS_AFTER_DECISION:
        raise ActionRefused(_("Choose one of the grounds."))
    if request.state not in DECISION_STATES:
        raise ActionRefused(
            _("This ground applies once the PPID has answered; the answer is due by %(date)s.")
            % {"date": _long(request.due_at)}
        )
    if ground == ObjectionGround.REFUSED_EXCEPTION and request.state not in (
        RequestState.REFUSED,
        RequestState.GRANTED_IN_PART,
    ):
        raise ActionRefused(_("The request was not refused on an exception ground."))
    if ground == ObjectionGround.LATE and request.answered_on_time:
        raise ActionRefused(_("The written notice was sent on time."))
    return timezone.localdate(request.decided_at)


def _long(value) -> str:
    from .pdf import long_date

    return long_date(value)


@transaction.atomic
def objection_file(
    *,
    request: InformationRequest,
    ground: str,
    reasons: str,
    proxy_name: str = "",
    proxy_address: str = "",
    channel: str = RequestChannel.ONLINE,
    actor=None,
    now: datetime | None = None,
) -> Objection:
    """File an objection to the atasan PPID on a Pasal 35 ground, within 30 working days of
    the ground arising (UU 14/2008 Pasal 35–36); refused after that with the date it
    closed. The answer is due within the configured working days (at most 30)."""
    request = _locked(request)
    now = now or timezone.now()
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": [_("Explain your objection.")]})
    if request.objections.filter(state=ObjectionState.RECEIVED).exists():
        raise ActionRefused(_("This request already has an objection awaiting an answer."))
    arose_on = objection_ground_arose_on(request=request, ground=ground, now=now)
    calendar = calendar_for(request.kecamatan_id)
    closes_at = deadlines.objection_filing_deadline(calendar, ground_arose_on=arose_on)
    if now > closes_at:
        raise ActionRefused(
            _(
                "The time to object has passed: an objection must be filed within 30 working "
                "days of %(arose)s, that is by %(closed)s (UU 14/2008 Pasal 36)."
            )
            % {"arose": _long(arose_on), "closed": _long(closes_at)}
        )
    answer_days = PpidSettings.load().objection_answer_days
    objection = Objection(
        request=request,
        ground=ground,
        reasons=reasons,
        proxy_name=(proxy_name or "").strip(),
        proxy_address=(proxy_address or "").strip(),
        channel=channel,
        received_at=now,
        ground_arose_on=arose_on,
        answer_days=answer_days,
        due_at=deadlines.objection_answer_due(calendar, received_at=now, answer_days=answer_days),
        created_by=_actor(actor),
    )
    objection.registration_number = number_issue(
        kind="keberatan", kecamatan_code=request.kecamatan_id, now=now
    )
    objection.full_clean()
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        raise ActionRefused(
            _("This request already has an objection awaiting an answer.")
        ) from None
    _event(
        request,
        RequestEventKind.OBJECTION_FILED,
        actor=actor,
        note=objection.registration_number,
        at=now,
    )
    _audit(
        "objection_file",
        actor=actor,
        request=request,
        target=objection,
        keberatan=objection.registration_number,
        alasan=ground,
    )
    return objection


@transaction.atomic
def objection_answer(
    *, objection: Objection, decision: str, answer: str, actor, now: datetime | None = None
) -> Objection:
    """The atasan PPID's written answer (UU 14/2008 Pasal 36 ayat (2)); after it the
    requester has 14 working days to go to the Komisi Informasi (Pasal 37 ayat (2))."""
    objection = Objection.objects.select_for_update().select_related("request").get(pk=objection.pk)
    now = now or timezone.now()
    answer = (answer or "").strip()
    if objection.state != ObjectionState.RECEIVED:
        raise ActionRefused(_("This objection has already been answered."))
    if decision not in ObjectionDecision.values:
        raise ValidationError({"decision": [_("Choose a decision.")]})
    if not answer:
        raise ValidationError({"answer": [_("Write the answer; the requester receives it.")]})
    if actor is not None and objection.request.decided_by_id == getattr(actor, "pk", None):
        raise ActionRefused(
            _("The objection goes to the atasan PPID, not to who decided the request.")
        )
    ppid_settings = PpidSettings.load()
    request = objection.request
    objection.state = ObjectionState.ANSWERED
    objection.decision = decision
    objection.answer = answer
    objection.answered_at = now
    objection.answered_by = _actor(actor)
    objection.answerer_name = ppid_settings.atasan_name or (
        actor.get_full_name() if actor is not None else ""
    )
    objection.answerer_position = ppid_settings.atasan_position
    objection.dispute_due_on = deadlines.dispute_filing_deadline(
        calendar_for(request.kecamatan_id), answered_at=now
    )
    objection.save()
    _event(
        request,
        RequestEventKind.OBJECTION_ANSWERED,
        actor=actor,
        note=f"{objection.registration_number}: {objection.get_decision_display()}",
        at=now,
    )
    _letter_store(
        request=request, kind=TemplateKind.OBJECTION_ANSWER, objection=objection, actor=actor
    )
    _audit(
        "objection_answer",
        actor=actor,
        request=request,
        target=objection,
        keberatan=objection.registration_number,
        keputusan=decision,
        tepat_waktu=now <= objection.due_at,
    )
    return objection


@transaction.atomic
def objection_response_record(
    *, objection: Objection, response: str, note: str, actor
) -> Objection:
    """Record the requester's response to the answer (the register's last column)."""
    objection = Objection.objects.select_for_update().select_related("request").get(pk=objection.pk)
    if objection.state != ObjectionState.ANSWERED:
        raise ActionRefused(_("The objection has not been answered yet."))
    if response not in RequesterResponse.values:
        raise ValidationError({"response": [_("Choose the requester's response.")]})
    objection.requester_response = response
    objection.requester_response_note = (note or "").strip()
    objection.save(update_fields=["requester_response", "requester_response_note"])
    _audit(
        "objection_response",
        actor=actor,
        request=objection.request,
        target=objection,
        keberatan=objection.registration_number,
        tanggapan=response,
    )
    return objection


@transaction.atomic
def dispute_record(
    *,
    objection: Objection,
    actor,
    registered_on,
    case_number: str = "",
    stage: str,
    outcome: str,
    outcome_on=None,
    note: str = "",
) -> Dispute:
    """Record (or update) the dispute at the Komisi Informasi and its outcome."""
    objection = Objection.objects.select_for_update().select_related("request").get(pk=objection.pk)
    if objection.state != ObjectionState.ANSWERED:
        raise ActionRefused(_("A dispute follows the atasan PPID's answer."))
    dispute = Dispute.objects.filter(objection=objection).first() or Dispute(objection=objection)
    created = dispute.pk is None or dispute._state.adding  # noqa: SLF001
    dispute.registered_on = registered_on
    dispute.case_number = (case_number or "").strip()
    dispute.stage = stage
    dispute.outcome = outcome
    dispute.outcome_on = outcome_on
    dispute.note = (note or "").strip()
    dispute.recorded_by = _actor(actor)
    dispute.full_clean()
    dispute.save()
    if not objection.requester_response:
        objection.requester_response = RequesterResponse.DISPUTE
        objection.save(update_fields=["requester_response"])
    if created:
        _event(
            objection.request,
            RequestEventKind.DISPUTE_RECORDED,
            actor=actor,
            note=dispute.case_number,
        )
    _audit(
        "dispute_record",
        actor=actor,
        request=objection.request,
        target=dispute,
        keberatan=objection.registration_number,
        tahap=stage,
        hasil=outcome,
    )
    return dispute


# -- deadlines follow the calendar -----------------------------------------------------


@transaction.atomic
def deadlines_recompute() -> int:
    """Recompute the deadlines of open requests and objections from the calendar as it is
    now (after a holiday is added or removed); returns how many changed."""
    calendar = calendar_for(None)
    changed = 0
    requests = list(InformationRequest.objects.select_for_update().filter(state__in=OPEN_STATES))
    for request in requests:
        due = deadlines.notice_due(
            calendar,
            received_at=request.received_at,
            notice_days=request.notice_days,
            extension_days=request.extension_days,
        )
        if due != request.due_at:
            request.due_at = due
            changed += 1
    InformationRequest.objects.bulk_update(requests, ["due_at"])
    objections = list(Objection.objects.select_for_update().filter(state=ObjectionState.RECEIVED))
    for objection in objections:
        due = deadlines.objection_answer_due(
            calendar, received_at=objection.received_at, answer_days=objection.answer_days
        )
        if due != objection.due_at:
            objection.due_at = due
            changed += 1
    Objection.objects.bulk_update(objections, ["due_at"])
    return changed


# -- e-mail ----------------------------------------------------------------------------


def notice_email_send(*, file_id: str) -> bool:
    """E-mail the requester that a letter is ready (idempotent: ``emailed_at``).

    The e-mail carries the template's text and the tracker address; the letter itself is
    downloaded from the tracker, so no personal data travels as an attachment.
    """
    from django.core.mail import send_mail

    from .pdf import letter_values, render_plain, template_for

    with transaction.atomic():
        record = (
            RequestFile.objects.select_for_update(of=("self",))
            .select_related("request__kecamatan", "objection")
            .filter(pk=file_id)
            .first()
        )
        # idempotency: a re-delivered task finds the letter already e-mailed.
        if (
            record is None
            or not record.letter
            or record.emailed_at is not None
            or not record.request.requester_email
        ):
            return False
        request = record.request
        template = template_for(record.letter)
        values = letter_values(
            request=request, objection=record.objection, tracker_url=tracker_url(request)
        )
        subject = render_plain(template.email_subject or template.title, values)
        body = render_plain(template.email_body or "{{ alamat_pelacak }}", values)
        send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [request.requester_email],
            fail_silently=False,
        )
        record.emailed_at = timezone.now()
        record.save(update_fields=["emailed_at"])
    return True


def tracker_path(display_code: str) -> str:
    return code_tracker_path("ppid", display_code)


def tracker_url(request: InformationRequest) -> str:
    return code_tracker_url("ppid", request.display_code)
