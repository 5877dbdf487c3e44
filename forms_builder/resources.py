"""django-import-export resource for exporting applications (export only).

One row per application: the fixed columns (tracking code, service, kecamatan, state,
the timestamps in local time, the result number, working days) and then the form data
flattened to one column per field, named ``<label> [<key>]``. Applications filled in
with different form versions get the union of their versions' fields, in a stable
order (the newest version of each service first, then fields that only older versions
had); a row leaves the fields of other versions empty.

Personal data is masked unless the user holds ``forms_builder.view_personal_data`` and
asks for it: the applicant's name (initials), phone and email, and every field marked
personal ("data pribadi", ``personal_data.spec_is_personal``) in any of the exported
versions. File fields give the
number of attachments uploaded, never a file name or path. Every string cell goes
through ``paten.tabular.cell_safe`` (no spreadsheet formula can run).

The rows always come from ``application_list_for_user`` (the one scoping selector);
a queryset passed in from outside is scoped again. The same resource builds the
in-request download and the Celery report run (``reporting.reports.kinds.applications_export``).
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from import_export import fields, resources

from paten.regions.models import Region
from paten.tabular import CellSafeResourceMixin, cell_safe
from service_catalog.models import ServicePage

from .constants import FieldType
from .models import Application, Attachment, FormVersion
from .permissions import applications_visible_to, user_may_unmask
from .personal_data import (  # noqa: F401 (the maskers' public home was this module)
    MASKERS,
    mask_email,
    mask_name,
    mask_number,
    mask_phone,
    mask_value,
    spec_is_personal,
)
from .selectors import application_list_for_user
from .workflow import ApplicationState, Channel

#: Rows fetched per query while streaming (attachments are prefetched per chunk).
CHUNK_SIZE = 2000
#: The application columns an export reads.
EXPORTED_FIELDS = (
    "id",
    "tracking_code",
    "service_id",
    "form_version_id",
    "kecamatan_id",
    "channel",
    "state",
    "applicant_name",
    "applicant_phone",
    "applicant_email",
    "data",
    "submitted_at",
    "verified_at",
    "due_at",
    "finished_at",
    "handed_over_at",
    "result_number",
)
YES, NO = "ya", "tidak"


# -- form data columns ----------------------------------------------------------------


@dataclass(frozen=True)
class DataColumn:
    """One form field key across the exported versions."""

    key: str
    label: str
    #: marked personal in any version: masked
    personal: bool = False
    #: the field's type in the version that marked it personal (how it is masked)
    masked_type: str = ""

    @property
    def header(self) -> str:
        return f"{self.label} [{self.key}]"

    @property
    def field_name(self) -> str:
        return f"data__{self.key}"


def data_columns(
    versions: Iterable[FormVersion], *, other_versions: Iterable[FormVersion] = ()
) -> list[DataColumn]:
    """The union of the versions' fields, in a stable order.

    Versions are taken per service (by code), newest first, so a service's current
    form gives the order and the labels; fields only older versions had follow.
    A field is masked when ANY version (``other_versions`` too: the other versions of
    the same services) marks its key personal, so that a key whose mark changed
    between versions is never exported in clear by accident.
    """
    ordered = sorted(versions, key=lambda v: (v.service.code or "", str(v.service_id), -v.number))
    labels: dict[str, str] = {}
    for version in ordered:
        for spec in version.schema:
            key = spec.get("key")
            if key and key not in labels:
                labels[key] = spec.get("label") or key
    personal: dict[str, str] = {}  # key -> the type that says how to mask it
    for version in [*ordered, *other_versions]:
        for spec in version.schema:
            key, field_type = spec.get("key"), spec.get("type", "")
            if key in labels and spec_is_personal(spec):
                if not personal.get(key) and field_type in MASKERS:
                    personal[key] = field_type
                else:
                    personal.setdefault(key, "")
    return [
        DataColumn(
            key=key, label=label, personal=key in personal, masked_type=personal.get(key, "")
        )
        for key, label in labels.items()
    ]


def render_value(value):
    """A form data value as one spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return value


def day_start(day: date) -> datetime:
    """00:00 of ``day`` in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def local_naive(value, tz=None):
    """An aware datetime as naive local time (spreadsheets have no time zones)."""
    if value is None:
        return None
    return value.astimezone(tz or timezone.get_default_timezone()).replace(
        tzinfo=None, microsecond=0
    )


# -- the resource ---------------------------------------------------------------------


class ApplicationResource(CellSafeResourceMixin, resources.ModelResource):
    """Export of the applications ``user`` may see; see the module docstring.

    Filters: ``start``/``end`` (dates, on the submission time), ``state``,
    ``service_id`` and ``kecamatan`` (a code, narrowing the user's scope).
    ``unmask``: None decides by the user's permission; True is honoured only if the
    user holds it.
    """

    tracking_code = fields.Field(column_name="kode_pelacakan")
    service_code = fields.Field(column_name="kode_layanan")
    service = fields.Field(column_name="layanan")
    kecamatan_code = fields.Field(column_name="kode_kecamatan")
    kecamatan = fields.Field(column_name="kecamatan")
    channel = fields.Field(column_name="kanal")
    state = fields.Field(column_name="status")
    applicant_name = fields.Field(column_name="nama_pemohon")
    applicant_phone = fields.Field(column_name="telepon_pemohon")
    applicant_email = fields.Field(column_name="email_pemohon")
    submitted_at = fields.Field(column_name="diajukan")
    verified_at = fields.Field(column_name="diverifikasi_lengkap")
    due_at = fields.Field(column_name="batas_waktu")
    finished_at = fields.Field(column_name="selesai")
    handed_over_at = fields.Field(column_name="diserahkan")
    result_number = fields.Field(column_name="nomor_hasil")
    working_days = fields.Field(column_name="hari_kerja")
    on_time = fields.Field(column_name="tepat_waktu")

    class Meta:
        model = Application
        fields = (
            "tracking_code",
            "service_code",
            "service",
            "kecamatan_code",
            "kecamatan",
            "channel",
            "state",
            "applicant_name",
            "applicant_phone",
            "applicant_email",
            "submitted_at",
            "verified_at",
            "due_at",
            "finished_at",
            "handed_over_at",
            "result_number",
            "working_days",
            "on_time",
        )
        export_order = fields
        chunk_size = CHUNK_SIZE

    def __init__(
        self,
        *,
        user,
        unmask: bool | None = None,
        start: date | None = None,
        end: date | None = None,
        state: str | None = None,
        service_id=None,
        kecamatan: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.user = user
        allowed = user_may_unmask(user)
        self.unmask = allowed if unmask is None else bool(unmask) and allowed
        self.start, self.end = start, end
        self.state, self.service_id, self.kecamatan_code = state, service_id, kecamatan
        self.columns: list[DataColumn] = []
        self.specs: dict = {}  # form version id -> {key: spec}
        self.has_files = False
        self.workdays = None
        self.services: dict = {}  # service id -> (code, title)
        self.kecamatan_names: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.tz = None
        self._prepared_for = None
        self._cells: list[Callable] | None = None

    # -- rows --------------------------------------------------------------------------

    def scoped(self, queryset: QuerySet) -> QuerySet:
        return applications_visible_to(self.user, queryset)

    def get_queryset(self) -> QuerySet:
        """The filtered applications of the user's scope, oldest submission first."""
        queryset = application_list_for_user(
            user=self.user, state=self.state or None, service_id=self.service_id or None
        )
        if self.kecamatan_code:
            queryset = queryset.filter(kecamatan_id=self.kecamatan_code)
        if self.start:
            queryset = queryset.filter(submitted_at__gte=day_start(self.start))
        if self.end:
            queryset = queryset.filter(submitted_at__lt=day_start(self.end + timedelta(days=1)))
        # Plain rows: service and kecamatan names come from two small lookups in
        # ``prepare`` instead of a Wagtail page instance per row.
        return queryset.select_related(None).only(*EXPORTED_FIELDS).order_by("submitted_at", "pk")

    def prepare(self, queryset: QuerySet) -> None:
        """Load the versions' columns and the working-day index for ``queryset``.

        A fixed number of queries, however many rows follow. Call it before
        ``get_export_headers``; ``export`` does.
        """
        if self._prepared_for is queryset:
            return
        self._prepared_for = queryset
        version_ids = set(queryset.order_by().values_list("form_version_id", flat=True).distinct())
        service_ids = queryset.order_by().values("service_id").distinct()
        all_versions = list(
            FormVersion.objects.filter(service_id__in=service_ids).select_related("service")
        )
        versions = [version for version in all_versions if version.pk in version_ids]
        self.columns = data_columns(
            versions, other_versions=[v for v in all_versions if v.pk not in version_ids]
        )
        self.specs = {
            version.pk: {spec.get("key"): spec for spec in version.schema} for version in versions
        }
        self.has_files = any(
            spec.get("type") == FieldType.FILE
            for specs in self.specs.values()
            for spec in specs.values()
        )
        for name in [name for name in self.fields if name.startswith("data__")]:
            del self.fields[name]
        for column in self.columns:
            self.fields[column.field_name] = fields.Field(
                column_name=column.header,
                dehydrate_method=lambda application, column=column: self.data_value(
                    application, column
                ),
            )
        self.workdays = self._workday_index(queryset)
        self.services = {
            pk: (code, title)
            for pk, code, title in ServicePage.objects.filter(
                pk__in=queryset.order_by().values("service_id")
            ).values_list("pk", "code", "title")
        }
        self.kecamatan_names = dict(
            Region.objects.filter(code__in=queryset.order_by().values("kecamatan_id")).values_list(
                "code", "name"
            )
        )
        self.tz = timezone.get_default_timezone()  # the installation's local time
        # Choice labels once per export, in the active language (not per cell).
        self.labels = {
            "state": {value: str(label) for value, label in ApplicationState.choices},
            "channel": {value: str(label) for value, label in Channel.choices},
        }
        self._cells = None

    def _workday_index(self, queryset: QuerySet):
        bounds = queryset.filter(finished_at__isnull=False).aggregate(
            first_submitted=Min("submitted_at"),
            first_verified=Min("verified_at"),
            last=Max("finished_at"),
        )
        firsts = [bounds["first_submitted"], bounds["first_verified"]]
        firsts = [value for value in firsts if value is not None]
        if not firsts or bounds["last"] is None:
            return None
        from paten.workdays.calendar import WorkingCalendar
        from paten.workdays.index import WorkingDayIndex

        calendar = WorkingCalendar.for_region()
        first = min(firsts).astimezone(calendar.tz).date()
        last = bounds["last"].astimezone(calendar.tz).date()
        return WorkingDayIndex(calendar, first, max(first, last))

    def iter_queryset(self, queryset: QuerySet) -> Iterator[Application]:
        """Stream in chunks: constant memory, one attachment count query per chunk.

        The counts are one grouped query per chunk rather than ``prefetch_related``,
        which builds a related manager per application (measured: half the time).
        """
        chunk: list[Application] = []
        for application in queryset.iterator(chunk_size=CHUNK_SIZE):
            chunk.append(application)
            if len(chunk) >= CHUNK_SIZE:
                yield from self._with_attachment_counts(chunk)
                chunk = []
        yield from self._with_attachment_counts(chunk)

    def _with_attachment_counts(self, chunk: list[Application]) -> list[Application]:
        if not self.has_files or not chunk:
            return chunk
        counts: dict = {application.pk: Counter() for application in chunk}
        rows = (
            # Current files only: a replaced file still exists (evidence), but the
            # document counts once.
            Attachment.objects.filter(application_id__in=list(counts), replaced_by__isnull=True)
            .values_list("application_id", "required_document_key")
            .annotate(n=Count("id"))
            .order_by()
        )
        for application_id, document_key, number in rows:
            counts[application_id][document_key] = number
        for application in chunk:
            application._export_attachment_counts = counts[application.pk]
        return chunk

    def export(self, queryset=None, **kwargs):
        """Always within the user's scope, whatever queryset the caller passes."""
        queryset = self.get_queryset() if queryset is None else self.scoped(queryset)
        self.prepare(queryset)
        return super().export(queryset=queryset, **kwargs)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        if selected_fields:
            return super().export_resource(instance, selected_fields, **kwargs)
        # The dehydrate methods are looked up once, not per cell (the base class
        # searches the field by identity for every cell of every row).
        if self._cells is None:
            self._cells = [self._cell_function(field) for field in self.get_export_fields()]
        return [cell_safe(cell(instance)) for cell in self._cells]

    def _cell_function(self, field) -> Callable:
        method = field.get_dehydrate_method(self.get_field_name(field))
        if callable(method):
            return method
        return getattr(self, method, None) or field.export

    # -- cells -------------------------------------------------------------------------

    def data_value(self, application: Application, column: DataColumn):
        spec = self.specs.get(application.form_version_id, {}).get(column.key)
        if spec is None:
            return ""  # the field is not part of this application's version
        field_type = spec.get("type", "")
        if field_type == FieldType.FILE:
            return self._attachment_counts(application).get(spec.get("required_document_key"), 0)
        value = render_value(application.data.get(column.key))
        if value == "" or self.unmask or not column.personal:
            return value
        return mask_value(
            value, field_type=field_type if field_type in MASKERS else column.masked_type
        )

    def _attachment_counts(self, application: Application) -> Counter:
        counts = getattr(application, "_export_attachment_counts", None)
        if counts is None:  # a row not read through iter_queryset
            counts = Counter(
                application.attachments.filter(replaced_by__isnull=True).values_list(
                    "required_document_key", flat=True
                )
            )
            application._export_attachment_counts = counts
        return counts

    def dehydrate_tracking_code(self, application):
        return application.display_code

    def dehydrate_service_code(self, application):
        return self.services.get(application.service_id, ("", ""))[0]

    def dehydrate_service(self, application):
        return self.services.get(application.service_id, ("", ""))[1]

    def dehydrate_kecamatan_code(self, application):
        return application.kecamatan_id

    def dehydrate_kecamatan(self, application):
        return self.kecamatan_names.get(application.kecamatan_id, "")

    def dehydrate_channel(self, application):
        return self.labels.get("channel", {}).get(application.channel, application.channel)

    def dehydrate_state(self, application):
        return self.labels.get("state", {}).get(application.state, application.state)

    def dehydrate_applicant_name(self, application):
        name = application.applicant_name
        return name if self.unmask else mask_name(name)

    def dehydrate_applicant_phone(self, application):
        phone = application.applicant_phone
        return phone if self.unmask else mask_phone(phone)

    def dehydrate_applicant_email(self, application):
        email = application.applicant_email
        return email if self.unmask else mask_email(email)

    def dehydrate_submitted_at(self, application):
        return local_naive(application.submitted_at, self.tz)

    def dehydrate_verified_at(self, application):
        return local_naive(application.verified_at, self.tz)

    def dehydrate_due_at(self, application):
        return local_naive(application.due_at, self.tz)

    def dehydrate_finished_at(self, application):
        return local_naive(application.finished_at, self.tz)

    def dehydrate_handed_over_at(self, application):
        return local_naive(application.handed_over_at, self.tz)

    def dehydrate_result_number(self, application):
        return application.result_number or ""

    def dehydrate_working_days(self, application):
        """Working days from the complete file (or the submission) to completion."""
        if application.finished_at is None or self.workdays is None:
            return None
        tz = self.workdays.calendar.tz
        began = (application.verified_at or application.submitted_at).astimezone(tz).date()
        done = application.finished_at.astimezone(tz).date()
        return max(0, self.workdays.between(began, done))

    def dehydrate_on_time(self, application):
        if application.finished_at is None or application.due_at is None:
            return ""
        return YES if application.finished_at <= application.due_at else NO
