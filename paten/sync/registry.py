"""Which models sync, in which direction, under which key (docs/sync.md §2).

``CONFIGURATION`` models come down from the central, scoped to one kecamatan, and are
read-only at an instance; they are *mirrored*: the instance holds them under the
central's primary keys. ``PARTITION`` models are the kecamatan's records: written only
by the partition's owner, they go up (and down once, when a kecamatan moves offline).
The lists are in dependency order: parents before children.

A record's sync key is its primary key (``pk``), a natural key (``natural``), or for
integer-keyed records created at more than one installation ``<installation id>:<pk>``
mapped to the local key by ``RecordKey`` (``mapped``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, Q, QuerySet

CONFIGURATION = "configuration"
PARTITION = "partition"

PK = "pk"
NATURAL = "natural"
MAPPED = "mapped"


@dataclass(frozen=True)
class Spec:
    label: str
    group: str
    # The lookup from a record to its kecamatan (the Kemendagri code): the rows in scope
    # for one kecamatan are those of that kecamatan, or every row without this lookup.
    kecamatan: str = ""
    # Rows in scope chosen otherwise, for one kecamatan code (replaces ``kecamatan``).
    select: Callable[[str], QuerySet] | None = None
    key: str = PK
    natural: tuple[str, ...] = ()
    # The field holding the time the record claims for itself.
    claimed: str = ""
    # A file field whose content travels with the record.
    file_field: str = ""
    # Fields that never travel (e.g. Wagtail's revision pointers).
    exclude: tuple[str, ...] = ()
    # For a model split by row between the groups: the rows of this group.
    rows: Q | None = None
    # The same rows as ``rows``, tested on one instance (for the write guards).
    row_test: Callable[[Model], bool] | None = None
    merge: str = ""  # name of a merge rule in imports.MERGES
    # Rows created as inactive stubs with no password (users named by records only).
    stub: bool = False
    # Distinguishes two specs of one model (their outbox rows are kept apart).
    variant: str = ""

    @property
    def name(self) -> str:
        return f"{self.label}#{self.variant}" if self.variant else self.label

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    @property
    def kecamatan_path(self) -> str:
        """The attribute path from a record to its kecamatan code (for the write guards)."""
        return f"{self.kecamatan}_id" if self.kecamatan else ""

    def scope(self, code: str) -> QuerySet:
        """The rows of this spec in scope for one kecamatan (its Kemendagri code)."""
        if self.select is not None:
            queryset = self.select(code)
        elif self.kecamatan:
            queryset = self.model._base_manager.filter(**{self.kecamatan: code})
        else:
            queryset = self.model._base_manager.all()
        return queryset if self.rows is None else queryset.filter(self.rows)


def _kabupaten(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _provinsi(code: str) -> str:
    return code.split(".", 1)[0]


def _regions(code: str) -> QuerySet:
    from paten.regions.models import Region

    kabupaten = _kabupaten(code)
    return Region.objects.filter(
        Q(code__in=[_provinsi(code), kabupaten]) | Q(code__startswith=f"{kabupaten}.")
    )


def _staff(code: str) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model()._base_manager.filter(staff_profile__kecamatan=code).distinct()


def _referenced_users(code: str) -> QuerySet:
    """Users the kecamatan's records name (who entered, processed or verified them) who are
    not its staff: they travel as inactive stubs with no password and no role."""
    from django.contrib.auth import get_user_model

    from forms_builder.models import Application, ApplicationEvent
    from reporting.models import Evidence, IndicatorValue, SurveyResponse

    wanted = Q()
    for model, fields, path in (
        (Application, ("created_by",), "kecamatan"),
        (ApplicationEvent, ("actor",), "application__kecamatan"),
        (SurveyResponse, ("entered_by",), "kecamatan"),
        (IndicatorValue, ("submitted_by", "verified_by"), "kecamatan"),
        (Evidence, ("uploaded_by",), "value__kecamatan"),
    ):
        for name in fields:
            wanted |= Q(
                pk__in=model._base_manager.filter(**{path: code, f"{name}__isnull": False}).values(
                    name
                )
            )
    return get_user_model()._base_manager.filter(wanted).exclude(staff_profile__kecamatan=code)


def _calendar(code: str) -> QuerySet:
    from paten.workdays.models import CalendarOverride

    return CalendarOverride.objects.filter(
        Q(kabupaten_kota__isnull=True) | Q(kabupaten_kota=_kabupaten(code))
    )


def _consequence_tests(code: str) -> QuerySet:
    """Tests of the kecamatan and pemda-wide ones (no kecamatan), never another's."""
    return apps.get_model("ppid.consequencetest")._base_manager.filter(
        Q(kecamatan=code) | Q(kecamatan__isnull=True)
    )


def _configuration(*labels: str) -> list[Spec]:
    """Configuration models that come down whole (every row, every field)."""
    return [Spec(label, CONFIGURATION) for label in labels]


def _partition(label: str, claimed: str = "", *, kecamatan: str = "kecamatan", **options) -> Spec:
    return Spec(label, PARTITION, kecamatan=kecamatan, claimed=claimed, **options)


_PAGE_EXCLUDE = ("live_revision", "latest_revision", "locked_by", "locked_at", "locked")

CONFIG_SPECS: list[Spec] = [
    Spec("regions.region", CONFIGURATION, select=_regions),
    *_configuration("wagtailcore.locale"),
    Spec("wagtailcore.page", CONFIGURATION, exclude=_PAGE_EXCLUDE),
    *_configuration(
        "wagtailcore.site",
        "paten_site.homepage",
        "paten_site.standardpage",
        "paten_site.sitesettings",
    ),
    Spec("auth.user", CONFIGURATION, select=_staff, exclude=("user_permissions", "last_login")),
    Spec(
        "auth.user",
        CONFIGURATION,
        select=_referenced_users,
        exclude=(
            "password",
            "groups",
            "user_permissions",
            "last_login",
            "is_superuser",
            "is_staff",
            "is_active",
        ),
        stub=True,
        variant="stub",
    ),
    Spec("accounts.staffprofile", CONFIGURATION, kecamatan="kecamatan"),
    *_configuration("workdays.calendarsettings"),
    Spec("workdays.calendaroverride", CONFIGURATION, select=_calendar),
    *_configuration(
        "service_catalog.legalinstrument",
        "service_catalog.delegatedauthority",
        "service_catalog.servicecategory",
        "service_catalog.serviceindexpage",
        "service_catalog.servicepage",
        "service_catalog.requireddocument",
        "service_catalog.procedurestep",
        "service_catalog.servicelegalbasis",
    ),
    Spec("service_catalog.kecamatanoverride", CONFIGURATION, kecamatan="kecamatan"),
    *_configuration(
        "forms_builder.formversion",
        "forms_builder.issuancesettings",
        "reporting.surveyquestion",
        "reporting.surveysettings",
        "reporting.surveyversion",
        "reporting.surveyperiod",
    ),
    Spec(
        "reporting.followupplan",
        CONFIGURATION,
        rows=Q(kecamatan__isnull=True),
        row_test=lambda obj: obj.kecamatan_id is None,
    ),
    *_configuration(
        "reporting.reportsettings",
        "reporting.evaluationinstrument",
        "reporting.evaluationaspect",
        "reporting.evaluationindicator",
        "reporting.evaluationperiod",
    ),
    # The public information list (DIP) of the kecamatan, shown read-only at the
    # instance: its entries (without Wagtail's revision and lock pointers, nor the
    # request they were published from, which stays at the central), their categories,
    # the consequence tests they may name and their documents' links to pages (the
    # Wagtail documents themselves do not travel).
    *_configuration("ppid.ppidsettings", "ppid.exceptionground", "ppid.dipcategory"),
    Spec("ppid.consequencetest", CONFIGURATION, select=_consequence_tests),
    Spec(
        "ppid.dipentry",
        CONFIGURATION,
        kecamatan="kecamatan",
        exclude=(*_PAGE_EXCLUDE, "source_request"),
    ),
    Spec("ppid.dipdocument", CONFIGURATION, kecamatan="entry__kecamatan", exclude=("document",)),
]

# Each partition model: its kecamatan lookup (``kecamatan`` unless given) and the field of
# the time a record claims.
PARTITION_SPECS: list[Spec] = [
    _partition("service_catalog.maklumat"),
    _partition(
        "forms_builder.numbersequence", key=NATURAL, natural=("kecamatan", "service", "year")
    ),
    _partition("forms_builder.application", "submitted_at"),
    _partition(
        "forms_builder.attachment",
        "uploaded_at",
        kecamatan="application__kecamatan",
        file_field="file",
    ),
    # The installation that recorded an event tells the applicant: a copy elsewhere never
    # sends the notification again.
    _partition(
        "forms_builder.applicationevent",
        "at",
        kecamatan="application__kecamatan",
        exclude=("notification_due",),
    ),
    _partition("reporting.surveykiosk", "created_at", key=MAPPED),
    _partition("reporting.surveyresponse", "submitted_at", key=MAPPED),
    _partition(
        "reporting.followupplan",
        "updated_at",
        key=MAPPED,
        rows=Q(kecamatan__isnull=False),
        row_test=lambda obj: obj.kecamatan_id is not None,
        variant="kecamatan",
    ),
    _partition(
        "reporting.indicatorvalue",
        "submitted_at",
        key=NATURAL,
        natural=("period", "kecamatan", "indicator"),
        merge="indicator_value",
    ),
    _partition(
        "reporting.evidence",
        "uploaded_at",
        kecamatan="value__kecamatan",
        key=MAPPED,
        file_field="file",
    ),
]

ALL_SPECS = CONFIG_SPECS + PARTITION_SPECS


def specs_for(label: str) -> list[Spec]:
    return [spec for spec in ALL_SPECS if spec.label == label]


def spec_for_object(obj: Model) -> Spec | None:
    """The spec governing a model instance (its own model, or a parent's: every Wagtail
    page is a ``wagtailcore.page``), picking the right group for split models."""
    labels = [obj._meta.label_lower] + [p._meta.label_lower for p in obj._meta.get_parent_list()]
    for label in labels:
        for spec in specs_for(label):
            if spec.row_test is None or spec.row_test(obj):
                return spec
    return None


def partition_spec(label: str) -> Spec | None:
    return next((s for s in PARTITION_SPECS if s.label == label), None)


def config_spec(label: str) -> Spec | None:
    return next((s for s in CONFIG_SPECS if s.label == label), None)


def key_kind_for_model(model: type[Model]) -> Spec | None:
    """The spec that decides how a foreign key *to* ``model`` is written (a mapped or
    natural partition model), if any."""
    label = model._meta.label_lower
    return next((s for s in PARTITION_SPECS if s.label == label and s.key != PK), None)
