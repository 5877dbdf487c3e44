"""Choices of the satisfaction survey (SKM), PermenPAN-RB 14/2017 (docs/domain/skm-ikm.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.survey.ikm import UNSUR, UNSUR_KEYS

#: Column of ``SurveyResponse`` holding the answer for each unsur key.
ANSWER_FIELDS: dict[str, str] = {key: f"u_{key}" for key in UNSUR_KEYS}

UNSUR_CHOICES = [
    (key, f"U{UNSUR[key].questionnaire_number} {UNSUR[key].name}") for key in UNSUR_KEYS
]

# Default question wording and the four answer labels per unsur (value 1 = worst,
# 4 = best), reproduced from the standard questionnaire (docs/domain/skm-ikm.md, the nine unsur). Admins may
# edit them; every response keeps the version it was answered on.
DEFAULT_QUESTIONS: dict[str, tuple[str, tuple[str, str, str, str]]] = {
    "persyaratan": (
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
        "pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    "prosedur": (
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    "waktu": (
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    "biaya": (
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    "produk": (
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
        "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    "kompetensi": (
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    "perilaku": (
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
        "kesopanan dan keramahan?",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
    ),
    "sarana": (
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat Baik"),
    ),
    "pengaduan": (
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
    ),
}


class SurveyChannel(models.TextChoices):
    TRACKING = "pelacakan", _("Online, by tracking code")
    KIOSK = "kios", _("Kiosk at the kecamatan office")
    PAPER = "kertas", _("Paper questionnaire, entered by staff")
    IMPORT = "impor", _("Paper questionnaire, imported from a file")


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Education(models.TextChoices):
    # docs/domain/skm-ikm.md, respondent profile: SD (ke bawah), SMP, SMA, D1–D3–D4, S1, S2, S3.
    SD = "sd", _("Primary school or below (SD)")
    SMP = "smp", _("Junior high school (SMP)")
    SMA = "sma", _("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    S1 = "s1", _("Bachelor (S1)")
    S2 = "s2", _("Master (S2)")
    S3 = "s3", _("Doctorate (S3)")


class Occupation(models.TextChoices):
    PNS = "pns", _("Civil servant (PNS)")
    TNI = "tni", _("Armed forces (TNI)")
    POLRI = "polri", _("Police (POLRI)")
    SWASTA = "swasta", _("Private employee")
    WIRAUSAHA = "wirausaha", _("Self-employed")
    LAINNYA = "lainnya", _("Other")


#: Age groups used to present the respondent profile (docs/domain/skm-ikm.md, respondent profile: "reports group it").
AGE_GROUPS: tuple[tuple[int, int | None, str], ...] = (
    (0, 19, "< 20"),
    (20, 30, "20–30"),
    (31, 40, "31–40"),
    (41, 50, "41–50"),
    (51, 60, "51–60"),
    (61, None, "> 60"),
)
MIN_AGE = 15
MAX_AGE = 110


class PeriodKind(models.TextChoices):
    QUARTER = "triwulan", _("Quarter (triwulan)")
    SEMESTER = "semester", _("Semester")
    YEAR = "tahun", _("Year")
    CUSTOM = "khusus", _("Custom dates")


class FollowUpStatus(models.TextChoices):
    PLANNED = "rencana", _("Planned")
    IN_PROGRESS = "berjalan", _("In progress")
    DONE = "selesai", _("Done")
