"""Who may do what in the kecamatan evaluation: report evidence, verify it, see the
ranking, correct a value, close a period. The services decide with the same role sets
(``REPORTER_ROLES``, ``VERIFIER_ROLES``); the admin asks these rules before a page
opens."""

from paten.accounts.constants import Role
from paten.accounts.selectors import kecamatan_scope_for, roles_of

#: Evaluators and pemda admins verify evidence (never of their own kecamatan).
VERIFIER_ROLES = frozenset({Role.EVALUATOR, Role.ADMIN_PEMDA})
#: Kecamatan staff who report their kecamatan's evidence (the front office does not).
REPORTER_ROLES = frozenset({Role.CAMAT, Role.BACK_OFFICE})
#: Pemda-wide staff who see the whole ranking.
RANKING_ROLES = frozenset({Role.ADMIN_PEMDA, Role.EVALUATOR})

_ROLES_ATTR = "_paten_evaluation_roles"


def _roles(user) -> set[str]:
    """``roles_of`` once per user object (the menu asks several times per page)."""
    if not user.is_authenticated:
        return set()
    roles = getattr(user, _ROLES_ATTR, None)
    if roles is None:
        roles = roles_of(user)
        setattr(user, _ROLES_ATTR, roles)
    return roles


def user_may_report(user) -> bool:
    """Camat and back office of a kecamatan (never a pemda-wide user)."""
    scope = kecamatan_scope_for(user)
    return bool(_roles(user) & REPORTER_ROLES) and not scope.is_pemda_wide and not scope.is_empty


def user_may_verify(user) -> bool:
    return user.is_superuser or bool(_roles(user) & VERIFIER_ROLES)


def user_sees_ranking(user) -> bool:
    """The whole ranking: pemda admins and evaluators with a pemda-wide scope."""
    scope = kecamatan_scope_for(user)
    return scope.is_pemda_wide and (user.is_superuser or bool(_roles(user) & RANKING_ROLES))


def user_may_download_evidence(user, *, kecamatan_code: str) -> bool:
    """An evidence file: the verifiers (evaluator, pemda admin), and the reporters (camat,
    back office) of its kecamatan; not every staff user whose scope holds it."""
    if user_may_verify(user):
        return True
    return user_may_report(user) and kecamatan_scope_for(user).allows(kecamatan_code)


def user_may_correct(user) -> bool:
    """Only a pemda admin corrects a frozen or verified value (``value_correct``)."""
    return user.is_superuser or Role.ADMIN_PEMDA in _roles(user)


def user_may_see_dashboard(user) -> bool:
    return user_sees_ranking(user) or user_may_report(user)


def user_may_close_periods(user) -> bool:
    """Close an evaluation period (``period_close`` checks the role besides)."""
    return user.has_perm("reporting.change_evaluationperiod")
