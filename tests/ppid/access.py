"""Who reaches the staff URLs of the PPID (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from tests.access import ANY_STAFF, model_rules, perm

MODELS = {
    "ppid_requests": "ppid.InformationRequest",
    "ppid_requests:file": "ppid.RequestFile",
    "ppid_objections": "ppid.Objection",
}


def snippet(model: str, *, scoped: bool = False) -> dict:
    rules = model_rules(f"wagtailsnippets_ppid_{model}", f"ppid.{model}", scoped=scoped)
    # Wagtail's chooser asks no permission: shared configuration is no secret to staff; a
    # unit's rows are chosen only by those with a permission on them, in their scope.
    chooser = f"wagtailsnippetchoosers_ppid_{model}:*"
    rules[chooser] = rules[f"wagtailsnippets_ppid_{model}:*"] if scoped else ANY_STAFF
    return rules


RULES = {
    **snippet("dipentry", scoped=True),
    **snippet("consequencetest", scoped=True),
    **snippet("reportnarrative", scoped=True),
    **snippet("exceptionground"),
    **snippet("dipcategory"),
    **snippet("responsetemplate"),
    "ppid_requests:*": perm("ppid.view_informationrequest", scoped=True),
    "ppid_requests:intake": perm("ppid.add_informationrequest"),
    "ppid_objections:*": perm("ppid.view_objection", scoped=True),
}
