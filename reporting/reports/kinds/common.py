"""Helpers shared by the report kinds: a run's period, scope label and applications."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from forms_builder.models import Application
from reporting.models import ReportRun


def run_period(run: ReportRun) -> tuple[date, date]:
    return date.fromisoformat(run.parameters["start"]), date.fromisoformat(run.parameters["end"])


def scope_label(run: ReportRun) -> str:
    if run.kecamatan_id:
        return f"Kecamatan {run.kecamatan.name}"
    from paten.site.models import SiteSettings

    name = (
        SiteSettings.objects.filter(site__is_default_site=True)
        .values_list("pemda_name", flat=True)
        .first()
    )
    return name or _("Whole kabupaten/kota")


def scoped_applications(run: ReportRun) -> QuerySet:
    """Applications inside the run's scope (the scope was checked when it was requested)."""
    applications = Application.objects.all()
    if run.kecamatan_id:
        applications = applications.filter(kecamatan_id=run.kecamatan_id)
    return applications
