"""Application forms built in the admin, and their immutable published versions.

A ``ServiceForm`` (one per service) is a Wagtail snippet with drafts and revisions;
its ``FormField`` rows build on Wagtail's ``AbstractFormField``. Publishing it
snapshots the fields into a ``FormVersion``; every application keeps the version it
was filled with, so renaming or removing a field later never breaks an old one.
Fields are keyed by a stable ``key`` made from the label when the field is first
saved (``paten.keys``) and never changed afterwards, so renaming a field keeps the
data of earlier applications under the same key.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from paten.keys import key_from_label

from ..constants import FieldType, RegionScope
from ..forms import ApplicationFormBuilder, ServiceFormAdminForm
from ..personal_data import ALWAYS_PERSONAL_TYPES, field_is_personal_by_default

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Use lowercase letters, digits and underscores, starting with a letter."),
)


class ServiceForm(
    PreviewableMixin, DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.OneToOneField(
        "service_catalog.ServicePage",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="application_form",
    )
    intro = models.TextField(_("introduction for applicants"), blank=True)

    panels = [
        FieldPanel("service"),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("field"), heading=_("Fields")),
    ]
    search_fields = [index.RelatedFields("service", [index.SearchField("title")])]
    # Checks across fields (unique keys, conditions, documents) on save and publish.
    base_form_class = ServiceFormAdminForm

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    def __str__(self) -> str:
        return str(self.service)

    @property
    def published_version(self) -> str:
        version = FormVersion.objects.current_for(self.service_id)
        return f"v{version.number}" if version else "—"

    def field_specs(self) -> list[dict]:
        """The fields as FormVersion schema entries, in admin order."""
        rows = list(self.form_fields.all())
        rows.sort(key=lambda f: (f.sort_order is None, f.sort_order or 0))
        return [row.as_spec() for row in rows]

    # Preview: the form as an applicant sees it, built from the unsaved fields.
    def get_preview_template(self, request, mode_name, **kwargs):
        return "forms_builder/service_form_preview.html"

    def get_preview_context(self, request, mode_name, **kwargs):
        context = super().get_preview_context(request, mode_name, **kwargs)
        service = self.service if self.service_id else None
        builder = ApplicationFormBuilder(self.field_specs(), service=service)
        context.update(service_form=self, form=builder.get_form_class()())
        return context


class FormField(AbstractFormField):
    form = ParentalKey(ServiceForm, on_delete=models.CASCADE, related_name="form_fields")
    key = models.CharField(
        _("key"),
        max_length=50,
        blank=True,
        validators=[key_validator],
        help_text=_(
            "Made from the label when the field is first saved and kept afterwards: "
            "applications store their answers under it."
        ),
    )
    field_type = models.CharField(_("field type"), max_length=16, choices=FieldType.choices)
    section = models.CharField(
        _("section"),
        max_length=120,
        blank=True,
        help_text=_("Fields with the same section are grouped."),
    )
    step = models.PositiveSmallIntegerField(
        _("step"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    condition_field = models.CharField(
        _("show only when field"),
        max_length=50,
        blank=True,
        help_text=_("Another field of this form (a field added just now: save a draft first)."),
    )
    condition_value = models.CharField(_("has the value"), max_length=255, blank=True)
    required_document_key = models.CharField(
        _("required document"),
        max_length=60,
        blank=True,
        help_text=_("For a file field: the service's required document it uploads."),
    )
    region_scope = models.CharField(
        _("region choices"),
        max_length=10,
        choices=RegionScope.choices,
        default=RegionScope.KECAMATAN,
        blank=True,
    )
    personal = models.BooleanField(
        _("personal data"),
        default=False,
        help_text=_(
            "Masked on the application page and in exports, never shown on public pages. "
            "Identity numbers, names, birth data, addresses, heirs, proxies and contact "
            "details are marked when the field is created."
        ),
    )

    # No key panel: the key is generated (``ServiceFormAdminForm`` and ``save``); the
    # condition and the document are chosen from lists the admin form fills.
    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("field_type")]),
        FieldRowPanel([FieldPanel("required"), FieldPanel("personal")]),
        FieldRowPanel([FieldPanel("section"), FieldPanel("step")]),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldPanel("default_value"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("condition_field"), FieldPanel("condition_value")])],
            heading=_("Condition"),
        ),
        FieldRowPanel([FieldPanel("required_document_key"), FieldPanel("region_scope")]),
    ]

    class Meta(AbstractFormField.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="form_field_unique_key")
        ]

    def save(self, *args, **kwargs):
        if not self.key:
            taken = (
                FormField.objects.filter(form_id=self.form_id)
                .exclude(pk=self.pk)
                .values_list("key", flat=True)
                if self.form_id
                else ()
            )
            self.key = key_from_label(self.label, taken=taken, fallback="isian")
        # The stored name is the key, never one derived again from a later label.
        self.clean_name = self.key
        # Personal data by default: a new field that names a person is marked, and an
        # identity number always is (personal_data.py, UU 27/2022 Pasal 4).
        self.personal = self.is_personal
        super().save(*args, **kwargs)

    def clean(self):
        if self.field_type in {FieldType.DROPDOWN, FieldType.RADIO, FieldType.CHECKBOXES}:
            if not (self.choices or "").strip():
                raise ValidationError({"choices": _("A choice field needs its choices.")})
        if self.field_type == FieldType.FILE and not self.required_document_key:
            raise ValidationError(
                {"required_document_key": _("A file field must name the document it uploads.")}
            )
        if bool(self.condition_field) != bool(self.condition_value):
            raise ValidationError(
                {"condition_value": _("Give both the field and its value, or neither.")}
            )
        if self.condition_field and self.condition_field == self.key:
            raise ValidationError({"condition_field": _("A field cannot depend on itself.")})
        if self.field_type in ALWAYS_PERSONAL_TYPES and not self.personal and self.pk:
            raise ValidationError(
                {"personal": _("A NIK, No. KK or NPWP field always holds personal data.")}
            )
        if self.field_type != FieldType.FILE and self.required_document_key:
            raise ValidationError(
                {"required_document_key": _("Only a file field uploads a document.")}
            )

    def as_spec(self) -> dict:
        """The field as stored in a FormVersion schema."""
        return {
            "key": self.key,
            "label": self.label,
            "type": self.field_type,
            "required": self.required,
            "help_text": self.help_text,
            "choices": self.choices,
            "default": self.default_value,
            "section": self.section,
            "step": self.step,
            "condition": (
                {"field": self.condition_field, "value": self.condition_value}
                if self.condition_field
                else None
            ),
            "required_document_key": self.required_document_key,
            "region_scope": self.region_scope or RegionScope.KECAMATAN,
            "personal": self.is_personal,
        }

    @property
    def is_personal(self) -> bool:
        """The mark, as ``save`` will store it (a field not saved yet gets its default)."""
        if self.personal or self.field_type in ALWAYS_PERSONAL_TYPES:
            return True
        return self.pk is None and field_is_personal_by_default(
            field_type=self.field_type, key=self.key, label=self.label
        )


class FormVersionQuerySet(models.QuerySet):
    def current_for(self, service) -> "FormVersion | None":
        return self.filter(service=service).order_by("-number").first()


class FormVersion(models.Model):
    """An immutable snapshot of a published form; applications point at one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "service_catalog.ServicePage",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="form_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    schema = models.JSONField(_("fields"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = FormVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="form_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.service} v{self.number}"

    def save(self, *args, **kwargs):
        # Applications point at a version: changing one would change what they were
        # filled with. Publish a new version instead (services.form_version_publish).
        if not self._state.adding:
            raise ValueError("A FormVersion is immutable once created.")
        super().save(*args, **kwargs)

    @property
    def fields(self) -> list[dict]:
        return list(self.schema)
