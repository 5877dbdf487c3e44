"""The access matrix: every staff URL pattern × every demo role × own/other kecamatan.

The staff URL patterns come from the URL configuration (everything under ``admin/``);
each domain declares who may reach its patterns in ``tests/<domain>/access.py`` (the
vocabulary is ``tests/access.py``). A staff URL no table declares fails
``test_every_staff_url_is_declared``, so a new admin view cannot go in without saying
who may use it.

``test_every_staff_url_as_every_demo_role`` loads the demo data once (the installation
an outsider would try: Kota Bontang, its demo staff, applications in every kecamatan)
and requests every pattern as each demo role. The object a URL names is taken from the
demo data, of the model the URL's view set or table names; for an object owned by a
kecamatan, once in the role's own kecamatan (Bontang Utara) and once in another
(Bontang Selatan). A refusal is a 403, a 404, or Wagtail's redirect to the login or to
the admin home. The test fails on any server error and on any role reaching what its
declared rule refuses (a leak); a refusal the rule would not require is listed in the
printed summary (stricter than declared is safe, and Wagtail refuses some pages for
reasons of its own, a page without revisions, say).
"""

import importlib
import uuid
from dataclasses import dataclass
from fnmatch import fnmatch
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets

import pytest

from paten.accounts.selectors import kecamatan_scope_for, roles_of
from paten.demo import demo_users
from tests.access import Rule
from tests.bontang import SELATAN, UTARA

# The domains whose tests declare access rules (``tests/<domain>/access.py``).
DOMAINS = (
    "forms_builder",
    "service_catalog",
    "reporting",
    "ppid",
    "accounts",
    "site",
    "sync",
    "regions",
    "workdays",
    "audit",
    "paten",
)

# One demo user per role: the pemda-wide ones and Bontang Utara's kecamatan staff.
ROLE_USERS = (
    "admin",
    "adminpemda",
    "ppid",
    "atasanppid",
    "evaluator",
    "camat.bontang-utara",
    "loket.bontang-utara",
    "backoffice.bontang-utara",
    "ppid.bontang-utara",
)

# URL keyword arguments that name the main object of the page.
OBJECT_KWARGS = (
    "pk",
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "page_pk",
    "image_id",
    "document_id",
    "doc_id",
    "collection_id",
    "redirect_id",
    "object_id",
)


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    pattern: URLPattern
    namespace: str


def staff_patterns() -> list[Pattern]:
    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                name = entry.name or ""
                full = f"{namespace}:{name}" if namespace and name else name
                yield Pattern(full, prefix + str(entry.pattern), entry, namespace)

    return [p for p in walk(get_resolver().url_patterns) if p.route.startswith("admin/")]


def rules() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for domain in DOMAINS:
        module = importlib.import_module(f"tests.{domain}.access")
        for glob, rule in module.RULES.items():
            assert glob not in table, f"{glob} declared twice"
            table[glob] = rule
    return table


def rule_for(pattern: Pattern, table: dict[str, Rule]) -> Rule | None:
    key = pattern.name or pattern.route
    matches = [glob for glob in table if fnmatch(key, glob)]
    return table[max(matches, key=len)] if matches else None


def models_by_namespace() -> dict[str, tuple[type, dict]]:
    """The model (and a filter picking a suitable object) of each view set's URLs, and
    of the URL names or namespaces the domains' ``MODELS`` tables add."""
    found = {}
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        try:
            namespace = viewset.url_namespace
        except Exception:  # noqa: BLE001 - a view set without a name has no URLs of its own
            namespace = None
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is not None and namespace:
            found[namespace] = (model, {})
    for domain in DOMAINS:
        module = importlib.import_module(f"tests.{domain}.access")
        for key, spec in getattr(module, "MODELS", {}).items():
            label, filters = (spec, {}) if isinstance(spec, str) else spec
            found[key] = (apps.get_model(label), filters)
    return found


def kwargs_tables() -> dict[str, dict]:
    """Values of URL arguments that name no object (a sheet, an action, a format), per URL
    name glob, from the domains' ``KWARGS`` tables."""
    found = {}
    for domain in DOMAINS:
        module = importlib.import_module(f"tests.{domain}.access")
        found.update(getattr(module, "KWARGS", {}))
    return found


def test_every_staff_url_is_declared():
    table = rules()
    patterns = staff_patterns()
    undeclared = [p.name or p.route for p in patterns if rule_for(p, table) is None]
    assert undeclared == [], "staff URLs without a declared access rule:\n" + "\n".join(undeclared)


# -- requesting every pattern ------------------------------------------------------------


def kecamatan_path(model) -> str | None:
    """The field path from ``model`` to its kecamatan, for the models a kecamatan owns
    (directly, or through the application or the indicator value they belong to)."""
    fields = {field.name: field for field in model._meta.get_fields()}
    if "kecamatan" in fields:
        return "kecamatan"
    for head in ("application", "value"):
        field = fields.get(head)
        if field is not None and field.is_relation and field.related_model is not None:
            related = {f.name for f in field.related_model._meta.get_fields()}
            if "kecamatan" in related:
                return f"{head}__kecamatan"
    return None


def object_for(model, filters: dict, variant: str):
    objects = model._default_manager.filter(**filters).order_by("pk")
    path = kecamatan_path(model)
    if path is None or variant == "any":
        return objects.first()
    code = UTARA if variant == "own" else SELATAN
    return objects.filter(**{path: code}).first()


def fill_kwargs(pattern: Pattern, obj, model, given: dict) -> tuple[dict, bool]:
    """Keyword arguments for ``reverse``: the object's key, the values a domain declares
    (``KWARGS``), else a value of the right type that names nothing; and whether any
    argument is such a placeholder (then the URL names nothing, and everyone is refused)."""
    kwargs, placeholder = {}, False
    converters = getattr(pattern.pattern.pattern, "converters", {})
    names = list(pattern.pattern.pattern.regex.groupindex)
    for name in names:
        if name in given:
            kwargs[name] = str(given[name])
        elif name in OBJECT_KWARGS and obj is not None:
            kwargs[name] = str(obj.pk)
        elif name in {"app_label", "app_name", "content_type_app_name"} and model is not None:
            kwargs[name] = model._meta.app_label
        elif name in {"model_name", "content_type_model_name"} and model is not None:
            kwargs[name] = model._meta.model_name
        else:
            placeholder = True
            converter = converters.get(name)
            kind = type(converter).__name__ if converter else ""
            kwargs[name] = {
                "IntConverter": "0",
                "UUIDConverter": str(uuid.UUID(int=0)),
            }.get(kind, "0")
    return kwargs, placeholder


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code in (301, 302):
        location = response["Location"]
        return location.startswith(reverse("wagtailadmin_login")) or location == reverse(
            "wagtailadmin_home"
        )
    return False


def may(user, rule: Rule, variant: str) -> bool:
    scope = kecamatan_scope_for(user)
    if user.is_superuser:
        return True
    if rule.superuser:
        return False
    if rule.perms and not any(user.has_perm(p) for p in rule.perms):
        return False
    if rule.roles and not roles_of(user) & set(rule.roles):
        return False
    if rule.pemda_wide and not scope.is_pemda_wide:
        return False
    if rule.scoped and variant == "other" and not scope.is_pemda_wide:
        return False
    return not scope.is_empty or not rule.scoped


# The patterns are requested in two halves, so that two processes share the work.
HALVES = 2


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("half", range(HALVES))
def test_every_staff_url_as_every_demo_role(django_user_model, capsys, half):
    call_command("load_demo_data", stdout=StringIO())
    table = rules()
    models = models_by_namespace()
    patterns = staff_patterns()[half::HALVES]
    demo = {user.username for user in demo_users()}
    assert set(ROLE_USERS) <= demo
    users = {name: django_user_model.objects.get(username=name) for name in ROLE_USERS}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)

    given_tables = kwargs_tables()
    cases, failures, requested, absent, narrower = 0, [], 0, 0, []
    for pattern in patterns:
        rule = rule_for(pattern, table)
        key = pattern.name or pattern.route
        given = {}
        for glob in sorted((g for g in given_tables if fnmatch(key, g)), key=len):
            given.update(given_tables[glob])
        model, filters = models.get(pattern.name) or models.get(pattern.namespace) or (None, {})
        has_object = any(n in OBJECT_KWARGS for n in pattern.pattern.pattern.regex.groupindex)
        scoped = model is not None and kecamatan_path(model) is not None
        variants = ("own", "other") if has_object and scoped else ("any",)
        for variant in variants:
            obj = object_for(model, filters, variant) if (has_object and model) else None
            # An argument naming nothing (no offline laptop enrolled in the demo data, a
            # revision number): the URL names nothing, and everyone must be refused.
            kwargs, missing = fill_kwargs(pattern, obj, model, given)
            for username, user in users.items():
                cases += 1
                if rule.skip or not pattern.name:
                    continue
                absent += missing
                client = clients[username]
                url = reverse(pattern.name, kwargs=kwargs)
                requested += 1
                try:
                    response = client.get(url)
                    if response.status_code == 405:
                        response = client.post(url, {})
                except Exception as error:  # noqa: BLE001 - the test client re-raises a 500
                    failures.append(f"{url} as {username}: {type(error).__name__}: {error}")
                    continue
                expected = may(user, rule, variant) and not missing
                if response.status_code >= 500:
                    failures.append(f"{url} as {username}: {response.status_code}")
                elif expected and refused(response):
                    narrower.append(f"{url} ({variant}) as {username}")
                elif not expected and not refused(response):
                    failures.append(
                        f"{url} ({variant}) as {username}: {response.status_code}, expected refused"
                    )
    with capsys.disabled():
        print(
            f"\naccess matrix, half {half + 1} of {HALVES}: {len(patterns)} of"
            f" {len(staff_patterns())} staff URL patterns × {len(users)} demo roles"
            f" (own/other kecamatan where the object is a kecamatan's) = {cases} cases,"
            f" {requested} requests ({absent} naming nothing);"
            f" {len(narrower)} refused where the declared rule would allow"
        )
        for line in narrower:
            print(f"  narrower than declared: {line}")
    assert failures == [], "\n".join(failures)
