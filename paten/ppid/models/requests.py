"""Information requests (permohonan informasi), their files and timeline, objections
(keberatan) and disputes (sengketa).

Writes go through ``paten.ppid.services``; these models hold data and small read-only
properties. The requester's identity, KTP number, address and contact are personal
data: staff of the request's unit see them, masked unless they hold
``ppid.view_personal_data``; no public page, URL or default export shows them.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_builder import tracking
from forms_builder.models.application import private_storage

from ..constants import (
    CLOSED_STATES,
    OPEN_STATES,
    DeliveryMethod,
    DisputeOutcome,
    DisputeStage,
    FileKind,
    ObjectionDecision,
    ObjectionGround,
    ObjectionState,
    ObtainMethod,
    RequestChannel,
    RequesterKind,
    RequesterResponse,
    RequestEventKind,
    RequestState,
    TemplateKind,
)


def request_file_upload_to(instance: "RequestFile", filename: str) -> str:
    # Never the requester's file name in the path: it may carry personal data.
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"ppid/{instance.request_id}/{uuid.uuid4().hex}{ext}"


class InformationRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("registration number"), max_length=60, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=11, unique=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=RequestChannel.choices, default=RequestChannel.ONLINE
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan PPID"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: with the PPID utama."),
    )

    # Personal data.
    requester_kind = models.CharField(
        _("requester"),
        max_length=12,
        choices=RequesterKind.choices,
        default=RequesterKind.INDIVIDUAL,
    )
    requester_name = models.CharField(_("requester name"), max_length=150)
    requester_nik = models.CharField(_("NIK (KTP number)"), max_length=16)
    requester_address = models.TextField(_("address"))
    requester_occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    requester_phone = models.CharField(_("phone"), max_length=20, blank=True)
    requester_email = models.EmailField(_("email"), blank=True)

    information_requested = models.TextField(_("information requested"))
    purpose = models.TextField(_("purpose of use"))
    obtain_method = models.CharField(
        _("how to obtain it"),
        max_length=10,
        choices=ObtainMethod.choices,
        default=ObtainMethod.COPY,
    )
    delivery_method = models.CharField(
        _("how to receive a copy"),
        max_length=8,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.DOWNLOAD,
    )

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RequestState.choices,
        default=RequestState.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    notice_days = models.PositiveSmallIntegerField(_("notice within (working days)"))
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"), null=True, blank=True
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    # Derived from received_at, notice_days and extension_days on the working-day
    # calendar (paten.ppid.deadlines); recomputed when the calendar changes.
    due_at = models.DateTimeField(_("notice due at"), db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("answer"), blank=True)
    withheld_note = models.TextField(_("what was withheld and why"), blank=True)
    exception_ground = models.ForeignKey(
        "ppid.ExceptionGround",
        verbose_name=_("exception ground"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    exempt_entry = models.ForeignKey(
        "ppid.DipEntry",
        verbose_name=_("exempt DIP entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    not_held_where = models.TextField(_("where the information may be held"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_entry = models.ForeignKey(
        "ppid.DipEntry",
        verbose_name=_("published as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-received_at"]
        permissions = [
            ("view_personal_data", _("Can see the requester's identity and contact")),
            ("route_informationrequest", _("Can route requests to a kecamatan PPID")),
            ("decide_informationrequest", _("Can extend and decide requests")),
        ]
        indexes = [models.Index(fields=["kecamatan", "state", "due_at"])]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def display_code(self) -> str:
        return tracking.display(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at

    @property
    def answered_on_time(self) -> bool | None:
        """Whether the written notice went out by its deadline (None while open or withdrawn)."""
        if self.decided_at is None or self.state == RequestState.WITHDRAWN:
            return None
        return self.decided_at <= self.due_at


class RequestEvent(models.Model):
    """One step of a request's timeline (the audit chain records the same, hash-linked)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        InformationRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=RequestEventKind.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"


class Objection(models.Model):
    """A keberatan to the atasan PPID (UU 14/2008 Pasal 35–36)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("objection number"), max_length=60, unique=True)
    request = models.ForeignKey(
        InformationRequest,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("request"),
    )
    ground = models.CharField(_("ground"), max_length=1, choices=ObjectionGround.choices)
    reasons = models.TextField(_("reasons"))
    # Filed through a representative (kuasa): personal data like the requester's.
    proxy_name = models.CharField(_("representative (kuasa)"), max_length=150, blank=True)
    proxy_address = models.TextField(_("representative's address"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=RequestChannel.choices, default=RequestChannel.ONLINE
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    ground_arose_on = models.DateField(_("ground arose on"))
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"))
    due_at = models.DateTimeField(_("answer due at"), db_index=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ObjectionState.choices,
        default=ObjectionState.RECEIVED,
    )
    decision = models.CharField(
        _("decision of the atasan PPID"),
        max_length=10,
        choices=ObjectionDecision.choices,
        blank=True,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answerer_name = models.CharField(_("name of the atasan PPID"), max_length=150, blank=True)
    answerer_position = models.CharField(
        _("position of the atasan PPID"), max_length=150, blank=True
    )
    dispute_due_on = models.DateField(_("dispute may be filed until"), null=True, blank=True)
    requester_response = models.CharField(
        _("requester's response"), max_length=10, choices=RequesterResponse.choices, blank=True
    )
    requester_response_note = models.TextField(_("requester's response (note)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_at"]
        permissions = [("decide_objection", _("Can answer objections (atasan PPID)"))]
        constraints = [
            # One objection at a time per request, also under concurrent filing.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state=ObjectionState.RECEIVED),
                name="ppid_one_open_objection_per_request",
                violation_error_message=_(
                    "This request already has an objection awaiting an answer."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def is_open(self) -> bool:
        return self.state == ObjectionState.RECEIVED

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at


class Dispute(models.Model):
    """A dispute (sengketa) brought to the Komisi Informasi after an objection."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    objection = models.OneToOneField(
        Objection, on_delete=models.PROTECT, related_name="dispute", verbose_name=_("objection")
    )
    registered_on = models.DateField(_("registered at the Komisi Informasi on"))
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=DisputeStage.choices, default=DisputeStage.MEDIATION
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=DisputeOutcome.choices,
        default=DisputeOutcome.PENDING,
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    note = models.TextField(_("note and implementation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-registered_on"]

    def __str__(self) -> str:
        return self.case_number or str(self.objection)


class RequestFile(models.Model):
    """A private file of a request: the KTP copy, a letter, an answer or a notice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        InformationRequest,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("request"),
    )
    objection = models.ForeignKey(
        Objection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("objection"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    letter = models.CharField(_("letter"), max_length=24, choices=TemplateKind.choices, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=request_file_upload_to, max_length=200
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A notice is e-mailed once (idempotent task): set when it went out.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request file")
        verbose_name_plural = _("request files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()
