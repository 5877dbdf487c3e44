"""Signal receivers of forms_builder, connected in ``FormsBuilderConfig.ready``."""

from wagtail.signals import published

from .models import ServiceForm
from .services.forms import form_version_publish_on_signal


def service_form_published(sender, instance, **kwargs) -> None:
    """Every publish of a service form (admin, scheduled publishing, services, tests)
    snapshots a form version."""
    form_version_publish_on_signal(service_form=instance)


def connect() -> None:
    published.connect(
        service_form_published, sender=ServiceForm, dispatch_uid="forms_builder_version"
    )
