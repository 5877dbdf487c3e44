"""django-import-export resources for the catalog, keyed by natural keys.

Columns are Indonesian (the template is filled in by a pemda); ``docs/catalog-import.md``
lists them. Natural keys: a legal instrument is ``kind/number/year`` (e.g.
``kepwal/421/2016``), a delegated authority, a category and a service their code or
slug, a required document ``service + key`` and a procedure step ``service + order``.

Services are Wagtail pages: their rows (and their documents and steps) write the
page's rows, and the caller (``service_catalog.workbook``) reads each changed service
back as a page revision, undoes the writes and submits the revision for approval. Rich text arrives as plain text and is stored
escaped (``plain_to_richtext``), so an import can never inject markup.
"""

import html
import re
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from import_export import fields, resources, widgets

from paten.admin_import import field_errors_of
from paten.keys import key_from_label
from paten.regions.constants import RegionLevel
from paten.regions.models import Region
from paten.tabular import CellSafeResourceMixin
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
from .models import (
    DelegatedAuthority,
    LegalInstrument,
    ProcedureStep,
    RequiredDocument,
    ServiceCategory,
    ServiceLegalBasis,
    ServicePage,
)
from .services import catalog_index_ensure, service_slug

ALL_KECAMATAN = "semua"
LIST_SEPARATOR = ";"
YES = {"ya", "y", "yes", "true", "1", "benar"}
NO = {"tidak", "t", "no", "n", "false", "0", "salah", ""}


# -----------------------------------------------------------------------------
# Text helpers
# -----------------------------------------------------------------------------


def plain_to_richtext(text: str) -> str:
    """Plain text as safe Wagtail rich text: escaped, blank lines make paragraphs."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>{}</p>".format("<br/>".join(html.escape(line.strip()) for line in p.split("\n")))
        for p in paragraphs
    )


def richtext_to_plain(value: str) -> str:
    """Rich text as plain text for an export; paragraphs become blank lines."""
    value = re.sub(r"<br\s*/?>", "\n", value or "")
    value = re.sub(r"</p>\s*<p[^>]*>", "\n\n", value)
    value = re.sub(r"</li>\s*<li[^>]*>", "\n", value)
    return html.unescape(strip_tags(value)).strip()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# -----------------------------------------------------------------------------
# Widgets
# -----------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class RichTextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return plain_to_richtext(_text(value))

    def render(self, value, obj=None, **kwargs):
        return richtext_to_plain(value)


class YesNoWidget(widgets.Widget):
    def __init__(self, default: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text == "":
            return self.default
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write “ya” or “tidak”, not “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "Ya" if value else "Tidak"

    def labels(self) -> list[str]:
        return ["Ya", "Tidak"]


def _words(text: str) -> str:
    return " ".join(_text(text).casefold().split())


class LabelChoiceWidget(widgets.Widget):
    """A choice written as its label, as people read it in the admin (“Camat
    menandatangani dan menerbitkan dokumen”, “Hari kerja”), never as the stored key.

    The label is read in any language of the site, whatever the case and spacing; the stored key (“working_days”) is still read, so files written
    before the labels import as they did. An export writes the label in the active
    language.
    """

    def __init__(self, choices, *, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.required = required
        self._labels_by_language: dict[str | None, dict[str, str]] = {}

    def _by_label(self) -> dict[str, str]:
        active = translation.get_language()
        if active not in self._labels_by_language:
            labels = {_words(value): value for value, _label in self.choices}
            # every language of the site (a file exported on /en/ imports anywhere); the
            # default and then the active one win a clash
            languages = [code for code, _name in settings.LANGUAGES]
            for language in (*languages, settings.LANGUAGE_CODE, active):
                with translation.override(language):
                    labels.update({_words(str(label)): value for value, label in self.choices})
            self._labels_by_language[active] = labels
        return self._labels_by_language[active]

    def labels(self) -> list[str]:
        """The labels in the active language, in the order of the choices."""
        return [str(label) for _value, label in self.choices]

    def clean(self, value, row=None, **kwargs):
        text = _words(value)
        if not text and not self.required:
            return ""
        by_label = self._by_label()
        if text not in by_label:
            raise ValueError(
                _("“%(value)s” is not allowed; write one of: %(allowed)s.")
                % {
                    "value": _text(value) or "-",
                    "allowed": "; ".join(f"“{label}”" for _value, label in self.choices),
                }
            )
        return by_label[text]

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, "")) if value else ""


class IntegerWidget(widgets.Widget):
    def __init__(self, *, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(".", "").replace(" ", "") if isinstance(value, str) else value
        if text in (None, ""):
            if self.required:
                raise ValueError(_("A number is required."))
            return None
        try:
            number = int(float(text)) if not isinstance(text, int) else text
        except (TypeError, ValueError) as e:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from e
        if float(text) != number:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else int(value)


class DateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError as e:
            raise ValueError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
            ) from e


class ListWidget(widgets.Widget):
    """A ``;``-separated list of short values."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip().lower() for part in _text(value).split(LIST_SEPARATOR) if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(value or [])


class LabelListWidget(ListWidget):
    """A ``;``-separated list of choices written as their labels (“PDF;JPEG”), keys
    accepted as well, as ``LabelChoiceWidget`` reads one."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choice = LabelChoiceWidget(choices)

    def clean(self, value, row=None, **kwargs):
        return [
            self.choice.clean(part) for part in _text(value).split(LIST_SEPARATOR) if part.strip()
        ]

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(self.choice.render(v) or v for v in value or [])


def instrument_by_key(key: str) -> LegalInstrument:
    """The instrument named ``kind/number/year``; the number may itself contain ``/``."""
    key = _text(key)
    parts = key.split("/")
    if len(parts) < 3 or not parts[-1].isdigit():
        raise ValueError(
            _("“%(key)s” is not an instrument key; write kind/number/year, e.g. perwal/12/2020.")
            % {"key": key}
        )
    kind, number, year = parts[0].lower(), "/".join(parts[1:-1]), int(parts[-1])
    instrument = LegalInstrument.objects.filter(kind=kind, number=number, year=year).first()
    if instrument is None:
        raise ValueError(_("Legal instrument “%(key)s” does not exist.") % {"key": key})
    return instrument


class InstrumentWidget(widgets.Widget):
    def __init__(self, *, required: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if not _text(value):
            if self.required:
                raise ValueError(_("A legal instrument is required."))
            return None
        return instrument_by_key(value)

    def render(self, value, obj=None, **kwargs):
        return value.natural_key_str if value else ""


class CodeWidget(widgets.Widget):
    """A foreign key given by a code or slug field, or by the name people read
    (``name_field``, any case) when one is given."""

    def __init__(
        self, model, field: str, label, *, required: bool = True, name_field: str = "", **kwargs
    ):
        super().__init__(**kwargs)
        self.model, self.field, self.label, self.required = model, field, label, required
        self.name_field = name_field

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            if self.required:
                raise ValueError(_("%(what)s is required.") % {"what": self.label})
            return None
        obj = self.model._default_manager.filter(**{self.field: code}).first()
        if obj is None and self.name_field:
            obj = self.model._default_manager.filter(**{f"{self.name_field}__iexact": code}).first()
        if obj is None:
            raise ValueError(
                _("%(what)s “%(code)s” does not exist.") % {"what": self.label, "code": code}
            )
        return obj

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value else ""


class Column(fields.Field):
    """A workbook column: a value it refuses is reported with the column's name."""

    def clean(self, row, **kwargs):
        try:
            return super().clean(row, **kwargs)
        except ValueError as e:
            raise ValueError(
                _("Column “%(column)s”: %(message)s") % {"column": self.column_name, "message": e}
            ) from e


# -----------------------------------------------------------------------------
# Resources
# -----------------------------------------------------------------------------


class CatalogResource(CellSafeResourceMixin, resources.ModelResource):
    """Shared behaviour: full validation, unchanged rows skipped, changed services noted."""

    #: sheet name in the catalog workbook
    sheet = ""
    #: columns a file may leave out (added after the first template): rows keep their value
    optional_columns: tuple[str, ...] = ()

    def __init__(self, *, touched_services: set | None = None, **kwargs):
        super().__init__(**kwargs)
        # codes of services whose page needs a new revision after the import
        self.touched_services = touched_services if touched_services is not None else set()

    def field_values(self, instance) -> dict:
        return {name: f.get_value(instance) for name, f in self.fields.items() if f.attribute}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or instance.pk is None:
            return False
        if instance._state.adding:
            return False
        return self.field_values(instance) == self.field_values(
            original
        ) and not self.extra_changed(instance, row)

    def extra_changed(self, instance, row) -> bool:
        return False

    def after_import(self, dataset, result, **kwargs):
        # Keys are UUIDs or codes: no sequence to reset.
        pass


class LegalInstrumentResource(CatalogResource):
    sheet = "instrumen_hukum"
    kind = Column("kind", "jenis", widget=LabelChoiceWidget(InstrumentKind.choices))
    number = Column("number", "nomor", widget=TextWidget())
    year = Column("year", "tahun", widget=IntegerWidget())
    title = Column("title", "judul", widget=TextWidget())
    signed_on = Column("signed_on", "tanggal_ditetapkan", widget=DateWidget())
    effective_from = Column("effective_from", "berlaku_mulai", widget=DateWidget())
    effective_until = Column("effective_until", "berlaku_sampai", widget=DateWidget())
    status = Column(
        "status",
        "status",
        widget=LabelChoiceWidget(InstrumentStatus.choices, required=False),
        default="berlaku",
    )
    replaced_by = Column("replaced_by", "diganti_oleh", widget=InstrumentWidget(required=False))

    class Meta:
        model = LegalInstrument
        fields = (
            "kind",
            "number",
            "year",
            "title",
            "signed_on",
            "effective_from",
            "effective_until",
            "status",
            "replaced_by",
        )
        import_id_fields = ("kind", "number", "year")
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        # Normalise the key columns before the instance lookup.
        row["jenis"] = _text(row.get("jenis")).lower()
        row["nomor"] = _text(row.get("nomor"))
        try:
            row["tahun"] = IntegerWidget().clean(row.get("tahun"))
        except ValueError:
            row["tahun"] = None


class DelegatedAuthorityResource(CatalogResource):
    sheet = "kewenangan"
    code = Column("code", "kode", widget=TextWidget())
    instrument = Column("instrument", "instrumen", widget=InstrumentWidget())
    reference = Column("reference", "pasal", widget=TextWidget())
    authority = Column("authority", "kewenangan", widget=TextWidget())
    field = Column("field", "bidang", widget=LabelChoiceWidget(ServiceField.choices))
    originating_opd = Column("originating_opd", "opd_asal", widget=TextWidget())
    kecamatan_list = Column(column_name="kecamatan", widget=ListWidget())
    effective_from = Column("effective_from", "berlaku_mulai", widget=DateWidget())
    effective_until = Column("effective_until", "berlaku_sampai", widget=DateWidget())
    revoked = Column("revoked", "dicabut", widget=YesNoWidget())

    class Meta:
        model = DelegatedAuthority
        fields = (
            "code",
            "instrument",
            "reference",
            "authority",
            "field",
            "originating_opd",
            "kecamatan_list",
            "effective_from",
            "effective_until",
            "revoked",
        )
        import_id_fields = ("code",)
        clean_model_instances = True

    def dehydrate_kecamatan_list(self, obj):
        if obj.all_kecamatan:
            return ALL_KECAMATAN
        return LIST_SEPARATOR.join(sorted(k.code for k in obj.kecamatan.all()))

    def _kecamatan(self, row) -> tuple[bool, list[str]]:
        codes = ListWidget().clean(row.get("kecamatan"))
        if not codes or codes == [ALL_KECAMATAN]:
            return True, []
        return False, sorted(set(codes))

    def import_instance(self, instance, row, **kwargs):
        errors = field_errors_of(partial(super().import_instance, instance, row, **kwargs))
        everywhere, codes = self._kecamatan(row)
        instance.all_kecamatan = everywhere
        if codes:
            found = set(
                Region.objects.filter(code__in=codes, level=RegionLevel.KECAMATAN).values_list(
                    "code", flat=True
                )
            )
            missing = [c for c in codes if c not in found]
            if missing:
                errors.setdefault("all_kecamatan", []).append(
                    _("Not a kecamatan code: %(codes)s (write codes such as 64.74.01, or “semua”).")
                    % {"codes": ", ".join(missing)}
                )
        instance._kecamatan_codes = codes
        if errors:
            raise ValidationError(errors)

    def extra_changed(self, instance, row) -> bool:
        current = sorted(instance.kecamatan.values_list("code", flat=True))
        return current != getattr(instance, "_kecamatan_codes", current)

    def field_values(self, instance) -> dict:
        values = super().field_values(instance)
        values["all_kecamatan"] = instance.all_kecamatan
        return values

    def save_m2m(self, instance, row, **kwargs):
        instance.kecamatan.set(getattr(instance, "_kecamatan_codes", []))


class ServiceCategoryResource(CatalogResource):
    sheet = "kategori"
    slug = Column("slug", "slug", widget=TextWidget())
    name = Column("name", "nama", widget=TextWidget())
    description = Column("description", "deskripsi", widget=TextWidget())
    sort_order = Column("sort_order", "urutan", widget=IntegerWidget(required=False), default=0)

    class Meta:
        model = ServiceCategory
        fields = ("slug", "name", "description", "sort_order")
        import_id_fields = ("slug",)
        clean_model_instances = True


class ServiceResource(CatalogResource):
    """Service rows. The page itself is saved here; its revision comes afterwards."""

    sheet = "layanan"
    code = Column("code", "kode", widget=TextWidget())
    title = Column("title", "nama", widget=TextWidget())
    category = Column(
        "category",
        "kategori",
        widget=CodeWidget(ServiceCategory, "slug", _("Category"), name_field="name"),
    )
    field = Column("field", "bidang", widget=LabelChoiceWidget(ServiceField.choices))
    delegated_authority = Column(
        "delegated_authority",
        "kewenangan",
        widget=CodeWidget(DelegatedAuthority, "code", _("Delegated authority"), required=False),
    )
    summary = Column("summary", "ringkasan", widget=TextWidget())
    duration_value = Column("duration_value", "waktu", widget=IntegerWidget())
    duration_unit = Column(
        "duration_unit", "satuan_waktu", widget=LabelChoiceWidget(DurationUnit.choices)
    )
    clock_starts_when_complete = Column(
        "clock_starts_when_complete", "dihitung_sejak_lengkap", widget=YesNoWidget(default=True)
    )
    fee_kind = Column("fee_kind", "biaya", widget=LabelChoiceWidget(FeeKind.choices))
    fee_amount = Column("fee_amount", "tarif", widget=IntegerWidget(required=False))
    fee_description = Column("fee_description", "keterangan_biaya", widget=TextWidget())
    fee_legal_basis = Column(
        "fee_legal_basis", "dasar_biaya", widget=InstrumentWidget(required=False)
    )
    product = Column("product", "produk", widget=TextWidget())
    complaint_channels = Column("complaint_channels", "pengaduan", widget=RichTextWidget())
    procedure_notes = Column("procedure_notes", "catatan_prosedur", widget=RichTextWidget())
    facilities = Column("facilities", "sarana", widget=RichTextWidget())
    staff_competence = Column("staff_competence", "kompetensi", widget=RichTextWidget())
    internal_supervision = Column("internal_supervision", "pengawasan", widget=RichTextWidget())
    staff_count = Column("staff_count", "jumlah_pelaksana", widget=TextWidget())
    service_guarantee = Column("service_guarantee", "jaminan_pelayanan", widget=RichTextWidget())
    safety_guarantee = Column("safety_guarantee", "jaminan_keamanan", widget=RichTextWidget())
    performance_evaluation = Column(
        "performance_evaluation", "evaluasi_kinerja", widget=RichTextWidget()
    )
    legal_basis_list = Column(column_name="dasar_hukum", widget=TextWidget())
    effective_from = Column("effective_from", "berlaku_mulai", widget=DateWidget())
    effective_until = Column("effective_until", "berlaku_sampai", widget=DateWidget())

    class Meta:
        model = ServicePage
        fields = (
            "code",
            "title",
            "category",
            "field",
            "delegated_authority",
            "summary",
            "duration_value",
            "duration_unit",
            "clock_starts_when_complete",
            "fee_kind",
            "fee_amount",
            "fee_description",
            "fee_legal_basis",
            "product",
            "complaint_channels",
            "procedure_notes",
            "facilities",
            "staff_competence",
            "internal_supervision",
            "staff_count",
            "service_guarantee",
            "safety_guarantee",
            "performance_evaluation",
            "legal_basis_list",
            "effective_from",
            "effective_until",
        )
        import_id_fields = ("code",)
        clean_model_instances = False  # validate_instance below: pages need care

    def get_queryset(self):
        return ServicePage.objects.select_related("category", "delegated_authority")

    def dehydrate_legal_basis_list(self, obj):
        return LIST_SEPARATOR.join(
            b.instrument.natural_key_str + (f"#{b.article}" if b.article else "")
            for b in obj.legal_basis.all().select_related("instrument")
        )

    def _legal_basis(self, row) -> list[tuple[LegalInstrument, str]]:
        entries = []
        for part in _text(row.get("dasar_hukum")).split(LIST_SEPARATOR):
            part = part.strip()
            if not part:
                continue
            key, _sep, article = part.partition("#")
            entries.append((instrument_by_key(key), article.strip()))
        return entries

    def import_instance(self, instance, row, **kwargs):
        errors = field_errors_of(partial(super().import_instance, instance, row, **kwargs))
        try:
            instance._legal_basis = self._legal_basis(row)
            if not instance._legal_basis:
                errors.setdefault("legal_basis", []).append(
                    _("A service needs at least one legal basis.")
                )
        except ValueError as e:
            errors.setdefault("legal_basis", []).append(str(e))
        if instance.pk and instance.workflow_in_progress:
            errors.setdefault("code", []).append(
                _("This service is waiting for moderation; finish that first.")
            )
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = [*errors.keys(), "path", "depth", "numchild", "url_path", "slug"]
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def extra_changed(self, instance, row) -> bool:
        wanted = [(i.pk, a) for i, a in getattr(instance, "_legal_basis", [])]
        current = [(b.instrument_id, b.article) for b in instance.legal_basis.all()]
        return wanted != current

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            index = catalog_index_ensure()
            instance.slug = service_slug(service=instance, parent=index)
            instance.live = False
            index.add_child(instance=instance)
        else:
            instance.save()
        ServiceLegalBasis.objects.filter(service=instance).delete()
        for order, (instrument, article) in enumerate(instance._legal_basis):
            ServiceLegalBasis.objects.create(
                service=instance, instrument=instrument, article=article, sort_order=order
            )
        self.touched_services.add(instance.code)


class ServiceChildResource(CatalogResource):
    """Rows of a service's inline list; the import lists all of them for that service."""

    service = Column("service", "layanan", widget=CodeWidget(ServicePage, "code", _("Service")))

    def before_import(self, dataset, **kwargs):
        self.seen_ids: dict[str, set] = {}

    def before_import_row(self, row, **kwargs):
        row["layanan"] = _text(row.get("layanan"))

    def after_save_instance(self, instance, row, **kwargs):
        self.touched_services.add(instance.service.code)

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.object_id is not None:
            self.seen_ids.setdefault(row["layanan"], set()).add(str(row_result.object_id))

    def delete_missing(self, *, dry_run: bool) -> int:
        """Delete the rows of imported services that the file no longer lists."""
        deleted = 0
        model = self._meta.model
        for code, ids in self.seen_ids.items():
            stale = model.objects.filter(service__code=code).exclude(pk__in=ids)
            count = stale.count()
            if count:
                deleted += count
                self.touched_services.add(code)
                stale.delete()
        return deleted


class RequiredDocumentResource(ServiceChildResource):
    sheet = "persyaratan"
    key = Column("key", "kunci", widget=TextWidget())
    sort_order = Column("sort_order", "urutan", widget=IntegerWidget())
    name = Column("name", "nama", widget=TextWidget())
    form = Column("form", "bentuk", widget=LabelChoiceWidget(DocumentForm.choices))
    copies = Column("copies", "rangkap", widget=IntegerWidget(required=False), default=1)
    is_mandatory = Column("is_mandatory", "wajib", widget=YesNoWidget(default=True))
    condition = Column("condition", "syarat", widget=TextWidget())
    accepted_file_types = Column(
        "accepted_file_types", "jenis_berkas", widget=LabelListWidget(FILE_TYPE_CHOICES)
    )
    max_file_size_mb = Column(
        "max_file_size_mb", "ukuran_maks_mb", widget=IntegerWidget(required=False), default=5
    )

    class Meta:
        model = RequiredDocument
        fields = (
            "service",
            "key",
            "sort_order",
            "name",
            "form",
            "copies",
            "is_mandatory",
            "condition",
            "accepted_file_types",
            "max_file_size_mb",
        )
        import_id_fields = ("service", "key")
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # keys each service's rows give: a key made from a name must not take one
        self.keys_taken: dict[str, set[str]] = {}
        for row in dataset.dict:
            if _text(row.get("kunci")):
                self.keys_taken.setdefault(_text(row.get("layanan")), set()).add(
                    _text(row.get("kunci"))
                )

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["kunci"] = _text(row.get("kunci")) or self._key_for(
            row["layanan"], _text(row.get("nama"))
        )

    def _key_for(self, code: str, name: str) -> str:
        """The key of a row written without one, as the editor gives it: the key of the
        service's document of that name, or a new one made from the name."""
        if not name:
            return ""
        taken = self.keys_taken.setdefault(code, set())
        documents = RequiredDocument.objects.filter(service__code=code)
        same_name = documents.filter(name__iexact=name).values_list("key", flat=True).first()
        if same_name and same_name not in taken:
            taken.add(same_name)
            return same_name
        taken.update(documents.values_list("key", flat=True))
        key = key_from_label(name, taken=taken, max_length=60, fallback="dokumen")
        taken.add(key)
        return key

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        allowed = {v for v, _label in FILE_TYPE_CHOICES}
        unknown = set(instance.accepted_file_types or ()) - allowed
        if unknown and "accepted_file_types" not in errors:
            errors["accepted_file_types"] = [
                _("Unknown file type: %(t)s") % {"t": ", ".join(sorted(unknown))}
            ]
        super().validate_instance(instance, errors or None, validate_unique)


class ProcedureStepResource(ServiceChildResource):
    sheet = "prosedur"
    sort_order = Column("sort_order", "urutan", widget=IntegerWidget())
    title = Column("title", "langkah", widget=TextWidget())
    role = Column("role", "pelaksana", widget=LabelChoiceWidget(StepRole.choices))
    duration_value = Column("duration_value", "waktu", widget=IntegerWidget())
    duration_unit = Column(
        "duration_unit", "satuan_waktu", widget=LabelChoiceWidget(DurationUnit.choices)
    )
    description = Column("description", "uraian", widget=TextWidget())
    recorded_by = Column(
        "recorded_by",
        "dicatat_otomatis_oleh",
        widget=LabelChoiceWidget(StepTransition.choices, required=False),
    )
    optional_columns = ("dicatat_otomatis_oleh",)

    class Meta:
        model = ProcedureStep
        fields = (
            "service",
            "sort_order",
            "title",
            "role",
            "duration_value",
            "duration_unit",
            "description",
            "recorded_by",
        )
        import_id_fields = ("service", "sort_order")
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        try:
            row["urutan"] = IntegerWidget().clean(row.get("urutan"))
        except ValueError:
            pass


# In dependency order: each sheet may refer to the ones before it.
CATALOG_RESOURCES: list[type[CatalogResource]] = [
    LegalInstrumentResource,
    DelegatedAuthorityResource,
    ServiceCategoryResource,
    ServiceResource,
    RequiredDocumentResource,
    ProcedureStepResource,
]
RESOURCE_BY_SHEET = {resource.sheet: resource for resource in CATALOG_RESOURCES}
