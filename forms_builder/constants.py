from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    """Field types of an application form. Wagtail's own keys are kept where they exist
    so ``FormBuilder.create_<type>_field`` applies; the rest are ours."""

    # The applicant's own name, phone and email: a form with such a field does not ask
    # them again in "About you" (the first field of the type is the applicant's).
    APPLICANT_NAME = "applicant_name", _("Applicant's full name")
    SINGLELINE = "singleline", _("Short text")
    MULTILINE = "multiline", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BIRTH_DATE = "birth_date", _("Date of birth")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Indonesian phone number")
    DROPDOWN = "dropdown", _("Choice (dropdown)")
    RADIO = "radio", _("Choice (radio buttons)")
    CHECKBOXES = "checkboxes", _("Choice (checkboxes)")
    CHECKBOX = "checkbox", _("Checkbox")
    NIK = "nik", _("NIK")
    NO_KK = "no_kk", _("No. KK")
    NPWP = "npwp", _("NPWP")
    REGION = "region", _("Desa/kelurahan")
    FILE = "file", _("File upload")


# Which fields hold personal data is a mark of each field (personal_data.py).


class RegionScope(models.TextChoices):
    KECAMATAN = "kecamatan", _("Desa/kelurahan of the chosen kecamatan")
    KABUPATEN = "kabupaten", _("Any desa/kelurahan of the kabupaten/kota")


# Groups of states the work queue's state filter offers besides the states themselves
# (the numbers of the admin home link to them).
QUEUE_OPEN = "belum-selesai"
QUEUE_WAITING = "giliran-saya"


# Field types whose first field gives the applicant's name, phone and email.
APPLICANT_FIELD_TYPES = {
    "name": FieldType.APPLICANT_NAME,
    "phone": FieldType.PHONE,
    "email": FieldType.EMAIL,
}
