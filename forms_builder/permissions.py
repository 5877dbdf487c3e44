"""Who may do what with service forms and applications.

Access is the role's permission AND the kecamatan scope
(``paten.accounts.selectors.kecamatan_scope_for``): seeing an application, its
attachments and its result needs ``forms_builder.view_application`` (held by the
kecamatan's workflow roles and the pemda admin; an administrator may grant it to any
other group) and the application's kecamatan inside the user's scope.
"""

from django.db.models import QuerySet

from paten.accounts.constants import KECAMATAN_ROLES, Role
from paten.accounts.selectors import kecamatan_scope_for, roles_of

from .workflow import APPLICANT

# Seeing applications at all (the queue, the detail, attachments, exports of them).
VIEW_PERMISSION = "forms_builder.view_application"

# Seeing personal data unmasked (the application detail's "Tampilkan", exports).
UNMASK_PERMISSION = "forms_builder.view_personal_data"

# Roles that work on applications: the kecamatan's staff and the pemda administrator.
WORKFLOW_ROLES = frozenset(KECAMATAN_ROLES | {Role.ADMIN_PEMDA})


def user_may_view_applications(user) -> bool:
    """The applications menu, queue, detail, attachments, admin home panel and export:
    the permission to view applications AND a kecamatan scope (superusers always).

    The PPID, the atasan PPID, the evaluator and the standard editor do not hold the
    permission, so they see no application unless an administrator grants it to them.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_perm(VIEW_PERMISSION) and not kecamatan_scope_for(user).is_empty


def applications_visible_to(user, queryset: QuerySet, *, field: str = "kecamatan") -> QuerySet:
    """The rows of ``queryset`` (applications, or rows hanging off one through ``field``,
    the path to its kecamatan) that ``user`` may see: none without the permission, else
    those inside the kecamatan scope."""
    if not user_may_view_applications(user):
        return queryset.none()
    return kecamatan_scope_for(user).filter(queryset, field=field)


def user_may_register_at_counter(user) -> bool:
    """Counter intake is the petugas loket's (superusers too)."""
    return user.is_superuser or Role.PETUGAS_LOKET in roles_of(user)


def actor_roles(actor) -> set[str]:
    """The workflow roles ``actor`` acts in: the applicant's own, every role for a
    superuser, nothing for an anonymous or inactive user."""
    if actor is APPLICANT:
        return {APPLICANT}
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return set()
    if actor.is_superuser:
        return set(Role.values)
    return roles_of(actor)


def user_may_act(actor, *, kecamatan_code: str, roles: set[str]) -> bool:
    """Whether ``actor`` holds one of ``roles`` in the kecamatan (a workflow transition,
    or registering an application there)."""
    if actor is APPLICANT:
        return APPLICANT in roles
    return bool(actor_roles(actor) & roles) and kecamatan_scope_for(actor).allows(kecamatan_code)


def user_may_unmask(user) -> bool:
    """Whether ``user`` may see personal data unmasked (each read is recorded)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(UNMASK_PERMISSION)
    )


def user_may_review_personal_data_access(user) -> bool:
    """The record of personal-data reads: the pemda administrator (all of it) and the
    camat (their kecamatan's data subjects); superusers too."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = roles_of(user)
    if Role.ADMIN_PEMDA in roles:
        return True
    return Role.CAMAT in roles and not kecamatan_scope_for(user).is_empty
