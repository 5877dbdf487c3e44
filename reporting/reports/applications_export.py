"""Staff data exports: what the "Data export" admin page downloads, and its report kind.

Five datasets, each through its django-import-export resource: applications (form
data flattened, personal data masked: ``forms_builder.resources``), survey responses,
services, regions and users. ``export_for`` builds the one ``DataExport`` both paths
use: the admin view streams it in the request when it is small
(``ReportSettings.max_request_rows``), and otherwise requests a run of
``ReportKind.APPLICATIONS_EXPORT`` whose ``build`` below streams the same sheet from a
Celery worker (rows fetched in chunks of 2,000, written by the write-only writers: an
export of 100,000 applications takes constant memory).

Scope and masking belong to the user who asked: the run's ``requested_by`` is scoped
by ``kecamatan_scope_for`` when the worker runs, and personal data is unmasked only if
the request said so (``unmask``, stored in the run's parameters) AND that user still
holds the permission. A run without a requester (a schedule) is refused.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paten.accounts.selectors import kecamatan_scope_for, roles_of
from reporting.models import ReportFormat, ReportKind
from reporting.reports import ReportData, Sheet, register
from reporting.reports.common import run_period, scope_label


class Dataset(models.TextChoices):
    APPLICATIONS = "permohonan", gettext_lazy("Applications")
    SURVEY_RESPONSES = "survei", gettext_lazy("Survey responses")
    SERVICES = "layanan", gettext_lazy("Services")
    REGIONS = "wilayah", gettext_lazy("Regions")
    USERS = "pengguna", gettext_lazy("Users")


#: Datasets filtered by a period (the others are exported whole).
PERIOD_DATASETS = frozenset({Dataset.APPLICATIONS, Dataset.SURVEY_RESPONSES})
EXPORT_FORMATS = (ReportFormat.XLSX, ReportFormat.CSV)
SUGGESTION_HEADER = "saran"
#: Respondents' free text leaves the system only for those who plan the survey's
#: follow-up (the rule of the IKM report in reporting/admin_reports.py).
SUGGESTIONS_PERMISSION = "reporting.change_followupplan"


class ExportError(ValueError):
    """An export that cannot be produced; the message is shown to staff."""


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
        )


# -- who may export what --------------------------------------------------------------


def user_may_export(user, dataset: str) -> bool:
    """Whether ``user`` may export ``dataset`` at all (the rows are scoped besides)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    scope = kecamatan_scope_for(user)
    if dataset == Dataset.APPLICATIONS:
        # The same people who see the applications menu (forms_builder.application_hooks).
        from forms_builder.application_hooks import WORKFLOW_ROLES

        return not scope.is_empty and (user.is_superuser or bool(roles_of(user) & WORKFLOW_ROLES))
    if dataset == Dataset.SURVEY_RESPONSES:
        return not scope.is_empty and user.has_perm("reporting.view_surveyresponse")
    if dataset == Dataset.SERVICES:
        from service_catalog.wagtail_hooks import user_may_export as catalog_may_export

        return catalog_may_export(user, "layanan")
    if dataset == Dataset.REGIONS:
        return not scope.is_empty and user.has_perm("regions.view_region")
    if dataset == Dataset.USERS:
        from paten.accounts.resources import user_may_export_users

        return user_may_export_users(user)
    return False


def datasets_for(user) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Dataset.choices if user_may_export(user, value)]


# -- building the sheet -----------------------------------------------------------------


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
    if not user_may_export(user, options.dataset):
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
        if options.include_suggestions and user.has_perm(SUGGESTIONS_PERMISSION):
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


# -- the report kind --------------------------------------------------------------------


@register(ReportKind.APPLICATIONS_EXPORT, formats=EXPORT_FORMATS, schedulable=False)
def build_applications_export(*, run, progress) -> ReportData:
    user = run.requested_by
    if user is None:
        raise ExportError(
            _("A data export needs the user who requested it: scope and masking are theirs.")
        )
    options = ExportOptions.from_parameters(run.parameters)
    if run.kecamatan_id:
        # Checked against the requester's scope when the run was requested.
        options = replace(options, kecamatan=run.kecamatan_id)
    export = export_for(user=user, options=options)
    with translation.override(settings.LANGUAGE_CODE):  # labels as the writers write them
        sheet = export.sheet()
    progress(30, _("Data collected"))
    start, end = run_period(run)
    return ReportData(
        title=_("Data export: %(dataset)s") % {"dataset": export.title},
        scope_label=scope_label(run),
        start=start,
        end=end,
        sheets=[sheet],
    )
