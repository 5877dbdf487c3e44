"""Who may do what with the region tree.

Access is the role's permission AND the kecamatan scope
(``paten.accounts.selectors.kecamatan_scope_for``).
"""

from paten.accounts.selectors import kecamatan_scope_for
from paten.permissions import user_may_import_rows

from .models import Region


def user_may_import_regions(user) -> bool:
    """An import touches the whole tree: kecamatan staff edit their own rows only."""
    return user_may_import_rows(user, model=Region) and kecamatan_scope_for(user).is_pemda_wide
