"""The registry of report kinds: what a kind builds and in which formats.

A kind is a ``ReportDefinition`` registered under its ``ReportKind`` with ``register``;
its ``build`` collects the data (database aggregates, streamed rows) and returns
``ReportData``. Sheets hand out their rows through a callable, so each format streams
them afresh (``reporting.reports.writers``). The kinds of this app register in
``reporting.reports.kinds``, imported by ``ReportingConfig.ready()``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from paten.tabular import Sheet

ProgressFn = Callable[[int, str], None]


@dataclass
class ReportData:
    title: str
    scope_label: str
    start: date
    end: date
    sheets: list[Sheet]
    pdf_template: str | None = None
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportDefinition:
    kind: str
    formats: tuple[str, ...]
    build: Callable[..., ReportData]  # build(*, run, progress) -> ReportData
    # False for kinds that need the person who asked (their scope and permissions at
    # run time, e.g. data exports): a schedule has no such person.
    schedulable: bool = True
    # Who may request the kind, beyond the report permissions and a scope (e.g. the
    # PPID's registers: ``paten.ppid.permissions.may_view_register``); None: everyone who
    # may request reports.
    permitted: Callable[..., bool] | None = None

    def permits(self, user) -> bool:
        return self.permitted is None or bool(self.permitted(user))


_REGISTRY: dict[str, ReportDefinition] = {}


def register(
    kind: str,
    *,
    formats: tuple[str, ...],
    schedulable: bool = True,
    permitted: Callable[..., bool] | None = None,
):
    def decorator(build):
        _REGISTRY[kind] = ReportDefinition(
            kind=kind, formats=formats, build=build, schedulable=schedulable, permitted=permitted
        )
        return build

    return decorator


def definition_for(kind: str) -> ReportDefinition:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise KeyError(f"no report definition for {kind!r}") from None


def registered_kinds() -> dict[str, ReportDefinition]:
    return dict(_REGISTRY)
