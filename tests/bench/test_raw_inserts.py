"""The benches fill big tables with raw ``INSERT … SELECT`` (the ORM would take minutes).

Such SQL does not follow a migration by itself: a new NOT NULL column without a
database default breaks ``make bench`` while every test still passes. This reads the
benches' INSERT statements and checks each against the models.
"""

import ast
import importlib
import re
from pathlib import Path

from django.apps import apps
from django.db.models import NOT_PROVIDED

BENCH = Path(__file__).resolve().parents[2] / "bench"
INSERT = re.compile(r"INSERT INTO (\w+)\s*\(", re.IGNORECASE)
# An f-string's expression inside a column list, e.g. {", ".join(ANSWER_FIELDS.values())}.
EXPRESSION = re.compile(r"\{([^{}]+)\}")


def _column_list(source: str, start: int) -> str:
    """The text from ``start`` to the parenthesis that closes the column list."""
    depth, braces = 1, 0
    for end in range(start, len(source)):
        char = source[end]
        braces += {"{": 1, "}": -1}.get(char, 0)
        if braces == 0:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return source[start:end]
    raise AssertionError("unclosed column list")


def _namespace(source: str) -> dict:
    """What an f-string in ``source`` may name: every ``from … import`` of the module,
    including those inside its functions (the benches start Django there)."""
    namespace = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    namespace[alias.asname or alias.name] = getattr(module, alias.name)
    return namespace


def _inserts() -> list[tuple[str, str, set[str]]]:
    found = []
    for path in sorted(BENCH.glob("bench_*.py")):
        source = path.read_text()
        namespace = _namespace(source)

        def evaluate(expression, namespace=namespace) -> str:
            return str(eval(expression.group(1), namespace))  # noqa: S307 (our own bench code)

        for match in INSERT.finditer(source):
            columns = EXPRESSION.sub(evaluate, _column_list(source, match.end()))
            # A statement may be split over adjacent string literals: drop quotes and spaces.
            names = {re.sub(r'[\s"]', "", column) for column in columns.split(",")}
            found.append((path.name, match.group(1), names - {""}))
    return found


def _required_columns(table: str) -> set[str]:
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return {
        field.column
        for field in model._meta.concrete_fields
        # the database fills these: its defaults and auto-incremented keys
        if not field.null and field.db_default is NOT_PROVIDED and not field.db_returning
    }


def test_the_benches_insert_rows_the_schema_accepts():
    inserts = [entry for entry in _inserts() if not entry[1].startswith("bench_")]
    assert {table for _, table, _ in inserts} >= {
        "forms_builder_application",
        "forms_builder_applicationevent",
        "reporting_surveyresponse",
        "audit_auditevent",
    }
    for name, table, columns in inserts:
        missing = _required_columns(table) - columns
        assert not missing, f"{name}: INSERT INTO {table} lacks NOT NULL {sorted(missing)}"
