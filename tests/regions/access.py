"""Who reaches the staff URLs of paten.regions (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import model_rules, perm

RULES = {
    **model_rules("regions", "regions.region"),
    "regions_import": perm("regions.add_region", pemda_wide=True),
}
