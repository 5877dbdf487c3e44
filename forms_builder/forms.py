"""Application forms built from a published ``FormVersion``, and the admin form.

``ApplicationFormBuilder`` subclasses Wagtail's ``FormBuilder`` (which accepts any
iterable of field objects): the version's schema becomes ``FieldSpec`` objects, and
our types get their own ``create_<type>_field``. The built ``ApplicationDataForm``
is keyed by each field's stable key and enforces conditional fields on the server;
``conditional.js`` only hides and shows them.
"""

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from paten.keys import key_from_label
from service_catalog.constants import DocumentForm

from .constants import FieldType, RegionScope
from .fields import (
    BirthDateField,
    DocumentFileField,
    NIKField,
    NoKKField,
    NPWPField,
    PhoneField,
    RegionChoiceField,
)
from .validators import form_schema_errors

# Values a checkbox condition may be written with ("ya"/"tidak" for Indonesian admins).
TRUE_WORDS = frozenset({"true", "1", "on", "yes", "ya", "y"})
FALSE_WORDS = frozenset({"false", "0", "off", "no", "tidak", "t", "n", ""})

DEFAULT_FILE_TYPES = ("pdf", "jpg", "png")
DEFAULT_MAX_FILE_SIZE_MB = 5


@dataclass
class FieldSpec:
    """One field of a form version, shaped like a Wagtail form field for FormBuilder."""

    key: str
    label: str
    field_type: str
    required: bool = False
    help_text: str = ""
    choices: str = ""
    default_value: str = ""
    section: str = ""
    step: int = 1
    condition_field: str = ""
    condition_value: str = ""
    required_document_key: str = ""
    region_scope: str = RegionScope.KECAMATAN
    extra: dict = dc_field(default_factory=dict)

    @property
    def clean_name(self) -> str:
        return self.key

    @property
    def is_conditional(self) -> bool:
        return bool(self.condition_field)

    @classmethod
    def from_spec(cls, spec: dict) -> "FieldSpec":
        """From a ``FormField.as_spec()`` dict; tolerant of older or partial schemas."""
        condition = spec.get("condition") or {}
        try:
            step = max(1, int(spec.get("step") or 1))
        except (TypeError, ValueError):
            step = 1
        return cls(
            key=str(spec.get("key") or ""),
            label=str(spec.get("label") or spec.get("key") or ""),
            field_type=str(spec.get("type") or FieldType.SINGLELINE),
            required=bool(spec.get("required")),
            help_text=str(spec.get("help_text") or ""),
            choices=str(spec.get("choices") or ""),
            default_value=str(spec.get("default") or ""),
            section=str(spec.get("section") or ""),
            step=step,
            condition_field=str(condition.get("field") or ""),
            condition_value=str(condition.get("value") or ""),
            required_document_key=str(spec.get("required_document_key") or ""),
            region_scope=str(spec.get("region_scope") or RegionScope.KECAMATAN),
        )

    @classmethod
    def coerce(cls, obj) -> "FieldSpec":
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, dict):
            return cls.from_spec(obj)
        return cls.from_spec(obj.as_spec())  # a FormField row


def condition_matches(value, expected: str) -> bool:
    """Whether a controlling field's cleaned value equals the condition's value.

    Case and surrounding spaces are ignored; a checkbox matches "ya"/"true"/"1" or
    "tidak"/"false"/"0"; a multiple choice matches if any chosen value does.
    """
    expected = (expected or "").strip().casefold()
    if isinstance(value, bool):
        return expected in (TRUE_WORDS if value else FALSE_WORDS)
    if value is None:
        return expected == ""
    if isinstance(value, (list, tuple, set)):
        return any(str(v).strip().casefold() == expected for v in value)
    return str(value).strip().casefold() == expected


@dataclass
class FieldRow:
    """A bound field with its spec, and the label of the field its condition reads."""

    field: forms.BoundField
    spec: FieldSpec
    condition_label: str = ""
    # A file kept from a refused post (``submission``): its name and the token to send.
    kept: object = None


@dataclass
class Section:
    title: str
    fields: list = dc_field(default_factory=list)


@dataclass
class Step:
    number: int
    sections: list[Section] = dc_field(default_factory=list)


class ApplicationDataForm(BaseForm):
    """The applicant's answers to one form version; ``cleaned_data`` keyed by field key.

    Built by ``ApplicationFormBuilder.get_form_class()``. Validation reads nothing but
    region codes and writes nothing.
    """

    field_specs: "OrderedDict[str, FieldSpec]" = OrderedDict()
    form_version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ``{key: KeptUpload}``: files kept from a refused post, shown instead of asked.
        self.kept_uploads: dict = {}

    def clean(self):
        cleaned = super().clean()
        specs = self.field_specs
        met: dict[str, bool] = {}

        def is_met(key: str, seen: frozenset = frozenset()) -> bool:
            if key in met:
                return met[key]
            spec = specs.get(key)
            if spec is None or not spec.is_conditional:
                result = spec is not None
            elif spec.condition_field in seen or spec.condition_field not in specs:
                result = False  # a loop or a dangling condition never shows the field
            else:
                result = is_met(spec.condition_field, seen | {key}) and condition_matches(
                    cleaned.get(spec.condition_field), spec.condition_value
                )
            met[key] = result
            return result

        for key, spec in specs.items():
            if not spec.is_conditional:
                continue
            if not is_met(key):
                # Hidden: not required, and whatever was sent (even invalid) is dropped.
                cleaned.pop(key, None)
                self._errors.pop(key, None)
            elif spec.required and key not in self._errors:
                form_field = self.fields[key]
                value = cleaned.get(key)
                empty = value is False or value in form_field.empty_values
                if empty:
                    self.add_error(
                        key,
                        forms.ValidationError(
                            form_field.error_messages["required"], code="required"
                        ),
                    )
        return cleaned

    def shown_keys(self) -> list[str]:
        """Keys of the fields whose condition holds (all fields before validation)."""
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return list(self.field_specs)
        return [k for k, s in self.field_specs.items() if not s.is_conditional or k in cleaned]

    def json_data(self) -> dict:
        """``cleaned_data`` as JSON: dates ISO, decimals as strings, no files.

        Only after ``is_valid()``; the keys are the version's stable field keys.
        """
        data = {}
        for key, value in self.cleaned_data.items():
            spec = self.field_specs.get(key)
            if spec is None or spec.field_type == FieldType.FILE:
                continue
            data[key] = _jsonable(value)
        return data

    def files_by_document(self) -> dict:
        """``{required_document_key: UploadedFile}`` for the uploads sent and shown."""
        files = {}
        for key, spec in self.field_specs.items():
            if spec.field_type != FieldType.FILE:
                continue
            uploaded = self.cleaned_data.get(key)
            if uploaded:
                files[spec.required_document_key] = uploaded
        return files

    @cached_property
    def steps(self) -> list[Step]:
        """Fields grouped by step, then section, in form order (for templates)."""
        steps: OrderedDict[int, Step] = OrderedDict()
        for key, spec in sorted(
            self.field_specs.items(), key=lambda item: item[1].step
        ):  # stable: keeps field order inside a step
            step = steps.setdefault(spec.step, Step(number=spec.step))
            if not step.sections or step.sections[-1].title != spec.section:
                step.sections.append(Section(title=spec.section))
            controller = self.field_specs.get(spec.condition_field)
            step.sections[-1].fields.append(
                FieldRow(
                    field=self[key],
                    spec=spec,
                    condition_label=controller.label if controller else "",
                    kept=self.kept_uploads.get(key),
                )
            )
        return list(steps.values())

    @property
    def has_steps(self) -> bool:
        return len({spec.step for spec in self.field_specs.values()}) > 1


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class ApplicationFormBuilder(FormBuilder):
    """Build an ``ApplicationDataForm`` class from field specs.

    ``fields``: ``FieldSpec`` objects, schema dicts or ``FormField`` rows.
    ``service`` gives file fields their required document (types, size limit), or
    ``documents`` (``{key: RequiredDocument}``) when the caller has read them already;
    ``kecamatan`` (a Region) limits region fields with the kecamatan scope.
    """

    form_class = ApplicationDataForm

    def __init__(
        self,
        fields,
        *,
        service=None,
        kecamatan=None,
        form_version=None,
        originals_checked=(),
        documents=None,
    ):
        super().__init__([FieldSpec.coerce(f) for f in fields])
        self.service = service
        self.kecamatan = kecamatan
        self.form_version = form_version
        self._documents = documents
        if originals_checked:
            waived = self.waived_documents(originals_checked)
            self.fields = [
                replace(spec, required=False)
                if spec.field_type == FieldType.FILE and spec.required_document_key in waived
                else spec
                for spec in self.fields
            ]

    @classmethod
    def for_version(
        cls, form_version, *, kecamatan=None, originals_checked=(), service=None, documents=None
    ) -> "ApplicationFormBuilder":
        """The form of ``form_version``; at the counter, ``originals_checked`` (document
        keys) makes the scan of each of those documents optional (``waived_documents``).
        ``service`` (the version's, already read) or ``documents`` spare reading them again.
        """
        return cls(
            form_version.schema,
            service=service if service is not None else form_version.service,
            kecamatan=kecamatan,
            form_version=form_version,
            originals_checked=originals_checked,
            documents=documents,
        )

    def waived_documents(self, originals_checked) -> set[str]:
        """The documents whose scan is optional once the petugas loket has seen the
        original: all checked ones except those the service wants as a digital file."""
        return {
            key
            for key in originals_checked
            if key in self.documents and self.documents[key].form != DocumentForm.DIGITAL
        }

    @classmethod
    def for_documents(cls, form_version, *, kecamatan=None) -> "ApplicationFormBuilder":
        """Only the version's file fields, all optional and unconditional.

        For a returned application: the applicant may send a new file for any document
        of the form they applied with, whatever their answers were. The files are
        checked exactly as at intake (``DocumentFileField``).
        """
        specs = [
            replace(
                FieldSpec.coerce(spec),
                required=False,
                condition_field="",
                condition_value="",
                section="",
                step=1,
            )
            for spec in form_version.schema
            if spec.get("type") == FieldType.FILE and spec.get("required_document_key")
        ]
        return cls(
            specs, service=form_version.service, kecamatan=kecamatan, form_version=form_version
        )

    @property
    def documents(self) -> dict:
        if self._documents is None:
            self._documents = (
                {d.key: d for d in self.service.required_documents.all()}
                if self.service is not None
                else {}
            )
        return self._documents

    # Our field types --------------------------------------------------------------

    def create_applicant_name_field(self, field, options):
        options.setdefault("max_length", 150)
        options.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        return forms.CharField(**options)

    def create_nik_field(self, field, options):
        return NIKField(**options)

    def create_no_kk_field(self, field, options):
        return NoKKField(**options)

    def create_npwp_field(self, field, options):
        return NPWPField(**options)

    def create_phone_field(self, field, options):
        return PhoneField(**options)

    def create_birth_date_field(self, field, options):
        return BirthDateField(**options)

    def create_region_field(self, field, options):
        options.pop("initial", None)
        return RegionChoiceField(scope=field.region_scope, kecamatan=self.kecamatan, **options)

    def create_file_field(self, field, options):
        options.pop("initial", None)
        document = self.documents.get(field.required_document_key)
        # A document removed from the service since this version keeps the defaults,
        # so an old version still builds.
        return DocumentFileField(
            accepted_types=(getattr(document, "accepted_file_types", None) or DEFAULT_FILE_TYPES),
            max_size_mb=getattr(document, "max_file_size_mb", None) or DEFAULT_MAX_FILE_SIZE_MB,
            document_key=field.required_document_key,
            **options,
        )

    # Wagtail's types, adjusted ----------------------------------------------------

    def create_number_field(self, field, options):
        options.setdefault("max_digits", 18)
        options.setdefault("decimal_places", 4)
        return super().create_number_field(field, options)

    def create_date_field(self, field, options):
        options.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        return super().create_date_field(field, options)

    def create_multiline_field(self, field, options):
        options.setdefault("max_length", 5000)
        return super().create_multiline_field(field, options)

    def create_email_field(self, field, options):
        options.setdefault("max_length", 254)
        return super().create_email_field(field, options)

    def create_dropdown_field(self, field, options):
        formfield = super().create_dropdown_field(field, options)
        formfield.choices = [("", _("— choose —")), *formfield.choices]
        return formfield

    # Building ---------------------------------------------------------------------

    def get_field_options(self, field):
        options = super().get_field_options(field)
        # A conditional field is required only when shown; the form's clean() decides.
        if field.is_conditional:
            options["required"] = False
        return options

    def get_create_field_function(self, type):
        if not hasattr(self, f"create_{type}_field"):
            # A type no longer known still renders, as text, in an old version.
            type = FieldType.SINGLELINE
        return super().get_create_field_function(type)

    @property
    def formfields(self):
        formfields = OrderedDict()
        for spec in self.fields:
            if not spec.key or spec.key in formfields:
                continue
            options = self.get_field_options(spec)
            formfield = self.get_create_field_function(spec.field_type)(spec, options)
            if spec.is_conditional:
                formfield.widget.attrs["data-condition-field"] = spec.condition_field
                formfield.widget.attrs["data-condition-value"] = spec.condition_value
            formfields[spec.key] = formfield
        return formfields

    def get_form_class(self):
        specs = OrderedDict()
        for spec in self.fields:
            if spec.key and spec.key not in specs:
                specs[spec.key] = spec
        attrs = dict(self.formfields)
        attrs["field_specs"] = specs
        attrs["form_version"] = self.form_version
        return type("ApplicationDataForm", (self.form_class,), attrs)


# Built form classes of published versions, per process (``application_form_class``).
_FORM_CLASSES: dict[tuple, type[ApplicationDataForm]] = {}
_FORM_CLASSES_LOCK = threading.Lock()
_FORM_CLASSES_MAX = 512


def _documents_shape(documents: dict) -> tuple:
    """What of the required documents shapes a form's file fields."""
    return tuple(
        (key, tuple(str(t) for t in (d.accepted_file_types or ())), d.max_file_size_mb, d.form)
        for key, d in documents.items()
    )


def application_form_class(
    form_version, *, service=None, kecamatan=None, originals_checked=()
) -> type[ApplicationDataForm]:
    """The form class of ``form_version`` (``ApplicationFormBuilder.for_version``), built
    once per process and kept.

    A published version never changes, so its class depends only on what else goes
    into it, which is all in the key: the service's required documents as read now
    (types, size limit, original or copy: an edited document gives a new class), the
    kecamatan (region fields), the originals checked at the counter, the language and
    the day (a birth date's picker stops at today). Each form instance deep-copies the
    fields, so requests share nothing mutable. ``service`` is the version's service,
    with its required documents prefetched when the caller has them.
    """
    service = service if service is not None else form_version.service
    documents = {d.key: d for d in service.required_documents.all()}
    key = (
        form_version.pk,
        _documents_shape(documents),
        getattr(kecamatan, "code", kecamatan),
        tuple(sorted(set(originals_checked))),
        translation.get_language(),
        timezone.localdate(),
    )
    form_class = _FORM_CLASSES.get(key)
    if form_class is not None:
        return form_class
    # The kept class must not hold the caller's instance, whose related objects
    # (its service) would outlive the request.
    version = copy.copy(form_version)
    version._state.fields_cache = {}
    form_class = ApplicationFormBuilder.for_version(
        version,
        kecamatan=kecamatan,
        originals_checked=originals_checked,
        service=service,
        documents=documents,
    ).get_form_class()
    with _FORM_CLASSES_LOCK:
        if len(_FORM_CLASSES) >= _FORM_CLASSES_MAX:
            _FORM_CLASSES.clear()  # old days and versions; rebuilt on demand
        _FORM_CLASSES[key] = form_class
    return form_class


class ServiceFormAdminForm(WagtailAdminModelForm):
    """The admin form of a ``ServiceForm``: nobody types a technical key.

    Each field's key is made from its label when the field is first saved; a file
    field picks the service's required document by its name, and a condition picks
    another field of the form by its label. Checks across the fields run before the
    form is saved or published.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("form_fields")
        if formset is not None:
            # Before any row is built, so that every row and the empty row added by the
            # "Add" button get the lists.
            formset.form = self._row_form_class(formset.form)

    # -- Lists the rows choose from ---------------------------------------------
    def _service(self):
        from service_catalog.models import ServicePage

        value = self.data.get(self.add_prefix("service")) if self.is_bound else None
        if value is None:
            value = self.initial.get("service") or getattr(self.instance, "service_id", None)
        value = getattr(value, "pk", value)
        if not str(value or "").isdigit():
            return None
        return ServicePage.objects.filter(pk=int(value)).first()

    def _document_choices(self) -> list:
        from service_catalog.models import RequiredDocument

        service = self._service()
        documents = RequiredDocument.objects.order_by("sort_order")
        if service is not None:
            rows = documents.filter(service=service).values_list("key", "name")
            return [("", "---------"), *rows]
        # No service chosen yet: every service's documents, grouped by service.
        groups: dict[str, list] = {}
        for title, key, name in documents.order_by("service__title", "sort_order").values_list(
            "service__title", "key", "name"
        ):
            groups.setdefault(title, []).append((key, name))
        return [("", "---------"), *groups.items()]

    def _field_choices(self) -> list:
        rows = []
        if self.instance.pk is not None:
            rows = [(field.key, field.label) for field in self.instance.form_fields.all()]
        return [("", "---------"), *rows]

    def _row_form_class(self, base):
        documents = self._document_choices()
        fields = self._field_choices()

        class RowForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, choices in (
                    ("required_document_key", documents),
                    ("condition_field", fields),
                ):
                    if name not in self.fields:
                        continue
                    current = self.initial.get(name) or getattr(self.instance, name, "")
                    options = list(choices)
                    if current and current not in _choice_values(options):
                        options.append((current, current))
                    field = self.fields[name]
                    field.widget = forms.Select(choices=options)
                    field.widget.is_required = False

        RowForm.__name__ = base.__name__
        return RowForm

    # -- Checks and keys ------------------------------------------------------
    def _assign_keys(self, rows) -> None:
        """A key for each new field, from its label and unique within the form; a field
        that has a key keeps it whatever its label becomes (applications store their
        answers under it)."""
        taken = {form.instance.key for form in rows if form.instance.key}
        for form in rows:
            if not form.instance.key:
                form.instance.key = key_from_label(
                    form.cleaned_data.get("label") or "", taken=taken, fallback="isian"
                )
                taken.add(form.instance.key)

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("form_fields")
        if formset is None:
            return cleaned
        rows = [
            form
            for form in formset.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        self._assign_keys(rows)
        specs = [
            {
                "key": form.instance.key,
                "label": form.cleaned_data.get("label"),
                "type": form.cleaned_data.get("field_type"),
                "choices": form.cleaned_data.get("choices"),
                "required_document_key": form.cleaned_data.get("required_document_key"),
                "condition": (
                    {
                        "field": form.cleaned_data.get("condition_field"),
                        "value": form.cleaned_data.get("condition_value"),
                    }
                    if form.cleaned_data.get("condition_field")
                    else None
                ),
            }
            for form in rows
        ]
        service = cleaned.get("service") or getattr(self.instance, "service", None)
        documents = dict(service.required_documents.values_list("key", "name")) if service else {}
        errors = form_schema_errors(specs=specs, document_keys=documents)
        row_by_key = {}
        for form in rows:
            row_by_key.setdefault(form.instance.key, form)
        for key, attribute, message in errors:
            row = row_by_key.get(key)
            if row is not None and attribute in row.fields and attribute in row.cleaned_data:
                row.add_error(attribute, message)
            self.add_error(None, message)
        return cleaned


def _choice_values(choices) -> set:
    values = set()
    for value, label in choices:
        if isinstance(label, list | tuple):
            values.update(v for v, _label in label)
        else:
            values.add(value)
    return values
