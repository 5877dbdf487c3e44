"""Django form fields for Indonesian identity data, regions and document uploads.

Each field normalises its value (digits only, ``+62…``, a region code) so that what
an application stores is comparable; see ``validators.py`` for the rules.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import (
    normalize_phone,
    validate_birth_date,
    validate_nik,
    validate_no_kk,
    validate_npwp,
    validate_upload,
)


class _NormalisedCharField(forms.CharField):
    """A CharField whose ``clean`` returns ``normalise(value)``; bounded input length."""

    input_mode = "numeric"
    max_input_length = 40

    def __init__(self, *, check_region: bool = True, **kwargs):
        self.check_region = check_region
        kwargs.setdefault("max_length", self.max_input_length)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", self.input_mode)
        attrs.setdefault("autocomplete", "off")
        return attrs

    def normalise(self, value: str) -> str:
        """The stored form of a valid value; each identity-number field overrides it."""
        return value.strip()

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        return self.normalise(value)


class NIKField(_NormalisedCharField):
    def normalise(self, value: str) -> str:
        return validate_nik(value, check_region=self.check_region)


class NoKKField(_NormalisedCharField):
    def normalise(self, value: str) -> str:
        return validate_no_kk(value, check_region=self.check_region)


class NPWPField(_NormalisedCharField):
    """Cleans to digits; the raw input stays available as ``form[name].value()``."""

    def normalise(self, value: str) -> str:
        return validate_npwp(value, check_region=self.check_region)


class PhoneField(_NormalisedCharField):
    input_mode = "tel"

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel"}))
        super().__init__(check_region=False, **kwargs)

    def normalise(self, value: str) -> str:
        return normalize_phone(value)


class BirthDateField(forms.DateField):
    """A date of birth: a real day, not in the future (the browser's picker stops at today)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("max", timezone.localdate().isoformat())
        attrs.setdefault("autocomplete", "bday")
        return attrs

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            validate_birth_date(value)


def desa_kelurahan_queryset(*, scope: str, kecamatan=None):
    """Desa/kelurahan a region field offers: the kecamatan's, or the kabupaten/kota's."""
    from paten.regions.constants import RegionLevel
    from paten.regions.models import Region

    from .constants import RegionScope

    if scope == RegionScope.KECAMATAN and kecamatan is not None:
        prefix = kecamatan.code if hasattr(kecamatan, "code") else str(kecamatan)
    else:
        prefix = settings.PATEN_KABUPATEN_KOTA
    return Region.objects.filter(
        level=RegionLevel.DESA_KELURAHAN, code__startswith=f"{prefix}."
    ).order_by("name", "code")


class RegionChoiceField(forms.ModelChoiceField):
    """A desa/kelurahan chooser; cleans to the Kemendagri code (``64.74.01.1001``)."""

    default_error_messages = {
        "invalid_choice": _("Choose a desa/kelurahan from the list."),
    }

    def __init__(self, *, scope: str, kecamatan=None, **kwargs):
        kwargs.setdefault("empty_label", _("— choose —"))
        super().__init__(
            queryset=desa_kelurahan_queryset(scope=scope, kecamatan=kecamatan),
            to_field_name="code",
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return obj.name

    def clean(self, value):
        if isinstance(value, str) and len(value) > 13:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        region = super().clean(value)
        return region.code if region is not None else ""


class DocumentFileField(forms.FileField):
    """An upload for one required document, checked by content and size.

    ``accepted_types`` are service_catalog file-type keys ("pdf", "jpg", "png"); the
    cleaned UploadedFile gets ``paten_file_type`` set to the detected type.
    """

    def __init__(
        self,
        *,
        accepted_types=(),
        max_size_mb: int = 5,
        document_key: str = "",
        **kwargs,
    ):
        self.accepted_types = list(accepted_types or ())
        self.max_size_mb = max_size_mb
        self.document_key = document_key
        kwargs.setdefault("allow_empty_file", True)  # refused below with our own message
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        mime = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
        types = [t for t in self.accepted_types if t in mime] or list(mime)
        attrs.setdefault("accept", ",".join(mime[t] for t in types))
        return attrs

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        uploaded.paten_file_type = validate_upload(
            uploaded, accepted_types=self.accepted_types, max_size_mb=self.max_size_mb
        )
        return uploaded
