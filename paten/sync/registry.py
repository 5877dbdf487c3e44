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
    # The rows in scope for one kecamatan (its Kemendagri code).
    scope: Callable[[str], QuerySet]
    key: str = PK
    natural: tuple[str, ...] = ()
    # Partition models: the lookup from the record to its kecamatan code.
    kecamatan_path: str = ""
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


def _kabupaten(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _provinsi(code: str) -> str:
    return code.split(".", 1)[0]


def _all(label: str) -> Callable[[str], QuerySet]:
    return lambda code: apps.get_model(label)._base_manager.all()


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


def _filtered(label: str, **lookups) -> Callable[[str], QuerySet]:
    def scope(code: str) -> QuerySet:
        return apps.get_model(label)._base_manager.filter(
            **{k: code if v == "K" else v for k, v in lookups.items()}
        )

    return scope


def _own_or_pemda(label: str) -> Callable[[str], QuerySet]:
    """Rows of the kecamatan and pemda-wide rows (no kecamatan), never another's."""

    def scope(code: str) -> QuerySet:
        return apps.get_model(label)._base_manager.filter(
            Q(kecamatan=code) | Q(kecamatan__isnull=True)
        )

    return scope


_PAGE_EXCLUDE = ("live_revision", "latest_revision", "locked_by", "locked_at", "locked")

CONFIG_SPECS: list[Spec] = [
    Spec("regions.region", CONFIGURATION, _regions),
    Spec("wagtailcore.locale", CONFIGURATION, _all("wagtailcore.locale")),
    Spec("wagtailcore.page", CONFIGURATION, _all("wagtailcore.page"), exclude=_PAGE_EXCLUDE),
    Spec("wagtailcore.site", CONFIGURATION, _all("wagtailcore.site")),
    Spec("paten_site.homepage", CONFIGURATION, _all("paten_site.homepage")),
    Spec("paten_site.standardpage", CONFIGURATION, _all("paten_site.standardpage")),
    Spec("paten_site.sitesettings", CONFIGURATION, _all("paten_site.sitesettings")),
    Spec("auth.user", CONFIGURATION, _staff, exclude=("user_permissions", "last_login")),
    Spec(
        "auth.user",
        CONFIGURATION,
        _referenced_users,
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
    Spec("accounts.staffprofile", CONFIGURATION, _filtered("accounts.staffprofile", kecamatan="K")),
    Spec("workdays.calendarsettings", CONFIGURATION, _all("workdays.calendarsettings")),
    Spec("workdays.calendaroverride", CONFIGURATION, _calendar),
    Spec("service_catalog.legalinstrument", CONFIGURATION, _all("service_catalog.legalinstrument")),
    Spec(
        "service_catalog.delegatedauthority",
        CONFIGURATION,
        _all("service_catalog.delegatedauthority"),
    ),
    Spec("service_catalog.servicecategory", CONFIGURATION, _all("service_catalog.servicecategory")),
    Spec(
        "service_catalog.serviceindexpage", CONFIGURATION, _all("service_catalog.serviceindexpage")
    ),
    Spec("service_catalog.servicepage", CONFIGURATION, _all("service_catalog.servicepage")),
    Spec(
        "service_catalog.requireddocument", CONFIGURATION, _all("service_catalog.requireddocument")
    ),
    Spec("service_catalog.procedurestep", CONFIGURATION, _all("service_catalog.procedurestep")),
    Spec(
        "service_catalog.servicelegalbasis",
        CONFIGURATION,
        _all("service_catalog.servicelegalbasis"),
    ),
    Spec(
        "service_catalog.kecamatanoverride",
        CONFIGURATION,
        _filtered("service_catalog.kecamatanoverride", kecamatan="K"),
    ),
    Spec("forms_builder.formversion", CONFIGURATION, _all("forms_builder.formversion")),
    Spec("forms_builder.issuancesettings", CONFIGURATION, _all("forms_builder.issuancesettings")),
    Spec("reporting.surveyquestion", CONFIGURATION, _all("reporting.surveyquestion")),
    Spec("reporting.surveysettings", CONFIGURATION, _all("reporting.surveysettings")),
    Spec("reporting.surveyversion", CONFIGURATION, _all("reporting.surveyversion")),
    Spec("reporting.surveyperiod", CONFIGURATION, _all("reporting.surveyperiod")),
    Spec(
        "reporting.followupplan",
        CONFIGURATION,
        _filtered("reporting.followupplan", kecamatan__isnull=True),
        rows=Q(kecamatan__isnull=True),
        row_test=lambda obj: obj.kecamatan_id is None,
    ),
    Spec("reporting.reportsettings", CONFIGURATION, _all("reporting.reportsettings")),
    Spec("reporting.evaluationinstrument", CONFIGURATION, _all("reporting.evaluationinstrument")),
    Spec("reporting.evaluationaspect", CONFIGURATION, _all("reporting.evaluationaspect")),
    Spec("reporting.evaluationindicator", CONFIGURATION, _all("reporting.evaluationindicator")),
    Spec("reporting.evaluationperiod", CONFIGURATION, _all("reporting.evaluationperiod")),
    # The public information list (DIP) of the kecamatan, shown read-only at the
    # instance: its entries (without Wagtail's revision and lock pointers, nor the
    # request they were published from, which stays at the central), their categories,
    # the consequence tests they may name and their documents' links to pages (the
    # Wagtail documents themselves do not travel).
    Spec("ppid.ppidsettings", CONFIGURATION, _all("ppid.ppidsettings")),
    Spec("ppid.exceptionground", CONFIGURATION, _all("ppid.exceptionground")),
    Spec("ppid.dipcategory", CONFIGURATION, _all("ppid.dipcategory")),
    Spec("ppid.consequencetest", CONFIGURATION, _own_or_pemda("ppid.consequencetest")),
    Spec(
        "ppid.dipentry",
        CONFIGURATION,
        _filtered("ppid.dipentry", kecamatan="K"),
        exclude=(*_PAGE_EXCLUDE, "source_request"),
    ),
    Spec(
        "ppid.dipdocument",
        CONFIGURATION,
        _filtered("ppid.dipdocument", entry__kecamatan="K"),
        exclude=("document",),
    ),
]

PARTITION_SPECS: list[Spec] = [
    Spec(
        "service_catalog.maklumat",
        PARTITION,
        _filtered("service_catalog.maklumat", kecamatan="K"),
        kecamatan_path="kecamatan_id",
    ),
    Spec(
        "forms_builder.numbersequence",
        PARTITION,
        _filtered("forms_builder.numbersequence", kecamatan="K"),
        key=NATURAL,
        natural=("kecamatan", "service", "year"),
        kecamatan_path="kecamatan_id",
    ),
    Spec(
        "forms_builder.application",
        PARTITION,
        _filtered("forms_builder.application", kecamatan="K"),
        kecamatan_path="kecamatan_id",
        claimed="submitted_at",
    ),
    Spec(
        "forms_builder.attachment",
        PARTITION,
        _filtered("forms_builder.attachment", application__kecamatan="K"),
        kecamatan_path="application__kecamatan_id",
        claimed="uploaded_at",
        file_field="file",
    ),
    Spec(
        "forms_builder.applicationevent",
        PARTITION,
        _filtered("forms_builder.applicationevent", application__kecamatan="K"),
        kecamatan_path="application__kecamatan_id",
        claimed="at",
    ),
    Spec(
        "reporting.surveykiosk",
        PARTITION,
        _filtered("reporting.surveykiosk", kecamatan="K"),
        key=MAPPED,
        kecamatan_path="kecamatan_id",
        claimed="created_at",
    ),
    Spec(
        "reporting.surveyresponse",
        PARTITION,
        _filtered("reporting.surveyresponse", kecamatan="K"),
        key=MAPPED,
        kecamatan_path="kecamatan_id",
        claimed="submitted_at",
    ),
    Spec(
        "reporting.followupplan",
        PARTITION,
        _filtered("reporting.followupplan", kecamatan="K"),
        key=MAPPED,
        kecamatan_path="kecamatan_id",
        claimed="updated_at",
        rows=Q(kecamatan__isnull=False),
        row_test=lambda obj: obj.kecamatan_id is not None,
        variant="kecamatan",
    ),
    Spec(
        "reporting.indicatorvalue",
        PARTITION,
        _filtered("reporting.indicatorvalue", kecamatan="K"),
        key=NATURAL,
        natural=("period", "kecamatan", "indicator"),
        kecamatan_path="kecamatan_id",
        claimed="submitted_at",
        merge="indicator_value",
    ),
    Spec(
        "reporting.evidence",
        PARTITION,
        _filtered("reporting.evidence", value__kecamatan="K"),
        key=MAPPED,
        kecamatan_path="value__kecamatan_id",
        claimed="uploaded_at",
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
