"""Who reaches the staff URLs of the service catalog (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import ANY_STAFF, model_rules, perm


def snippet(model: str, *, scoped: bool = False) -> dict:
    rules = model_rules(
        f"wagtailsnippets_service_catalog_{model}", f"service_catalog.{model}", scoped=scoped
    )
    # Wagtail's chooser asks no permission: the catalog's configuration is no secret to
    # staff; a kecamatan's rows are chosen only by those with a permission on them.
    chooser = f"wagtailsnippetchoosers_service_catalog_{model}:*"
    rules[chooser] = rules[f"wagtailsnippets_service_catalog_{model}:*"] if scoped else ANY_STAFF
    return rules


RULES = {
    **snippet("legalinstrument"),
    **snippet("delegatedauthority"),
    **snippet("servicecategory"),
    **snippet("searchsynonym"),
    # A kecamatan's maklumat: the camat's permission AND their kecamatan.
    **snippet("maklumat", scoped=True),
    # Wagtail's parent chooser of a page type asks no permission (public page titles).
    "service_pages:choose_parent": ANY_STAFF,
    "service_pages:*": perm(
        "service_catalog.add_servicepage", "service_catalog.change_servicepage"
    ),
    "service_catalog_import": perm("service_catalog.add_servicepage", pemda_wide=True),
    "service_catalog_export*": perm(
        "service_catalog.view_legalinstrument", "service_catalog.change_servicepage"
    ),
}
