"""System checks: settings the service catalog's rules depend on."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.validators import MaxValueValidator


def largest_attachment_mb() -> int:
    """The largest ``max_file_size_mb`` an administrator may give a required document."""
    from .models import RequiredDocument

    field = RequiredDocument._meta.get_field("max_file_size_mb")
    return max(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))


@register()
def request_limit_fits_the_largest_attachment(app_configs, **kwargs):
    largest = largest_attachment_mb()
    if settings.PATEN_MAX_REQUEST_MB < largest:
        return [
            Error(
                f"PATEN_MAX_REQUEST_MB ({settings.PATEN_MAX_REQUEST_MB}) is smaller than the "
                f"largest attachment a required document may allow ({largest} MB).",
                hint="Raise PATEN_MAX_REQUEST_MB (and the proxy's client_max_body_size).",
                id="service_catalog.E001",
            )
        ]
    return []
