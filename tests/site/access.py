"""Who reaches the staff URLs of paten.site (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import ANY_STAFF, model_rules

RULES = {
    **model_rules("kecamatan_offices", "paten_site.kecamatanoffice", scoped=True),
    # The site history: every staff user, showing only what their scope holds.
    "paten_site_history*": ANY_STAFF,
}
