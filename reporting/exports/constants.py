"""The datasets of the staff data export and the formats they are written in."""

from django.db import models
from django.utils.translation import gettext_lazy

from reporting.models import ReportFormat


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
