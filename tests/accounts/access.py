"""Who reaches the staff URLs of paten.accounts (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import model_rules

RULES = {
    # Staff and their kecamatan: a camat or pemda admin, within their scope.
    **model_rules("staff_profiles", "accounts.staffprofile", scoped=True),
}
