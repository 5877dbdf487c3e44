from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentKind(models.TextChoices):
    UU = "uu", _("Undang-Undang")
    PP = "pp", _("Peraturan Pemerintah")
    PERPRES = "perpres", _("Peraturan Presiden")
    PERMEN = "permen", _("Peraturan Menteri")
    PERDA = "perda", _("Peraturan Daerah")
    PERBUP = "perbup", _("Peraturan Bupati")
    PERWAL = "perwal", _("Peraturan Wali Kota")
    KEPBUP = "kepbup", _("Keputusan Bupati")
    KEPWAL = "kepwal", _("Keputusan Wali Kota")
    KEPCAM = "kepcam", _("Keputusan Camat")
    OTHER = "other", _("Other")


class InstrumentStatus(models.TextChoices):
    IN_FORCE = "berlaku", _("In force")
    REVOKED = "dicabut", _("Revoked")
    AMENDED = "diubah", _("Amended")


class ServiceField(models.TextChoices):
    """PATEN's two service fields (Permendagri 4/2010; docs/domain/paten.md#what-paten-is)."""

    PERIZINAN = "perizinan", _("Licensing (perizinan)")
    NON_PERIZINAN = "non_perizinan", _("Non-licensing (non-perizinan)")


class DocumentForm(models.TextChoices):
    ORIGINAL = "asli", _("Original")
    COPY = "fotokopi", _("Copy")
    ORIGINAL_AND_COPY = "asli_fotokopi", _("Original and copy")
    DIGITAL = "digital", _("Digital file only")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free")
    FIXED = "fixed", _("Fixed amount")
    FORMULA = "formula", _("Formula / retribusi per regulation")


class StepRole(models.TextChoices):
    APPLICANT = "pemohon", _("Applicant")
    FRONT_OFFICE = "loket", _("Front office (loket)")
    BACK_OFFICE = "back_office", _("Back office / technical staff")
    KASI = "kasi", _("Head of section (Kasi)")
    SEKCAM = "sekcam", _("Kecamatan secretary (Sekcam)")
    CAMAT = "camat", _("Camat")
    CASHIER = "kasir", _("Cashier")
    TECHNICAL_TEAM = "tim_teknis", _("Technical team / OPD")


class StepTransition(models.TextChoices):
    """The workflow transition that records a procedure step by itself, so that nobody
    marks it done again (forms_builder.workflow maps each to its edge)."""

    INTAKE = "pendaftaran", _("Registration of the application (online or at the loket)")
    VERIFICATION = "verifikasi", _("The loket finds the file complete and starts processing")
    SIGNATURE = "tanda_tangan", _("The camat signs and issues the document")
    HANDOVER = "penyerahan", _("The loket hands the document over to the applicant")


# Accepted upload types, by content (the form builder checks magic bytes).
FILE_TYPE_CHOICES = [
    ("pdf", "PDF"),
    ("jpg", "JPEG"),
    ("png", "PNG"),
]
