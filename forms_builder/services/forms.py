"""Form versions: snapshot a published ``ServiceForm`` into an immutable ``FormVersion``."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import FormVersion, ServiceForm
from ..validators import form_schema_errors

logger = logging.getLogger(__name__)


def service_form_validate(*, service_form: ServiceForm) -> None:
    """Raise ValidationError listing every problem of the form's current fields."""
    document_keys = service_form.service.required_documents.values_list("key", flat=True)
    errors = form_schema_errors(specs=service_form.field_specs(), document_keys=document_keys)
    if errors:
        raise ValidationError([message for _key, _attr, message in errors])


def form_version_publish(*, service_form: ServiceForm) -> FormVersion:
    """Snapshot the form's fields as the service's next ``FormVersion``.

    Idempotent: when the fields equal the latest version's schema, that version is
    returned and nothing is written. Raises ValidationError for an inconsistent form
    (see ``validators.form_schema_errors``). Serialised per form by a row lock, so two
    publishes never take the same number.
    """
    service_form_validate(service_form=service_form)
    schema = service_form.field_specs()
    with transaction.atomic():
        # Lock the form row so that concurrent publishes number versions one by one.
        ServiceForm.objects.select_for_update().filter(pk=service_form.pk).first()
        latest = FormVersion.objects.current_for(service_form.service)
        if latest is not None and latest.schema == schema:
            return latest  # idempotency: nothing changed since the last version
        version = FormVersion.objects.create(
            service=service_form.service,
            number=(latest.number + 1) if latest else 1,
            schema=schema,
        )
        return version


def form_version_publish_on_signal(*, service_form: ServiceForm) -> FormVersion | None:
    """Called on Wagtail's ``published`` signal; an invalid form keeps the last version.

    The admin refuses inconsistent forms before publishing, but a revision can become
    invalid later (a required document removed from the service) and be published by
    the scheduler; applicants then keep the previous version and the problem is logged.
    """
    try:
        return form_version_publish(service_form=service_form)
    except ValidationError as exc:
        logger.warning(
            "Form of service %s published but not versioned: %s",
            service_form.service_id,
            "; ".join(exc.messages),
        )
        return None


def form_version_current(*, service) -> FormVersion | None:
    """The version new applications for ``service`` are filled with (None if unpublished)."""
    return FormVersion.objects.current_for(service)
