"""Writes to the service catalog: the catalog page, services and their moderation.

Everything that creates or changes a service goes through these functions, so that
demo data, imports and tests pass the same validation as the admin editor
(``ServicePage.clean`` + the cross-panel checks of ``ServicePageForm``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision

from paten.audit.services import audit_record
from paten.site.models import HomePage

from .durations import office_minutes, steps_fit_total
from .forms import repeated_transitions_message
from .models import ServiceIndexPage, ServicePage

CATALOG_SLUG = "layanan"
CATALOG_TITLE = "Layanan"


def catalog_index_parent() -> Page:
    """The home page (the root's child) under which the catalog sits."""
    home = HomePage.objects.order_by("path").first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    return root.get_first_child() or root


@transaction.atomic
def catalog_index_ensure(*, user=None) -> ServiceIndexPage:
    """The catalog page ("Layanan", slug ``layanan``), created and published if missing."""
    existing = ServiceIndexPage.objects.order_by("path").first()
    if existing is not None:
        return existing
    parent = catalog_index_parent()
    index = ServiceIndexPage(title=CATALOG_TITLE, slug=CATALOG_SLUG, show_in_menus=True)
    parent.add_child(instance=index)
    index.save_revision(user=user, log_action=True).publish(user=user)
    return ServiceIndexPage.objects.get(pk=index.pk)


def service_validate(*, service: ServicePage) -> None:
    """Every rule of the admin editor, for a service built in code.

    Checks the page (``full_clean``), each inline row, and the rules that span them:
    the completion time is not shorter than the steps, document keys are unique, and
    at least one legal basis is given. Raises ``ValidationError``.
    """
    errors: dict[str, list] = {}
    # A new page gets its place in the tree (path, depth) only when it is added.
    exclude = ["path", "depth", "numchild", "url_path"] if service.pk is None else None
    try:
        service.full_clean(exclude=exclude)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    for relation in ("required_documents", "procedure_steps", "legal_basis", "kecamatan_overrides"):
        for child in getattr(service, relation).all():
            try:
                child.full_clean(exclude=["service", "id"], validate_unique=False)
            except ValidationError as e:
                for message in e.messages:
                    errors.setdefault("__all__", []).append(f"{child}: {message}")
    steps = [(s.duration_value, s.duration_unit) for s in service.procedure_steps.all()]
    total = (service.duration_value, service.duration_unit)
    if steps and all(total) and not steps_fit_total(steps, total):
        needed = sum(office_minutes(v, u) for v, u in steps)
        errors.setdefault("duration_value", []).append(
            _(
                "The completion time is shorter than its steps, which add up to about "
                "%(minutes)d office minutes."
            )
            % {"minutes": round(needed)}
        )
    keys = [d.key for d in service.required_documents.all()]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.setdefault("__all__", []).append(
            _("Each required document needs its own key; repeated: %(keys)s")
            % {"keys": ", ".join(duplicates)}
        )
    repeated = repeated_transitions_message([s.recorded_by for s in service.procedure_steps.all()])
    if repeated:
        errors.setdefault("__all__", []).append(repeated)
    if not service.legal_basis.all():
        errors.setdefault("__all__", []).append(_("A service needs at least one legal basis."))
    if errors:
        raise ValidationError(errors)


def service_slug(*, service: ServicePage, parent: Page) -> str:
    """A free slug under ``parent``: the title's, else the title's with the service code."""
    base = slugify(service.title)[:70] or service.code
    if Page._slug_is_available(base, parent, service):
        return base
    return f"{base}-{service.code}"[:255]


@transaction.atomic
def service_save(*, service: ServicePage, user=None, publish: bool = True) -> Revision:
    """Validate ``service``, save it (a new one under the catalog) and record a revision.

    With ``publish`` the revision goes live at once; without it the service keeps its
    live version and the revision waits as a draft (see ``service_submit``).
    """
    is_new = service.pk is None
    if is_new:
        index = catalog_index_ensure(user=user)
        if not service.slug:
            service.slug = service_slug(service=service, parent=index)
    service_validate(service=service)
    if is_new:
        if not publish:
            service.live = False
        index.add_child(instance=service)
    elif publish:
        service.save()
    revision = service.save_revision(user=user, log_action=True)
    if publish:
        # The workbook import and demo data publish through here, outside the editor
        # (where nobody may publish a standard without approval, ServicePage's tester).
        revision.publish(user=user, skip_permission_checks=True)
    audit_record(
        actor=user,
        action="service_catalog.service_publish" if publish else "service_catalog.service_save",
        target=service,
        payload={"code": service.code, "revision": revision.pk, "created": is_new},
    )
    return revision


def service_publish(*, service: ServicePage, user=None) -> Revision:
    """Validate, save and publish ``service`` as a new page revision."""
    return service_save(service=service, user=user, publish=True)


@transaction.atomic
def service_submit(*, service: ServicePage, user) -> Revision:
    """Save ``service`` as a draft revision and start its moderation workflow.

    The live version stays as it was until an approver (not ``user``) approves.
    """
    revision = service_save(service=service, user=user, publish=False)
    page = ServicePage.objects.get(pk=service.pk)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValidationError(_("No moderation workflow applies to this service."))
    workflow.start(page, user)
    return revision


@transaction.atomic
def service_approve(*, service: ServicePage, user, comment: str = "") -> None:
    """Approve the service's current moderation task as ``user``.

    Approval of the last task publishes the submitted revision.
    """
    page = ServicePage.objects.get(pk=service.pk)
    task_state = page.current_workflow_task_state
    if task_state is None:
        raise ValidationError(_("This service is not waiting for approval."))
    task = task_state.task.specific
    if "approve" not in {name for name, _label, _modal in task.get_actions(page, user)}:
        raise PermissionDenied(_("You may not approve this change."))
    task.on_action(task_state, user, "approve", comment=comment)
