"""Wagtail permission policies that add the kecamatan scope to the role's permission.

Wagtail asks a model's registered policy about single objects in places our viewsets
never see: the editing-session ping (who else edits this object), the admin URL finder
(edit links in reports), previews and bulk actions. A scoped policy answers "yes" only
when the model's own policy does AND the object lies inside the user's kecamatan scope
(``selectors.kecamatan_scope_for``).
"""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from wagtail.permission_policies import BasePermissionPolicy, ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .selectors import KecamatanScope, kecamatan_scope_for

Scope = Callable[[KecamatanScope, QuerySet], QuerySet]

_SCOPED: dict[type[Model], BasePermissionPolicy] = {}


class KecamatanScopeMixin:
    """Put before a permission policy class: its instance answers also ask the scope."""

    scope: Scope

    def visible(self, user) -> QuerySet:
        """Every object of the model inside the user's kecamatan scope."""
        return self.scope(kecamatan_scope_for(user), self.model._default_manager.all())

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return instance.pk is not None and self.visible(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        instances = super().instances_user_has_any_permission_for(user, actions)
        return self.scope(kecamatan_scope_for(user), instances)


def scoped_policy(policy: BasePermissionPolicy, scope: Scope) -> BasePermissionPolicy:
    """A copy of ``policy`` (any policy class) whose instance answers also ask ``scope``."""
    cls = type(f"KecamatanScoped{type(policy).__name__}", (KecamatanScopeMixin, type(policy)), {})
    scoped = cls.__new__(cls)
    scoped.__dict__.update(policy.__dict__)
    scoped.scope = scope
    return scoped


def register_scoped_policy(model: type[Model], scope: Scope) -> BasePermissionPolicy:
    """Register (once) the scoped version of the model's policy with Wagtail.

    A policy registered earlier for the model (e.g. one that forbids some actions) is
    kept and scoped; without one, Wagtail's ``ModelPermissionPolicy`` is.
    """
    policy = _SCOPED.get(model)
    if policy is None:
        base = policy_registry.get_by_type(model, fallback=False) or ModelPermissionPolicy(model)
        policy = _SCOPED[model] = scoped_policy(base, scope)
        register_permission_policy(model, policy, exact_class=True)
    return policy


def scoped_policies() -> dict[type[Model], BasePermissionPolicy]:
    """The kecamatan-owned models and their policies (filled as viewsets register)."""
    return dict(_SCOPED)
