"""Who may do what with service forms and applications.

Access is the role's permission AND the kecamatan scope
(``paten.accounts.selectors.kecamatan_scope_for``).
"""

from paten.accounts.constants import KECAMATAN_ROLES, Role

# Roles that work on applications: the kecamatan's staff and the pemda administrator.
WORKFLOW_ROLES = frozenset(KECAMATAN_ROLES | {Role.ADMIN_PEMDA})
