"""The access matrix's declarations: every staff URL pattern has a declared rule.

The staff URL patterns come from the URL configuration (everything under ``admin/``);
each domain declares who may reach its patterns in ``tests/<domain>/access.py`` (the
vocabulary is ``tests/access.py``). A staff URL no table declares fails
``test_every_staff_url_is_declared``, so a new admin view cannot go in without saying
who may use it.
"""

import importlib
from dataclasses import dataclass
from fnmatch import fnmatch

from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import Rule

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


def test_every_staff_url_is_declared():
    table = rules()
    patterns = staff_patterns()
    undeclared = [p.name or p.route for p in patterns if rule_for(p, table) is None]
    assert undeclared == [], "staff URLs without a declared access rule:\n" + "\n".join(undeclared)
