"""Applications (permohonan), their history, private attachments and issuance.

Writes go through ``forms_builder.services.applications``; these models hold data
and small read-only properties only.
"""

import hashlib
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .. import tracking
from ..numbering import DEFAULT_NUMBER_PATTERN, format_number
from ..workflow import DONE_STATES, ApplicationState, Channel


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under ``PATEN_PRIVATE_ROOT``: never under MEDIA_ROOT, and with no URL.

    The location is read from settings on every use (tests move it per test). Files
    are served only by the permission-checked attachment view.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return str(settings.PATEN_PRIVATE_ROOT)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(str(settings.PATEN_PRIVATE_ROOT))

    def path(self, name):
        return safe_join(self.location, name)

    def url(self, name):
        raise ValueError("Private files have no URL; use the attachment download view.")


private_storage = PrivateStorage()


def nik_digest(nik: str) -> str:
    """The SHA-256 of a 16-digit NIK, for finding an application by NIK (exact match)
    without a second plain copy of it or a NIK in a URL or an index.

    Unkeyed on purpose: offline instances compute the same digest (the column travels
    with the application), and the NIK itself is already stored in the form data, so a
    key would protect nothing more.
    """
    return hashlib.sha256(f"paten-nik:{nik}".encode()).hexdigest()


def applicant_nik_digest_for(schema: list[dict], data: dict) -> str:
    """The digest of the first NIK field's value in ``data`` (``""`` when none)."""
    for spec in schema:
        if spec.get("type") == "nik":
            value = "".join(ch for ch in str(data.get(spec.get("key"), "")) if ch.isdigit())
            return nik_digest(value) if len(value) == 16 else ""
    return ""


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # Never the applicant's file name in the path: it may carry personal data; and never
    # their extension: the file is stored as the type its content was detected as.
    from ..validators import extension_for

    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{extension_for(instance.content_type)}"


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # 10 symbols at the central, 11 at an offline instance (tracking.py).
    tracking_code = models.CharField(_("tracking code"), max_length=11, unique=True)
    service = models.ForeignKey(
        "service_catalog.ServicePage",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    form_version = models.ForeignKey(
        "forms_builder.FormVersion",
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    # Personal data: shown to staff of the kecamatan only, never on public pages.
    applicant_name = models.CharField(_("applicant name"), max_length=150)
    applicant_phone = models.CharField(_("applicant phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("applicant email"), blank=True)
    # ``nik_digest`` of the form's first NIK field (the applicant's), set at intake (the
    # form data never changes after it): the queue's search by NIK.
    applicant_nik_digest = models.CharField(
        _("applicant NIK digest"), max_length=64, blank=True, db_index=True, editable=False
    )
    data = models.JSONField(_("form data"), default=dict)
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
        db_index=True,
    )
    current_step = models.PositiveSmallIntegerField(_("current procedure step"), default=0)
    originals_checked = models.JSONField(_("originals checked at the counter"), default=list)
    return_note = models.TextField(_("what is missing / reason"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified complete at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    result_number = models.CharField(
        _("result number"), max_length=120, null=True, blank=True, unique=True
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    verification_token = models.CharField(
        _("verification token"), max_length=64, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        permissions = [
            # Personal data (fields marked personal, the applicant's name and contact) is
            # masked on the detail page and in exports unless the user holds this; each
            # unmasked read is recorded (PersonalDataAccess).
            ("view_personal_data", _("Can see the personal data of applications unmasked")),
        ]
        indexes = [models.Index(fields=["kecamatan", "state", "due_at"])]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return tracking.display(self.tracking_code)

    @property
    def applicant_initials(self) -> str:
        return "".join(f"{part[0].upper()}." for part in self.applicant_name.split()[:3])

    def is_overdue(self, now=None) -> bool:
        if self.due_at is None or self.state in DONE_STATES:
            return False
        return (now or timezone.now()) > self.due_at

    def is_due_soon(self, now=None, hours: int | None = None) -> bool:
        if self.due_at is None or self.state in DONE_STATES or self.is_overdue(now):
            return False
        hours = hours or getattr(settings, "FORMS_BUILDER_DUE_SOON_HOURS", 24)
        return self.due_at - (now or timezone.now()) <= timezone.timedelta(hours=hours)


class ApplicationEvent(models.Model):
    """One state change (the audit chain gets the same event, hash-linked)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    from_state = models.CharField(
        _("from"), max_length=24, choices=ApplicationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=24, choices=ApplicationState.choices)
    step = models.PositiveSmallIntegerField(_("procedure step"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    notified_at = models.DateTimeField(_("applicant notified at"), null=True, blank=True)
    # The applicant is still to be told of this event (``notifications_send_pending``
    # sends it and clears the mark); events that notify nobody never carry it.
    notification_due = models.BooleanField(
        _("notification due"), default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at"]
        indexes = [
            models.Index(
                fields=["at"],
                condition=models.Q(notification_due=True),
                name="fb_event_notification_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    required_document_key = models.CharField(_("required document"), max_length=60)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # A file the applicant replaced on resubmission is kept as evidence, pointing at
    # the file that replaced it; the current file of a document has none.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["required_document_key", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.required_document_key} ({self.size} B)"

    @property
    def is_replaced(self) -> bool:
        return self.replaced_by_id is not None


class NumberSequence(models.Model):
    """The last number issued per kecamatan, service and year (gap-free, see numbering)."""

    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "service_catalog.ServicePage", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "service", "year"], name="number_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan_id}/{self.service_id}/{self.year}: {self.last_value}"


class IssuanceSettings(models.Model):
    """How a service's result document is numbered and printed (edited by the pemda)."""

    service = models.OneToOneField(
        "service_catalog.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="issuance_settings",
    )
    number_pattern = models.CharField(
        _("number pattern"),
        max_length=200,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_(
            "Placeholders: {seq} (e.g. {seq:03} for 001), {service_code}, "
            "{kecamatan_code}, {year}, {month}."
        ),
    )
    template = models.TextField(
        _("result document template"),
        blank=True,
        help_text=_(
            "HTML. Placeholders: {{ number }}, {{ service }}, {{ kecamatan }}, "
            "{{ issued_on }}, {{ valid_until }}, {{ applicant_name }} and "
            "{{ data.<field key> }}."
        ),
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text=_("Empty: valid without limit."),
    )

    panels = [
        FieldPanel("service"),
        FieldPanel("number_pattern"),
        FieldPanel("validity_days"),
        FieldPanel("template"),
    ]

    class Meta:
        verbose_name = _("issuance settings")
        verbose_name_plural = _("issuance settings")

    def __str__(self) -> str:
        return str(self.service)

    def clean(self):
        try:
            format_number(
                self.number_pattern,
                seq=1,
                service_code="x",
                kecamatan_code="00.00.00",
                year=2026,
                month=1,
            )
        except (KeyError, ValueError, IndexError) as error:
            raise ValidationError(
                {"number_pattern": _("Invalid pattern: %(error)s") % {"error": error}}
            ) from None
