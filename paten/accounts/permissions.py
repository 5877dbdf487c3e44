"""Who may do what with staff accounts.

Access is the role's permission AND the kecamatan scope (``selectors.kecamatan_scope_for``).
"""

from .constants import Role
from .selectors import kecamatan_scope_for, roles_of


def user_may_export_users(user) -> bool:
    """Superusers, and Admin Pemda with a pemda-wide scope."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Role.ADMIN_PEMDA in roles_of(user) and kecamatan_scope_for(user).is_pemda_wide
