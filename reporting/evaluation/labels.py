"""How the evaluation pages show a number: in the reader's language, or a dash."""

from decimal import Decimal

from django.utils.formats import number_format

from reporting.evaluation.scoring import display


def decimal_label(value, places: int = 2) -> str:
    """A number as shown in the admin's language (``85,50`` in Indonesian), or a dash."""
    if value is None:
        return "—"
    return number_format(display(Decimal(value), places), decimal_pos=places)
