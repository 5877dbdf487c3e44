"""Signal receivers of forms_builder, connected in ``FormsBuilderConfig.ready``."""

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.signals import published

from service_catalog.selectors import catalog_generation_bump

from .models import FormVersion, ServiceForm
from .services.forms import form_version_publish_on_signal


def service_form_published(sender, instance, **kwargs) -> None:
    """Every publish of a service form (admin, scheduled publishing, services, tests)
    snapshots a form version."""
    form_version_publish_on_signal(service_form=instance)


def form_version_saved(**kwargs) -> None:
    """A new form version changes the apply page (``selectors.service_applying``) and
    the "apply online" link of the cached service page: a new catalog generation, now
    and again after the commit (as ``service_catalog.signals`` does)."""
    catalog_generation_bump()
    transaction.on_commit(catalog_generation_bump)


def connect() -> None:
    post_save.connect(form_version_saved, sender=FormVersion, dispatch_uid="forms_builder_fv")
    published.connect(
        service_form_published, sender=ServiceForm, dispatch_uid="forms_builder_version"
    )
