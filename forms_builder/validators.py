"""Validation of Indonesian identity numbers, phone numbers and uploaded files.

Plain functions that normalise a value or raise ``ValidationError`` with a clear
message (English msgid, Indonesian in ``locale/id``). The rules for NIK, No. KK and
NPWP (PMK 112/2022) are described in docs/domain/identity-numbers.md; region prefixes are
Kemendagri codes (Kepmendagri 300.2.2-2138/2025, same file).
Form fields in ``fields.py`` wrap them.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-/]")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")

# Magic bytes of the file types a required document may accept (service_catalog's
# FILE_TYPE_CHOICES); the extension is never trusted.
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
FILE_TYPE_LABELS = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG"}
FILE_TYPE_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
SNIFF_BYTES = 8


def digits_only(value: str, *, pattern: re.Pattern = _SEPARATORS) -> str:
    """Strip spaces, dots, dashes and slashes; the result may still hold non-digits."""
    return pattern.sub("", str(value or ""))


def _today() -> datetime.date:
    return timezone.localdate()


def _two_digit_year(yy: int, today: datetime.date) -> int:
    # A year above this year's two digits is last century: in 2026, 27 -> 1927, 26 -> 2026.
    return 1900 + yy if yy > today.year % 100 else 2000 + yy


def _date_from_parts(dd: int, mm: int, yy: int, today: datetime.date) -> datetime.date | None:
    try:
        return datetime.date(_two_digit_year(yy, today), mm, dd)
    except ValueError:
        return None


def kecamatan_code_from(digits: str) -> str:
    """``640101…`` -> ``64.01.01``: the Kemendagri kecamatan code of a NIK or No. KK."""
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"


def kecamatan_exists(code: str) -> bool:
    from paten.regions.constants import RegionLevel
    from paten.regions.models import Region

    return Region.objects.filter(code=code, level=RegionLevel.KECAMATAN).exists()


@dataclass(frozen=True)
class NikInfo:
    nik: str
    kecamatan_code: str
    birth_date: datetime.date
    female: bool


def _check_sixteen(digits: str, *, label: str) -> None:
    if digits and not (digits.isdigit() and digits.isascii()):
        raise ValidationError(
            _("%(label)s may contain digits only."), code="digits", params={"label": label}
        )
    if len(digits) != 16:
        raise ValidationError(
            _("%(label)s must be exactly 16 digits; you entered %(count)d."),
            code="length",
            params={"label": label, "count": len(digits)},
        )


def _check_area(digits: str, *, label: str, check_region: bool) -> str:
    code = kecamatan_code_from(digits)
    if check_region and not kecamatan_exists(code):
        raise ValidationError(
            _(
                "The first six digits of the %(label)s (%(code)s) are not a known "
                "kecamatan code. Check the number on the card."
            ),
            code="region",
            params={"label": label, "code": code},
        )
    return code


def _check_serial(digits: str, *, label: str) -> None:
    if digits[12:16] == "0000":
        raise ValidationError(
            _("The last four digits of the %(label)s cannot be 0000."),
            code="serial",
            params={"label": label},
        )


def _check_date_part(
    day: datetime.date | None, *, digits: str, today: datetime.date, not_a_date, in_future
) -> None:
    """Digits 7–12 must be a real date (``day``, None if not) that has already come."""
    if day is None:
        raise ValidationError(not_a_date, code="date", params={"part": digits[6:12]})
    if day > today:
        raise ValidationError(in_future, code="future", params={"date": day.strftime("%d-%m-%Y")})


def nik_parse(
    value: str, *, check_region: bool = True, today: datetime.date | None = None
) -> NikInfo:
    """Validate a NIK (docs/domain/identity-numbers.md#nik-nomor-induk-kependudukan).

    Returns its parts; raises ValidationError.

    16 digits; PP.KK.SS a kecamatan in the region table (one query, skipped with
    ``check_region=False``); DDMMYY a real birth date, day + 40 for women, not in the
    future; serial from 0001. Never compares the area with the current address.
    """
    today = today or _today()
    digits = digits_only(value)
    label = "NIK"
    _check_sixteen(digits, label=label)
    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    female = dd > 40
    day = dd - 40 if female else dd
    birth = _date_from_parts(day, mm, yy, today) if 1 <= day <= 31 else None
    _check_date_part(
        birth,
        digits=digits,
        today=today,
        not_a_date=_(
            "Digits 7–12 of the NIK (%(part)s) are not a real date of birth "
            "(day 01–31, or 41–71 for women; month 01–12)."
        ),
        in_future=_("The date of birth in the NIK (%(date)s) is in the future."),
    )
    _check_serial(digits, label=label)
    code = _check_area(digits, label=label, check_region=check_region)
    return NikInfo(nik=digits, kecamatan_code=code, birth_date=birth, female=female)


def validate_birth_date(value: datetime.date, *, today: datetime.date | None = None) -> None:
    """A date of birth is a day that has already come (the installation's local date)."""
    today = today or _today()
    if value > today:
        raise ValidationError(
            _("The date of birth (%(date)s) cannot be in the future."),
            code="future",
            params={"date": value.strftime("%d-%m-%Y")},
        )


def validate_nik(value: str, *, check_region: bool = True) -> str:
    """The NIK as 16 digits, or ValidationError."""
    return nik_parse(value, check_region=check_region).nik


def validate_no_kk(
    value: str, *, check_region: bool = True, today: datetime.date | None = None
) -> str:
    """Validate a No. KK (docs/domain/identity-numbers.md#no-kk-nomor-kartu-keluarga).

    Returns its 16 digits.

    ``pp.DDSS.ddmmyy.ssss``: area prefix a kecamatan, ddmmyy the real (not future)
    date the card data was entered (no +40 rule), serial from 0001.
    """
    today = today or _today()
    digits = digits_only(value)
    label = "No. KK"
    _check_sixteen(digits, label=label)
    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    issued = _date_from_parts(dd, mm, yy, today)
    _check_date_part(
        issued,
        digits=digits,
        today=today,
        not_a_date=_("Digits 7–12 of the No. KK (%(part)s) are not a real date (ddmmyy)."),
        in_future=_("The date in the No. KK (%(date)s) is in the future."),
    )
    _check_serial(digits, label=label)
    _check_area(digits, label=label, check_region=check_region)
    return digits


def validate_npwp(value: str, *, check_region: bool = True) -> str:
    """Validate an NPWP (PMK 112/2022; docs/domain/identity-numbers.md#npwp-tax-number).

    Returns its digits.

    Accepts the legacy 15 digits (``XX.XXX.XXX.X-XXX.XXX``), 16 digits as ``0`` + the
    legacy number, or a NIK used as NPWP (PMK 112/2022), which must be a valid NIK.
    The caller keeps the original input if it needs it (``form[key].value()``).
    """
    digits = digits_only(value)
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(
            _("The NPWP may contain digits, dots and dashes only."), code="digits"
        )
    if len(digits) == 15 or (len(digits) == 16 and digits.startswith("0")):
        if set(digits) == {"0"}:
            raise ValidationError(_("This is not a valid NPWP."), code="zero")
        return digits
    if len(digits) == 16:
        try:
            nik_parse(digits, check_region=check_region)
        except ValidationError as exc:
            raise ValidationError(
                _("A 16-digit NPWP must be a valid NIK or start with 0. %(reason)s"),
                code="nik",
                params={"reason": " ".join(exc.messages)},
            ) from exc
        return digits
    raise ValidationError(
        _("The NPWP must have 15 or 16 digits; you entered %(count)d."),
        code="length",
        params={"count": len(digits)},
    )


def normalize_phone(value: str) -> str:
    """An Indonesian mobile number as ``+628…``, or ValidationError.

    Accepts ``08…``, ``+628…`` and ``628…`` with spaces, dots, dashes or brackets;
    9–13 digits after the country code, starting with 8 (mobile). Landlines
    (``021…``) and anything else are refused: notifications go by SMS/WhatsApp.
    """
    raw = digits_only(value, pattern=_PHONE_SEPARATORS)
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("62"):
            raise ValidationError(_("Enter an Indonesian number: +62 or 08…"), code="country")
    if not raw.isdigit() or not raw.isascii():
        raise ValidationError(
            _("A phone number may contain digits, spaces and dashes only."), code="digits"
        )
    if raw.startswith("62"):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        raise ValidationError(
            _("Start the phone number with 08 or +62, e.g. 0812 3456 7890."), code="prefix"
        )
    if not national.startswith("8"):
        raise ValidationError(
            _("Enter a mobile number (08…); landline numbers cannot receive messages."),
            code="mobile",
        )
    if not 9 <= len(national) <= 13:
        raise ValidationError(
            _("A mobile number has 10–14 digits starting with 08; you entered %(count)d."),
            code="length",
            params={"count": len(national) + 1},
        )
    return f"+62{national}"


def sniff_file_type(head: bytes) -> str | None:
    """The file type ("pdf", "jpg", "png") recognised from the first bytes, or None."""
    for file_type, signatures in FILE_SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return file_type
    return None


def content_type_for(file_type: str | None) -> str:
    """The MIME type of a sniffed file type; unknown content is plain bytes."""
    return FILE_TYPE_CONTENT_TYPES.get(file_type or "", "application/octet-stream")


def extension_for(content_type: str) -> str:
    """``.pdf``/``.jpg``/``.png`` for a detected type, ``.bin`` for anything else.

    Stored and downloaded files get this extension, never the uploader's: a file
    named ``ktp.html`` or ``ktp.exe`` holding a PDF is saved and served as ``.pdf``.
    """
    for file_type, known in FILE_TYPE_CONTENT_TYPES.items():
        if content_type == known:
            return f".{file_type}"
    return ".bin"


def validate_upload(uploaded, *, accepted_types, max_size_mb: int, labels=None, detect=None) -> str:
    """Check an uploaded file by its content and size; return the detected type.

    The type comes from the magic bytes, never the name: an ``.exe`` renamed ``.pdf``
    is refused. Empty files and files over ``max_size_mb`` are refused. A caller that
    accepts more types than the signatures here passes their ``labels`` and a
    ``detect(head, uploaded)`` that recognises them.
    """
    labels = labels or FILE_TYPE_LABELS
    accepted = [t for t in (accepted_types or ()) if t in labels] or list(FILE_SIGNATURES)
    allowed_label = ", ".join(labels[t] for t in accepted)
    size = getattr(uploaded, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("The file is too large (%(size).1f MB); the limit is %(limit)d MB."),
            code="size",
            params={"size": size / (1024 * 1024), "limit": max_size_mb},
        )
    try:
        uploaded.seek(0)
        head = uploaded.read(SNIFF_BYTES) or b""
        uploaded.seek(0)
    except (OSError, ValueError) as exc:
        raise ValidationError(_("The file could not be read."), code="unreadable") from exc
    detected = detect(head, uploaded) if detect else sniff_file_type(head)
    if detected not in accepted:
        raise ValidationError(
            _("The file's content is not an accepted type. Upload %(types)s."),
            code="type",
            params={"types": allowed_label},
        )
    return detected


CHOICE_TYPES = frozenset({"dropdown", "radio", "checkboxes"})


def _split_choices(value: str) -> list[str]:
    from wagtail.contrib.forms.forms import _split_by_newline_or_comma

    return [c for c in _split_by_newline_or_comma(value or "") if c]


def form_schema_errors(*, specs: list[dict], document_keys) -> list[tuple[str, str, str]]:
    """Problems of a whole form definition, as ``(field key, attribute, message)``.

    The attribute names the ``FormField`` attribute to show the message on.

    ``specs`` are ``FormField.as_spec()`` dicts in order; ``document_keys`` are the keys
    of the service's required documents (a ``{key: name}`` mapping names them in the
    messages). Checks: unique keys, choices for choice
    types, conditions naming another existing field without cycles, file fields bound
    to an existing required document, at most one file field per document.
    """
    errors: list[tuple[str, str, str]] = []
    names = dict(document_keys) if isinstance(document_keys, dict) else {}
    document_keys = set(document_keys)
    by_key: dict[str, dict] = {}
    for spec in specs:
        key = spec.get("key") or ""
        if key in by_key:
            errors.append((key, "key", _("The key “%(key)s” is used twice.") % {"key": key}))
        by_key.setdefault(key, spec)
    seen_documents: set[str] = set()
    for spec in specs:
        key = spec.get("key") or ""
        label = spec.get("label") or key
        if spec.get("type") in CHOICE_TYPES and not _split_choices(spec.get("choices")):
            errors.append(
                (key, "choices", _("The field “%(label)s” needs its choices.") % {"label": label})
            )
        if spec.get("type") == "file":
            doc = spec.get("required_document_key") or ""
            if doc not in document_keys:
                errors.append(
                    (
                        key,
                        "required_document_key",
                        _(
                            "The file field “%(label)s” must name a required document of "
                            "this service (one of: %(keys)s)."
                        )
                        % {
                            "label": label,
                            "keys": ", ".join(sorted(names.get(k, k) for k in document_keys))
                            or "-",
                        },
                    )
                )
            elif doc in seen_documents:
                errors.append(
                    (
                        key,
                        "required_document_key",
                        _("The document “%(doc)s” already has a file field.")
                        % {"doc": names.get(doc, doc)},
                    )
                )
            seen_documents.add(doc)
        condition = spec.get("condition") or None
        if condition:
            target = by_key.get(condition.get("field"))
            if target is None:
                errors.append(
                    (
                        key,
                        "condition_field",
                        _("The field “%(label)s” depends on an unknown field “%(other)s”.")
                        % {"label": label, "other": condition.get("field")},
                    )
                )
            elif target.get("type") == "file":
                errors.append(
                    (
                        key,
                        "condition_field",
                        _("A field cannot depend on a file upload (“%(label)s”).")
                        % {"label": label},
                    )
                )
    # Cycles: follow each field's condition chain.
    for spec in specs:
        key = spec.get("key") or ""
        chain = [key]
        current = spec
        while (condition := current.get("condition")) and condition.get("field") in by_key:
            nxt = condition["field"]
            if nxt in chain:
                if nxt == key:
                    errors.append(
                        (
                            key,
                            "condition_field",
                            _("The conditions form a loop: %(chain)s.")
                            % {"chain": " → ".join([*chain, nxt])},
                        )
                    )
                break
            chain.append(nxt)
            current = by_key[nxt]
    return errors
