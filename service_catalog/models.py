"""The service catalog: legal instruments, delegated authorities and services with
their standar pelayanan (UU 25/2009 Pasal 21; PermenPAN-RB 15/2014).

Services are Wagtail pages, so drafts, revisions, preview, scheduled publishing and
moderation workflows come from Wagtail. Structured components (required documents,
procedure steps, legal basis, per-kecamatan overrides) are inline child models.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.models.workflows import AbstractGroupApprovalTask
from wagtail.search import index

from modelcluster.fields import ParentalKey

from paten.keys import key_from_label
from paten.regions.constants import RegionLevel
from paten.workdays.constants import DurationUnit

from .constants import (
    FILE_TYPE_CHOICES,
    DocumentForm,
    FeeKind,
    InstrumentKind,
    InstrumentStatus,
    ServiceField,
    StepRole,
    StepTransition,
)
from .durations import MAX_TOTAL_OFFICE_MINUTES, office_minutes
from .forms import FileTypesWidget, ServicePageForm

KECAMATAN_ONLY = {"level": RegionLevel.KECAMATAN}
# Plain-language rich text: no headings above h3, no embeds or images.
SIMPLE_FEATURES = ["bold", "italic", "ol", "ul", "link"]
MAX_DURATION_VALUE = 3650


def _check_period(start: date | None, end: date | None, *, field: str = "effective_until"):
    if start and end and end < start:
        raise ValidationError({field: _("The end date cannot be before the start date.")})


class EffectivePeriodQuerySet(models.QuerySet):
    def in_effect(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=on),
            models.Q(effective_until__isnull=True) | models.Q(effective_until__gte=on),
        )


# =============================================================================
# Legal instruments and delegated authority
# =============================================================================
class LegalInstrument(index.Indexed, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    number = models.CharField(_("number"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1945), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=400)
    signed_on = models.DateField(_("date signed"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InstrumentStatus.choices,
        default=InstrumentStatus.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced or amended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EffectivePeriodQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("number"), FieldPanel("year")]),
        FieldPanel("title"),
        FieldRowPanel(
            [FieldPanel("signed_on"), FieldPanel("effective_from"), FieldPanel("effective_until")]
        ),
        FieldRowPanel([FieldPanel("status"), FieldPanel("replaced_by")]),
        FieldPanel("document"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("number"),
        index.FilterField("kind"),
        index.FilterField("year"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")
        ordering = ["-year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number", "year"], name="legal_instrument_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} Nomor {self.number} Tahun {self.year}"

    def full_title(self) -> str:
        """The citation as written in a legal basis: "… Nomor 7 Tahun 2024 tentang …"."""
        return _("%(instrument)s about %(title)s") % {"instrument": self, "title": self.title}

    @property
    def natural_key_str(self) -> str:
        return f"{self.kind}/{self.number}/{self.year}"

    def clean(self):
        _check_period(self.effective_from, self.effective_until)
        if self.signed_on and self.signed_on.year != self.year:
            raise ValidationError({"signed_on": _("The signing date must fall in the year.")})
        if self.status != InstrumentStatus.IN_FORCE and self.replaced_by_id is None:
            if self.status == InstrumentStatus.AMENDED:
                raise ValidationError(
                    {"replaced_by": _("Name the instrument that amends this one.")}
                )
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            raise ValidationError({"replaced_by": _("An instrument cannot replace itself.")})


class DelegatedAuthorityQuerySet(EffectivePeriodQuerySet):
    def active(self, on: date | None = None):
        """Delegations in effect on a date whose instrument has not been revoked."""
        return (
            self.in_effect(on)
            .filter(revoked=False)
            .exclude(instrument__status=InstrumentStatus.REVOKED)
        )


class DelegatedAuthority(index.Indexed, models.Model):
    """Pelimpahan sebagian kewenangan bupati/wali kota kepada camat.

    PP 17/2018; docs/domain/paten.md#delegation-pelimpahan-kewenangan.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short stable key used by imports, e.g. pskwc-2016-a3."),
    )
    instrument = models.ForeignKey(
        LegalInstrument,
        verbose_name=_("delegation instrument"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    reference = models.CharField(
        _("article / item"), max_length=120, help_text=_("e.g. Lampiran I huruf A angka 3")
    )
    authority = models.TextField(_("delegated authority"))
    field = models.CharField(_("field"), max_length=16, choices=ServiceField.choices)
    originating_opd = models.CharField(_("originating OPD"), max_length=200)
    all_kecamatan = models.BooleanField(_("delegated to every kecamatan"), default=True)
    kecamatan = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("kecamatan"),
        blank=True,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="delegated_authorities",
        help_text=_("Only when not delegated to every kecamatan."),
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = DelegatedAuthorityQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("instrument"), FieldPanel("reference")]),
        FieldPanel("authority"),
        FieldRowPanel([FieldPanel("field"), FieldPanel("originating_opd")]),
        MultiFieldPanel(
            [FieldPanel("all_kecamatan"), FieldPanel("kecamatan")], heading=_("Kecamatan")
        ),
        FieldRowPanel(
            [FieldPanel("effective_from"), FieldPanel("effective_until"), FieldPanel("revoked")]
        ),
    ]
    search_fields = [
        index.SearchField("authority"),
        index.SearchField("code"),
        index.AutocompleteField("authority"),
        index.FilterField("field"),
    ]

    class Meta:
        verbose_name = _("delegated authority")
        verbose_name_plural = _("delegated authorities")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.authority[:80]} ({self.instrument}, {self.reference})"

    def clean(self):
        _check_period(self.effective_from, self.effective_until)


# =============================================================================
# Categories and maklumat
# =============================================================================
class ServiceCategory(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Maklumat(models.Model):
    """Maklumat pelayanan: the kecamatan's published service pledge (UU 25/2009 Pasal 22)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="maklumat",
    )
    text = RichTextField(_("text"), features=SIMPLE_FEATURES)
    camat_name = models.CharField(_("camat's name"), max_length=120)
    camat_nip = models.CharField(_("camat's NIP"), max_length=21, blank=True)
    signed_on = models.DateField(_("date signed"))

    panels = [
        FieldPanel("kecamatan"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("camat_name"), FieldPanel("camat_nip"), FieldPanel("signed_on")]),
    ]

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")
        ordering = ["kecamatan", "-signed_on"]
        get_latest_by = "signed_on"

    def __str__(self) -> str:
        return f"Maklumat {self.kecamatan.name} ({self.signed_on:%d-%m-%Y})"

    def clean(self):
        if self.signed_on and self.signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("The date cannot be in the future.")})


# =============================================================================
# Pages
# =============================================================================
class ServiceIndexPage(Page):
    """The public catalog; services live below it."""

    intro = RichTextField(_("introduction"), blank=True, features=SIMPLE_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["service_catalog.ServicePage"]
    max_count = 1

    class Meta:
        verbose_name = _("service catalog")

    def get_context(self, request, *args, **kwargs):
        from .views import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request=request, index_page=self))
        return context


class ServicePagePermissionTester(PagePermissionTester):
    """Nobody publishes a service standard straight from the editor, not even a pemda
    admin or a superuser: a change goes live only when someone other than its submitter
    approves it in "Persetujuan standar pelayanan" (``ServiceApprovalTask``; the
    approval publishes, ``paten.moderation.publish_approved``). A standar pelayanan is
    a public commitment (UU 25/2009 Pasal 20)."""

    def can_publish(self):
        return False


class ServicePage(Page):
    """One service and its whole standar pelayanan (14 components)."""

    code = models.SlugField(
        _("service code"),
        max_length=40,
        unique=True,
        help_text=_("Short stable code used in document numbers and imports, e.g. skd."),
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    field = models.CharField(_("field"), max_length=16, choices=ServiceField.choices)
    delegated_authority = models.ForeignKey(
        DelegatedAuthority,
        verbose_name=_("delegated authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text=_("Empty for a kecamatan's own service, offered in every kecamatan."),
    )
    summary = models.TextField(_("summary for citizens"), max_length=500)

    # -- Service delivery components (PermenPAN-RB 15/2014, group A) --------
    # 1 persyaratan: RequiredDocument rows. 2 prosedur: ProcedureStep rows.
    procedure_notes = RichTextField(_("procedure notes"), blank=True, features=SIMPLE_FEATURES)
    # 3 jangka waktu
    duration_value = models.PositiveIntegerField(
        _("completion time"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_VALUE)],
    )
    duration_unit = models.CharField(
        _("unit"), max_length=16, choices=DurationUnit.choices, default=DurationUnit.WORKING_DAYS
    )
    clock_starts_when_complete = models.BooleanField(
        _("time counts from a complete file"),
        default=True,
        help_text=_("Standard practice: the clock starts once the requirements are complete."),
    )
    # 4 biaya/tarif
    fee_kind = models.CharField(
        _("fee"), max_length=10, choices=FeeKind.choices, default=FeeKind.FREE
    )
    fee_amount = models.DecimalField(
        _("amount (Rp)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
    )
    fee_description = models.TextField(
        _("fee formula or description"),
        blank=True,
        help_text=_("e.g. panjang × lebar × Rp500/m² (retribusi jasa usaha)"),
    )
    fee_legal_basis = models.ForeignKey(
        LegalInstrument,
        verbose_name=_("legal basis of the fee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 5 produk
    product = models.CharField(_("service product"), max_length=300)
    # 6 pengaduan
    complaint_channels = RichTextField(
        _("complaints, suggestions and input"), features=SIMPLE_FEATURES
    )

    # -- Management components (group B) ------------------------------------
    # 7 dasar hukum: ServiceLegalBasis rows.
    facilities = RichTextField(
        _("facilities and infrastructure"), blank=True, features=SIMPLE_FEATURES
    )
    staff_competence = RichTextField(_("staff competence"), blank=True, features=SIMPLE_FEATURES)
    internal_supervision = RichTextField(
        _("internal supervision"), blank=True, features=SIMPLE_FEATURES
    )
    staff_count = models.CharField(_("number of staff"), max_length=200, blank=True)
    service_guarantee = RichTextField(_("service guarantee"), blank=True, features=SIMPLE_FEATURES)
    safety_guarantee = RichTextField(
        _("security and safety guarantee"), blank=True, features=SIMPLE_FEATURES
    )
    performance_evaluation = RichTextField(
        _("staff performance evaluation"), blank=True, features=SIMPLE_FEATURES
    )

    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)

    parent_page_types = ["service_catalog.ServiceIndexPage"]
    subpage_types: list[str] = []
    base_form_class = ServicePageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("product"),
        index.AutocompleteField("title"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("required_documents", [index.SearchField("name")]),
        index.FilterField("category"),
        index.FilterField("field"),
        index.FilterField("fee_kind"),
        index.FilterField("code"),
    ]

    delivery_panels = [
        # TitleFieldPanel, not FieldPanel: it fills the slug (on the Promote tab) from
        # the title while the page has not been published, as on any Wagtail page.
        TitleFieldPanel("title"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("category"), FieldPanel("field")]),
        FieldPanel("delegated_authority"),
        FieldPanel("summary"),
        InlinePanel("required_documents", heading=_("1. Requirements"), label=_("document")),
        MultiFieldPanel(
            [InlinePanel("procedure_steps", label=_("step")), FieldPanel("procedure_notes")],
            heading=_("2. System, mechanism and procedure"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("duration_value"), FieldPanel("duration_unit")]),
                FieldPanel("clock_starts_when_complete"),
            ],
            heading=_("3. Completion time"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("fee_kind"), FieldPanel("fee_amount")]),
                FieldPanel("fee_description"),
                FieldPanel("fee_legal_basis"),
            ],
            heading=_("4. Fee"),
        ),
        FieldPanel("product", heading=_("5. Service product")),
        FieldPanel("complaint_channels", heading=_("6. Complaints, suggestions and input")),
    ]
    management_panels = [
        InlinePanel("legal_basis", heading=_("7. Legal basis"), label=_("instrument"), min_num=1),
        FieldPanel("facilities", heading=_("8. Facilities and infrastructure")),
        FieldPanel("staff_competence", heading=_("9. Staff competence")),
        FieldPanel("internal_supervision", heading=_("10. Internal supervision")),
        FieldPanel("staff_count", heading=_("11. Number of staff")),
        FieldPanel("service_guarantee", heading=_("12. Service guarantee")),
        FieldPanel("safety_guarantee", heading=_("13. Security and safety guarantee")),
        FieldPanel("performance_evaluation", heading=_("14. Staff performance evaluation")),
    ]
    kecamatan_panels = [
        FieldRowPanel([FieldPanel("effective_from"), FieldPanel("effective_until")]),
        InlinePanel(
            "kecamatan_overrides",
            heading=_("Per-kecamatan differences"),
            label=_("kecamatan"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(delivery_panels, heading=_("Service delivery")),
            ObjectList(management_panels, heading=_("Management")),
            ObjectList(kecamatan_panels, heading=_("Validity and kecamatan")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def permissions_for_user(self, user):
        return ServicePagePermissionTester(user, self)

    def clean(self):
        super().clean()
        _check_period(self.effective_from, self.effective_until)
        if self.fee_kind == FeeKind.FIXED and not self.fee_amount:
            raise ValidationError({"fee_amount": _("A fixed fee needs an amount.")})
        if self.fee_kind == FeeKind.FREE and self.fee_amount:
            raise ValidationError({"fee_amount": _("A free service has no amount.")})
        if self.fee_kind == FeeKind.FREE and self.fee_description.strip():
            raise ValidationError(
                {"fee_description": _("A free service has no fee formula; choose another fee.")}
            )
        if (
            self.duration_value
            and self.duration_unit in DurationUnit.values
            and office_minutes(self.duration_value, self.duration_unit) > MAX_TOTAL_OFFICE_MINUTES
        ):
            raise ValidationError(
                {"duration_value": _("A completion time longer than one year makes no sense.")}
            )
        if self.fee_kind == FeeKind.FORMULA and not self.fee_description.strip():
            raise ValidationError(
                {"fee_description": _("Describe the formula or the retribusi it follows.")}
            )
        if self.fee_kind != FeeKind.FREE and self.fee_legal_basis_id is None:
            raise ValidationError(
                {"fee_legal_basis": _("A paid service must name the regulation of its fee.")}
            )
        if (
            self.delegated_authority_id
            and self.field
            and self.delegated_authority.field != self.field
        ):
            raise ValidationError(
                {"field": _("The field must match the delegated authority's field.")}
            )

    def get_context(self, request, *args, **kwargs):
        from .views import service_context

        context = super().get_context(request, *args, **kwargs)
        context.update(service_context(request=request, service=self))
        return context


class RequiredDocument(Orderable):
    """Persyaratan: one document the applicant brings or uploads.

    Inline rows of a page keep an integer key: modelcluster restores a revision's
    child keys as strings, and a UUID key then no longer matches its database row,
    so approving a never-published page from its edit view duplicated the rows.
    """

    service = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="required_documents")
    key = models.SlugField(
        _("key"),
        max_length=60,
        blank=True,
        help_text=_(
            "Made from the document's name when it is first saved and kept afterwards: "
            "application forms and imports refer to it."
        ),
    )
    name = models.CharField(_("document"), max_length=255)
    form = models.CharField(
        _("original or copy"),
        max_length=16,
        choices=DocumentForm.choices,
        default=DocumentForm.COPY,
    )
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    condition = models.CharField(
        _("condition"),
        max_length=255,
        blank=True,
        help_text=_("When not mandatory: who needs it, e.g. bagi badan hukum."),
    )
    accepted_file_types = models.JSONField(
        _("accepted file types (online)"), default=list, blank=True
    )
    max_file_size_mb = models.PositiveSmallIntegerField(
        _("maximum file size (MB)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    # No key panel: the key is generated (``ServicePageForm`` and ``save``), never typed.
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("form"), FieldPanel("copies"), FieldPanel("is_mandatory")]),
        FieldPanel("condition"),
        FieldRowPanel(
            [
                FieldPanel("accepted_file_types", widget=FileTypesWidget),
                FieldPanel("max_file_size_mb"),
            ]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="required_document_unique_key")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.key:
            taken = (
                RequiredDocument.objects.filter(service_id=self.service_id)
                .exclude(pk=self.pk)
                .values_list("key", flat=True)
                if self.service_id
                else ()
            )
            self.key = key_from_label(self.name, taken=taken, max_length=60, fallback="dokumen")
        super().save(*args, **kwargs)

    def clean(self):
        if not self.is_mandatory and not self.condition.strip():
            raise ValidationError({"condition": _("Say when a conditional document is needed.")})
        if self.is_mandatory and self.condition.strip():
            raise ValidationError(
                {"condition": _("A mandatory document has no condition; untick mandatory.")}
            )
        if self.form == DocumentForm.DIGITAL and not self.accepted_file_types:
            raise ValidationError(
                {"accepted_file_types": _("A digital-only document needs its file types.")}
            )
        allowed = {value for value, _label in FILE_TYPE_CHOICES}
        unknown = set(self.accepted_file_types or ()) - allowed
        if unknown:
            raise ValidationError(
                {
                    "accepted_file_types": _("Unknown file type: %(t)s")
                    % {"t": ", ".join(sorted(unknown))}
                }
            )


class ProcedureStep(Orderable):
    """Sistem, mekanisme dan prosedur: one step, who does it and how long it takes."""

    service = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="procedure_steps")
    title = models.CharField(_("step"), max_length=200)
    role = models.CharField(_("done by"), max_length=16, choices=StepRole.choices)
    duration_value = models.PositiveIntegerField(
        _("duration"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_VALUE)]
    )
    duration_unit = models.CharField(
        _("unit"), max_length=16, choices=DurationUnit.choices, default=DurationUnit.MINUTES
    )
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.CharField(
        _("recorded automatically by the transition"),
        max_length=16,
        choices=StepTransition.choices,
        blank=True,
        help_text=_(
            "Choose the workflow transition that already records this step (registration, "
            "verification at the loket, the camat's signature, handover): nobody marks it "
            "done by hand. Leave empty for a step the back office marks done in the "
            "application."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("duration_value"), FieldPanel("duration_unit")]),
        FieldPanel("recorded_by"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")

    def __str__(self) -> str:
        return self.title


class ServiceLegalBasis(Orderable):
    """Dasar hukum: a link to a legal instrument, with the article where useful."""

    service = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="legal_basis")
    instrument = models.ForeignKey(
        LegalInstrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="+"
    )
    article = models.CharField(_("article"), max_length=120, blank=True)

    panels = [FieldRowPanel([FieldPanel("instrument"), FieldPanel("article")])]

    class Meta(Orderable.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")


class KecamatanOverride(Orderable):
    """Where a kecamatan's practice differs from the service's standard.

    Only the fields filled in here differ; everything else comes from the service.
    """

    service = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="kecamatan_overrides")
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="+",
    )
    offered = models.BooleanField(
        _("offered in this kecamatan"),
        default=True,
        help_text=_("Untick to withdraw the service here without touching other kecamatan."),
    )
    duration_value = models.PositiveIntegerField(
        _("completion time"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_VALUE)],
    )
    duration_unit = models.CharField(
        _("unit"), max_length=16, choices=DurationUnit.choices, blank=True
    )
    extra_requirements = models.TextField(
        _("extra requirements"), blank=True, help_text=_("One per line.")
    )
    note = models.TextField(_("note for citizens"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kecamatan"), FieldPanel("offered")]),
        FieldRowPanel([FieldPanel("duration_value"), FieldPanel("duration_unit")]),
        FieldPanel("extra_requirements"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("kecamatan override")
        verbose_name_plural = _("kecamatan overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kecamatan"], name="kecamatan_override_unique"
            )
        ]

    def clean(self):
        if bool(self.duration_value) != bool(self.duration_unit):
            raise ValidationError(
                {"duration_unit": _("Give both the time and its unit, or neither.")}
            )

    @property
    def extra_requirement_list(self) -> list[str]:
        return [line.strip() for line in self.extra_requirements.splitlines() if line.strip()]


# =============================================================================
# Moderation
# =============================================================================
class ServiceApprovalTask(AbstractGroupApprovalTask):
    """Group approval in which nobody approves their own submission (four-eyes).

    Wagtail's ``GroupApprovalTask`` lets a member of the approving group approve
    what they submitted themselves; a standar pelayanan is a public commitment
    (UU 25/2009 Pasal 20), so the submitter is left out of the approvers here.
    """

    @staticmethod
    def _submitter_id(obj):
        state = getattr(obj, "current_workflow_state", None)
        return state.requested_by_id if state is not None else None

    def get_actions(self, obj, user):
        if user.pk is not None and self._submitter_id(obj) == user.pk:
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and task_state.workflow_state.requested_by_id == user.pk:
            raise PermissionDenied(_("You cannot approve a change you submitted yourself."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, except the person who submitted the change")

    class Meta:
        verbose_name = _("service standard approval task")
        verbose_name_plural = _("service standard approval tasks")


# =============================================================================
# Search
# =============================================================================
class SearchSynonym(models.Model):
    """Words citizens use for the same thing (KTP / KTP-el / kartu tanda penduduk).

    A search for any of the terms also finds services described with the others
    (``service_catalog.search``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    terms = models.CharField(
        _("words with the same meaning"),
        max_length=400,
        unique=True,
        help_text=_(
            "Separate them with commas, e.g. “KTP, KTP-el, e-KTP, kartu tanda penduduk”. "
            "A term may have several words."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    def clean(self):
        terms = self.term_list
        if len(terms) < 2:
            raise ValidationError({"terms": _("Give at least two words, separated by commas.")})
        lowered = [term.casefold() for term in terms]
        if len(set(lowered)) != len(lowered):
            raise ValidationError({"terms": _("A word appears twice.")})
        self.terms = ", ".join(terms)


class SearchWord(models.Model):
    """One word of the catalog's search vocabulary.

    On PostgreSQL a trigram index (pg_trgm, migration 0004) finds the words closest to
    a mistyped query word; on other databases ``service_catalog.search`` compares the
    words in memory with the same trigram measure. Derived data: rebuilt from the
    live catalog whenever it changes.
    """

    word = models.CharField(_("word"), max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
