"""Form widgets shared by the admin of several domains."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format, sanitize_separators


class DecimalCommaInput(forms.TextInput):
    """A decimal typed and shown as the active language writes it: "30,5" in Indonesian,
    beside messages that say "110,00 %", instead of the browser's number box, which
    shows "30.00" and refuses a comma. Trailing zeros are left out ("30,5", "100").
    What is typed is handed to the form field with a dot ("30,5" → "30.5"); a value
    typed with a dot is read as it is."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value is None or value == "":
            return None
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)  # a refused entry is shown back as it was typed
        text = f"{number:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", get_format("DECIMAL_SEPARATOR"))

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return sanitize_separators(value.strip()) if isinstance(value, str) else value
