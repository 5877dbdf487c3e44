"""Staff data exports: the rows the "Data export" admin page downloads.

Five datasets, each through its django-import-export resource: applications (form
data flattened, personal data masked: ``forms_builder.resources``), survey responses,
services, regions and users. ``export_for`` builds the one ``DataExport`` both paths
use: the admin view streams it in the request when it is small
(``ReportSettings.max_request_rows``), and otherwise requests a run of
``ReportKind.APPLICATIONS_EXPORT`` (``reporting.reports.kinds.applications_export``)
which streams the same sheet from a Celery worker (rows fetched in chunks of 2,000,
written by the write-only writers: an export of 100,000 applications takes constant
memory).

Scope and masking belong to the user who asked: the run's ``requested_by`` is scoped
by ``kecamatan_scope_for`` when the worker runs, and personal data is unmasked only if
the request said so (``unmask``, stored in the run's parameters) AND that user still
holds the permission.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from paten.accounts.selectors import kecamatan_scope_for
from reporting.exports.constants import SUGGESTION_HEADER, Dataset
from reporting.exports.permissions import user_may_export_dataset
from reporting.reports.registry import Sheet
from reporting.survey.permissions import user_may_take_suggestions


@dataclass(frozen=True)
class ExportOptions:
    """What to export; JSON-serialisable into a run's parameters (dates aside)."""

    dataset: str
    start: date | None = None
    end: date | None = None
    kecamatan: str = ""
    state: str = ""
    service_id: int | None = None
    unmask: bool = False
    include_suggestions: bool = False
    #: why personal data is exported unmasked (required then; recorded)
    reason: str = ""

    def to_parameters(self) -> dict:
        """The options for ``report_run_request`` (which stores start and end itself)."""
        values = asdict(self)
        values.pop("start")
        values.pop("end")
        return values

    @classmethod
    def from_parameters(cls, parameters: dict) -> "ExportOptions":
        def day(name):
            value = parameters.get(name)
            return date.fromisoformat(value) if value else None

        service_id = parameters.get("service_id")
        return cls(
            dataset=str(parameters.get("dataset") or Dataset.APPLICATIONS),
            start=day("start"),
            end=day("end"),
            kecamatan=str(parameters.get("kecamatan") or ""),
            state=str(parameters.get("state") or ""),
            service_id=int(service_id) if service_id else None,
            unmask=parameters.get("unmask") is True,
            include_suggestions=parameters.get("include_suggestions") is True,
            reason=str(parameters.get("reason") or ""),
        )


@dataclass
class DataExport:
    """A resource and its scoped queryset; counted cheaply, streamed as one ``Sheet``."""

    dataset: str
    resource: object
    queryset: QuerySet
    prepare: Callable[[QuerySet], None] | None = None
    extra_header: Sequence[str] = ()
    extra_values: Callable[[object], list] | None = None
    _count: int | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return str(Dataset(self.dataset).label)

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def sheet(self) -> Sheet:
        if self.prepare is not None:
            self.prepare(self.queryset)
        resource = self.resource
        header = [*resource.get_export_headers(), *self.extra_header]

        def rows() -> Iterator[list]:
            for instance in resource.iter_queryset(self.queryset):
                row = resource.export_resource(instance)
                if self.extra_values is not None:
                    row = [*row, *self.extra_values(instance)]
                yield row

        return Sheet(
            title=self.dataset,
            header=header,
            rows=rows,
            row_count=self.count(),
            widths=(18,) * len(header),
        )


def export_for(*, user, options: ExportOptions) -> DataExport:
    """The export of ``options.dataset`` as ``user`` may see it.

    Raises PermissionDenied if the user may not export that dataset at all.
    """
    if not user_may_export_dataset(user, options.dataset):
        raise PermissionDenied(_("You may not export this data."))
    if options.dataset == Dataset.APPLICATIONS:
        from forms_builder.resources import ApplicationResource

        resource = ApplicationResource(
            user=user,
            unmask=options.unmask,
            start=options.start,
            end=options.end,
            state=options.state or None,
            service_id=options.service_id,
            kecamatan=options.kecamatan or None,
        )
        return DataExport(
            options.dataset, resource, resource.get_queryset(), prepare=resource.prepare
        )
    if options.dataset == Dataset.SURVEY_RESPONSES:
        from reporting.survey.resources import SurveyResponseResource

        resource = SurveyResponseResource(user=user)
        queryset = resource.get_queryset()  # scoped by the resource
        if options.start:
            queryset = queryset.filter(answered_on__gte=options.start)
        if options.end:
            queryset = queryset.filter(answered_on__lte=options.end)
        if options.kecamatan:
            queryset = queryset.filter(kecamatan_id=options.kecamatan)
        queryset = queryset.order_by("answered_on", "pk")
        if options.include_suggestions and user_may_take_suggestions(user):
            return DataExport(
                options.dataset,
                resource,
                queryset,
                extra_header=(SUGGESTION_HEADER,),
                extra_values=lambda response: [response.suggestion],
            )
        return DataExport(options.dataset, resource, queryset)
    if options.dataset == Dataset.SERVICES:
        from service_catalog.resources import ServiceResource

        resource = ServiceResource()
        return DataExport(options.dataset, resource, resource.get_queryset().order_by("code"))
    if options.dataset == Dataset.REGIONS:
        from paten.regions.models import Region
        from paten.regions.resources import RegionResource

        queryset = kecamatan_scope_for(user).filter_regions(Region.objects.order_by("code"))
        return DataExport(options.dataset, RegionResource(), queryset)
    from paten.accounts.resources import UserResource

    resource = UserResource(user=user)
    return DataExport(options.dataset, resource, resource.get_queryset())
