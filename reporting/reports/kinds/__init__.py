"""The report kinds of this app; importing this package registers each of them.

Imported once by ``ReportingConfig.ready()``. A new kind is a module here with a
``@register(ReportKind.…)`` build function, imported below.
"""

from reporting.reports.kinds import (  # noqa: F401 (imported to register)
    applications_export,
    comparison,
    ikm,
    ppid,
    ranking,
    recap,
    sla,
)
