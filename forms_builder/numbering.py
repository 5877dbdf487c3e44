"""Result number patterns: what an administrator may write, and how a pattern formats.

Pure functions, no database: the model validates a pattern with them and the
allocator (``services.numbering.number_issue``) formats the number it takes.
"""

import string

DEFAULT_NUMBER_PATTERN = "{seq:03}/{service_code}/{kecamatan_code}/{year}"

_ALLOWED_FIELDS = {"seq", "service_code", "kecamatan_code", "year", "month"}


def format_number(pattern: str, **values) -> str:
    """Format an admin pattern; only the documented placeholders are allowed.

    Attribute and index access (``{seq.__class__}``) is refused, so a pattern can
    never reach into Python objects.
    """
    for _literal, field, _spec, _conversion in string.Formatter().parse(pattern):
        if field is None:
            continue
        if field not in _ALLOWED_FIELDS:
            raise KeyError(field)
    return pattern.format(**values)
