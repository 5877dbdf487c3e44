"""The vocabulary of the access matrix (``tests/accounts/test_access_matrix.py``).

Each domain declares, in ``tests/<domain>/access.py``, who may reach its staff URLs: a
table ``RULES`` from URL names (``fnmatch`` globs such as ``"forms_builder_admin:*"``)
to a ``Rule``. The matrix requests every staff URL pattern as every demo role, with the
object of the URL in the role's own kecamatan and in another one, and compares what it
gets with what the rule expects. The most specific glob (the longest) wins.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """Who reaches a staff URL.

    - ``perms``: the role needs one of these Django permissions (``app.codename``);
      empty means any user who may enter the admin;
    - ``roles``: the user holds one of these roles (a rule the domain states by role, as
      counter intake is the front office's);
    - ``pemda_wide``: only users whose kecamatan scope is the whole kabupaten/kota;
    - ``superuser``: superusers only;
    - ``scoped``: the URL names an object owned by a kecamatan, reached only inside the
      user's scope (another kecamatan's object is refused, even with the permission);
    - ``skip``: why the URL is not requested (it would end the session, or it is not a
      page); such URLs are still counted as declared.
    """

    perms: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    pemda_wide: bool = False
    superuser: bool = False
    scoped: bool = False
    skip: str = ""


ANY_STAFF = Rule()
SUPERUSER = Rule(superuser=True)


def perm(*perms: str, scoped: bool = False, pemda_wide: bool = False) -> Rule:
    return Rule(perms=perms, scoped=scoped, pemda_wide=pemda_wide)


def roles(*names: str, scoped: bool = False) -> Rule:
    return Rule(roles=names, scoped=scoped)


def skip(reason: str) -> Rule:
    return Rule(skip=reason)


# What each page of a Wagtail model or snippet view set needs (Wagtail's own rule): the
# listing any permission on the model; adding "add"; the pages about one object "change";
# deleting "delete"; inspecting "view" or "change".
ACTIONS_BY_VIEW = {
    "*": ("add", "change", "delete", "view"),
    "add": ("add",),
    "preview_on_add": ("add",),
    "copy": ("add",),
    "edit": ("change",),
    "preview_on_edit": ("change",),
    "history*": ("change",),
    "usage": ("change",),
    "revisions_*": ("change",),
    "lock": ("lock", "change"),
    "unlock": ("unlock", "change"),
    "unpublish": ("publish", "change"),
    "workflow_*": ("change",),
    "collect_workflow_action_data": ("change",),
    # Wagtail's confirmation asks no permission; the scoped view sets ask one on the model.
    "confirm_workflow_cancellation": ("add", "change", "delete", "view"),
    "delete": ("delete",),
    "inspect": ("view", "change"),
}


def model_rules(namespace: str, model: str, *, scoped: bool = False, actions=None) -> dict:
    """The rules of a view set's URLs (``namespace:view``) for ``app_label.model``."""
    app_label, name = model.split(".")
    rules = {}
    for view, needed in (actions or ACTIONS_BY_VIEW).items():
        perms = tuple(f"{app_label}.{action}_{name}" for action in needed)
        rules[f"{namespace}:{view}"] = Rule(perms=perms, scoped=scoped)
    return rules
