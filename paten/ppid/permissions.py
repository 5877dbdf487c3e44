"""Who may do what in the PPID domain: the role's permission AND the kecamatan scope.

Every surface (admin lists, detail pages, actions, files, exports, reports, the
dashboard panel) asks these functions; none decides on its own. An object outside the
user's scope is treated as absent (404), never as forbidden, so its existence is not
confirmed. The PPID utama is a PPID with no kecamatan (pemda-wide scope); a kecamatan
PPID (pelaksana/pembantu) is a PPID assigned to a kecamatan; the atasan PPID holds
``ppid.decide_objection`` (the role "Atasan PPID"), as UU 14/2008 Pasal 36 gives the
objection to the PPID's superior (``docs/domain/ppid.md``).
"""

from django.db.models import QuerySet

from paten.accounts.selectors import KecamatanScope, kecamatan_scope_for

VIEW_REQUEST = "ppid.view_informationrequest"
ADD_REQUEST = "ppid.add_informationrequest"
ROUTE_REQUEST = "ppid.route_informationrequest"
DECIDE_REQUEST = "ppid.decide_informationrequest"
VIEW_PERSONAL = "ppid.view_personal_data"
VIEW_OBJECTION = "ppid.view_objection"
ADD_OBJECTION = "ppid.add_objection"
DECIDE_OBJECTION = "ppid.decide_objection"
PUBLISH_DIP = "ppid.publish_dipentry"
ADD_DIP = "ppid.add_dipentry"


def scope_of(user) -> KecamatanScope:
    return kecamatan_scope_for(user)


def scoped(user, queryset: QuerySet, field: str = "kecamatan") -> QuerySet:
    """Rows of ``queryset`` whose unit (``field``) lies in the user's scope; rows of the
    PPID utama (no kecamatan) only for pemda-wide users."""
    return kecamatan_scope_for(user).filter(queryset, field=field)


def in_scope(user, kecamatan_code: str | None) -> bool:
    scope = kecamatan_scope_for(user)
    return scope.is_pemda_wide or (kecamatan_code is not None and scope.allows(kecamatan_code))


def may_view_requests(user) -> bool:
    return user.has_perm(VIEW_REQUEST) and not kecamatan_scope_for(user).is_empty


def may_register_request(user) -> bool:
    """Registering a walk-in or a letter at the desk."""
    return user.has_perm(ADD_REQUEST) and not kecamatan_scope_for(user).is_empty


def may_route(user, request) -> bool:
    """Routing (disposisi) is the PPID utama's: pemda-wide, and only while open."""
    return (
        user.has_perm(ROUTE_REQUEST) and kecamatan_scope_for(user).is_pemda_wide and request.is_open
    )


def may_decide(user, request) -> bool:
    """Extending and deciding: the PPID holding the request (or the PPID utama)."""
    return user.has_perm(DECIDE_REQUEST) and in_scope(user, request.kecamatan_id)


def may_see_personal_data(user) -> bool:
    return user.has_perm(VIEW_PERSONAL)


def may_publish_to_dip(user, request) -> bool:
    return user.has_perm(ADD_DIP) and in_scope(user, request.kecamatan_id)


def may_view_objections(user) -> bool:
    return (
        user.has_perm(VIEW_OBJECTION) or user.has_perm(DECIDE_OBJECTION)
    ) and not kecamatan_scope_for(user).is_empty


def may_register_objection(user, request) -> bool:
    return user.has_perm(ADD_OBJECTION) and in_scope(user, request.kecamatan_id)


def may_answer_objection(user, objection) -> bool:
    """Only the atasan PPID answers; never the PPID whose decision is objected to."""
    return user.has_perm(DECIDE_OBJECTION) and in_scope(user, objection.request.kecamatan_id)


def may_record_dispute(user, objection) -> bool:
    return (user.has_perm(DECIDE_REQUEST) or user.has_perm(DECIDE_OBJECTION)) and in_scope(
        user, objection.request.kecamatan_id
    )


def may_view_register(user) -> bool:
    """The registers and PPID reports: whoever sees requests or objections."""
    return may_view_requests(user) or may_view_objections(user)


# -- Wagtail permission policies (registered in ``apps.PpidConfig.ready``) --------------


def _by_unit(scope: KecamatanScope, queryset: QuerySet) -> QuerySet:
    return scope.filter(queryset, field="kecamatan")


def _pemda_wide_edit_policy(model):
    from wagtail.permission_policies import ModelPermissionPolicy

    class PemdaWideEditPolicy(ModelPermissionPolicy):
        """Configuration shared by the whole installation (exception grounds, categories,
        letter templates): anyone with the permission reads it; only pemda-wide users
        change it, so one kecamatan cannot change another's letters."""

        READ_ONLY = frozenset({"view", "choose"})

        def user_has_permission(self, user, action):
            if action not in self.READ_ONLY and not kecamatan_scope_for(user).is_pemda_wide:
                return False
            return super().user_has_permission(user, action)

        def user_has_any_permission(self, user, actions):
            return any(self.user_has_permission(user, action) for action in actions)

    return PemdaWideEditPolicy(model)


def policies_register() -> None:
    """Register the PPID models' permission policies with Wagtail (once, at start-up):
    the kecamatan scope on the models a unit owns (``paten.accounts.policies``: edit links,
    previews, editing sessions, bulk actions and the site history ask it), and pemda-wide
    editing of the shared configuration."""
    from wagtail.permissions import register_permission_policy

    from paten.accounts.policies import register_scoped_policy

    from .models import (
        ConsequenceTest,
        DipCategory,
        DipEntry,
        ExceptionGround,
        ReportNarrative,
        ResponseTemplate,
    )

    for model in (DipEntry, ConsequenceTest, ReportNarrative):
        register_scoped_policy(model, _by_unit)
    for model in (ExceptionGround, DipCategory, ResponseTemplate):
        register_permission_policy(model, _pemda_wide_edit_policy(model), exact_class=True)


def bulk_objects_in_scope(user, objects) -> bool:
    """Whether every PPID row among ``objects`` (a bulk action's selection) is in scope."""
    from .models import ConsequenceTest, DipEntry, ReportNarrative

    for obj in objects:
        if isinstance(obj, (DipEntry, ConsequenceTest, ReportNarrative)) and not in_scope(
            user, obj.kecamatan_id
        ):
            return False
    return True
