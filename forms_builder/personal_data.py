"""Which form fields hold personal data, and how a personal value reads masked.

Personal data is a property of the field, not of its type: every form field carries a
"data pribadi" mark (``FormField.personal``) that the admin ticks; the published
``FormVersion`` schema keeps it (``spec["personal"]``). Everything downstream — the
staff application detail, exports, reports, public pages — asks ``spec_is_personal``.

A new field is marked when its type is an identity number, a date of birth, a phone or
an e-mail, or when its key or label names a person (name, birth, address, heirs, the
deceased, proxies, contact): ``field_is_personal_by_default``. Identity numbers (NIK,
No. KK, NPWP) are always personal; the admin may untick any other field.
UU 27/2022 (Pelindungan Data Pribadi) Pasal 4: names, identity numbers, birth data,
addresses and contact details are personal data (docs/domain/personal-data.md).
"""

import re

from .constants import FieldType

#: Identity numbers: personal whatever the admin ticks.
ALWAYS_PERSONAL_TYPES = frozenset({FieldType.NIK, FieldType.NO_KK, FieldType.NPWP})
#: Field types marked personal when a field is created.
PERSONAL_FIELD_TYPES = frozenset(
    {
        *ALWAYS_PERSONAL_TYPES,
        FieldType.APPLICANT_NAME,
        FieldType.BIRTH_DATE,
        FieldType.PHONE,
        FieldType.EMAIL,
    }
)
#: Words of a key or label that name a person's data (Indonesian and English).
PERSONAL_WORDS = frozenset(
    {
        "lahir",
        "alamat",
        "domisili",
        "waris",
        "pewaris",
        "almarhum",
        "almarhumah",
        "kuasa",
        "telepon",
        "telp",
        "hp",
        "whatsapp",
        "email",
        "surel",
        "nik",
        "kk",
        "npwp",
        "ktp",
        "birth",
        "address",
        "phone",
        "heir",
        "heirs",
        "deceased",
        "proxy",
    }
)
#: "nama ..." names a person unless one of these words says it names a thing.
NOT_A_PERSON = frozenset(
    {
        "usaha",
        "acara",
        "kegiatan",
        "perusahaan",
        "organisasi",
        "instansi",
        "sekolah",
        "lembaga",
        "toko",
        "jalan",
        "produk",
        "merek",
        "badan",
        "koperasi",
        "yayasan",
        "kelompok",
        "business",
        "company",
        "event",
    }
)
NAME_WORDS = frozenset({"nama", "name"})

MASK = "*"


def _words(*texts: str) -> set[str]:
    return {word for text in texts for word in re.split(r"[^a-z0-9]+", (text or "").lower())}


def field_is_personal_by_default(*, field_type: str, key: str = "", label: str = "") -> bool:
    """Whether a new field of this type, key and label holds personal data."""
    if field_type in PERSONAL_FIELD_TYPES:
        return True
    words = _words(key, label)
    if words & PERSONAL_WORDS:
        return True
    return bool(words & NAME_WORDS) and not words & NOT_A_PERSON


def spec_is_personal(spec: dict) -> bool:
    """Whether a FormVersion schema entry holds personal data.

    Versions published before the mark existed are judged as a new field would be.
    """
    field_type = spec.get("type", "")
    if field_type in ALWAYS_PERSONAL_TYPES:
        return True
    if "personal" in spec:
        return bool(spec["personal"])
    return field_is_personal_by_default(
        field_type=field_type, key=spec.get("key", ""), label=spec.get("label", "")
    )


def personal_keys(schema) -> set[str]:
    """The keys of a schema's personal fields."""
    return {spec.get("key") for spec in schema if spec.get("key") and spec_is_personal(spec)}


# -- masking --------------------------------------------------------------------------


def mask_number(value) -> str:
    """``6474011203900001`` → ``647401********01``: the area code and the last two digits.

    The first six digits of a NIK or No. KK name the kecamatan only; digits 7–12 (the
    birth or issue date) and the serial identify the person, so they are hidden.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) < 12:
        return MASK * max(4, len(text))
    return text[:6] + MASK * (len(text) - 8) + text[-2:]


def mask_phone(value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    return MASK * max(4, len(text) - 2) + text[-2:]


def mask_email(value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    local, at, domain = text.partition("@")
    return f"{local[:1]}{MASK * 3}{at}{domain}"


def mask_name(value) -> str:
    """Initials only: ``Siti Rahmawati`` → ``S. R.``."""
    return " ".join(f"{part[0].upper()}." for part in str(value or "").split()[:3])


def mask_text(value) -> str:
    """Any other personal value (a name in the form data, a birth place or date, an
    address, heirs): nothing of it, not even its length."""
    return MASK * 3 if str(value if value is not None else "").strip() else ""


MASKERS = {
    FieldType.NIK: mask_number,
    FieldType.NO_KK: mask_number,
    FieldType.NPWP: mask_number,
    FieldType.PHONE: mask_phone,
    FieldType.EMAIL: mask_email,
}


def mask_value(value, *, field_type: str = "") -> str:
    """A personal value as it reads masked (by its field type)."""
    return MASKERS.get(field_type, mask_text)(value)
