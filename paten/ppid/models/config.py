"""What the PPID configures in the admin: the structure and deadlines, exception grounds,
topical categories, letter templates, the annual report's narrative, number sequences.

Deadlines default to the statute's maxima and may only be set shorter, never longer
(UU 14/2008 Pasal 22 ayat (7) and (8), Pasal 36 ayat (2); ``docs/domain/ppid.md``).
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from paten.regions.constants import RegionLevel

from ..constants import ReportPeriod, TemplateKind

KECAMATAN_ONLY = {"level": RegionLevel.KECAMATAN}

# The statute's maxima (UU 14/2008; docs/domain/ppid.md).
NOTICE_DAYS_MAX = 10  # Pasal 22 ayat (7): written notice within 10 working days
EXTENSION_DAYS_MAX = 7  # Pasal 22 ayat (8): one extension of at most 7 working days
OBJECTION_FILING_DAYS = 30  # Pasal 36 ayat (1): objection within 30 working days
OBJECTION_ANSWER_DAYS_MAX = 30  # Pasal 36 ayat (2): answer within 30 working days
DISPUTE_FILING_DAYS = 14  # Pasal 37 ayat (2): to the Komisi Informasi within 14 working days
PERIODIC_UPDATE_MONTHS_MAX = 6  # Pasal 9 ayat (4): periodic information at least every 6 months


@register_setting(icon="info-circle")
class PpidSettings(BaseGenericSetting):
    """The PPID structure of this installation and the deadlines it works to."""

    atasan_name = models.CharField(_("name of the atasan PPID"), max_length=150, blank=True)
    atasan_position = models.CharField(
        _("position of the atasan PPID"),
        max_length=150,
        default="Sekretaris Daerah",
        help_text=_("Answers objections. Give the accounts the role “Atasan PPID”."),
    )
    utama_name = models.CharField(_("name of the PPID utama"), max_length=150, blank=True)
    utama_position = models.CharField(
        _("position of the PPID utama"),
        max_length=150,
        default="Kepala Dinas Komunikasi dan Informatika",
    )
    utama_unit = models.CharField(
        _("unit of the PPID utama"),
        max_length=150,
        default="PPID Utama",
        help_text=_("Shown as the unit holding pemda-level information."),
    )
    address = models.TextField(_("PPID office address"), blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("written notice within (working days)"),
        default=NOTICE_DAYS_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(NOTICE_DAYS_MAX)],
        help_text=_("At most 10 working days (UU 14/2008 Pasal 22 ayat 7)."),
    )
    extension_days_max = models.PositiveSmallIntegerField(
        _("longest extension (working days)"),
        default=EXTENSION_DAYS_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(EXTENSION_DAYS_MAX)],
        help_text=_("At most 7 working days, once (UU 14/2008 Pasal 22 ayat 8)."),
    )
    objection_answer_days = models.PositiveSmallIntegerField(
        _("objection answered within (working days)"),
        default=OBJECTION_ANSWER_DAYS_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(OBJECTION_ANSWER_DAYS_MAX)],
        help_text=_("At most 30 working days (UU 14/2008 Pasal 36 ayat 2)."),
    )
    periodic_update_months = models.PositiveSmallIntegerField(
        _("periodic information updated every (months)"),
        default=PERIODIC_UPDATE_MONTHS_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(PERIODIC_UPDATE_MONTHS_MAX)],
        help_text=_("At least every 6 months (UU 14/2008 Pasal 9 ayat 4)."),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("“due soon” from (working days before the deadline)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    email_requesters = models.BooleanField(
        _("e-mail the requester each written notice"),
        default=True,
        help_text=_("Sent to the address the requester gave, with the tracking code only."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("atasan_name"), FieldPanel("atasan_position")]),
                FieldRowPanel([FieldPanel("utama_name"), FieldPanel("utama_position")]),
                FieldPanel("utama_unit"),
                FieldPanel("address"),
            ],
            heading=_("Structure"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("notice_days"), FieldPanel("extension_days_max")]),
                FieldRowPanel(
                    [FieldPanel("objection_answer_days"), FieldPanel("periodic_update_months")]
                ),
                FieldPanel("due_soon_days"),
            ],
            heading=_("Deadlines"),
        ),
        FieldPanel("email_requesters"),
    ]

    class Meta:
        verbose_name = _("PPID settings")
        verbose_name_plural = _("PPID settings")


class ExceptionGround(models.Model):
    """A ground on which information is exempt (UU 14/2008 Pasal 17), with its article."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    article = models.CharField(
        _("article"), max_length=120, help_text=_("e.g. UU 14/2008 Pasal 17 huruf h")
    )
    name = models.CharField(_("ground"), max_length=200)
    description = models.TextField(_("what it covers"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered for new decisions"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("article"), FieldPanel("sort_order")]),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("exception ground")
        verbose_name_plural = _("exception grounds")
        ordering = ["sort_order", "article"]

    def __str__(self) -> str:
        return f"{self.article}: {self.name}"


class DipCategory(models.Model):
    """A topic grouping DIP entries on the public pages (e.g. “Keuangan”)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("address name"), max_length=140, unique=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("information category")
        verbose_name_plural = _("information categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The address name follows the name; nobody types a technical key.
        if not self.slug:
            base = slugify(self.name)[:120] or "kategori"
            slug, n = base, 1
            while DipCategory.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)


TEMPLATE_PLACEHOLDERS = (
    "{{ nomor_registrasi }}, {{ tanggal_permohonan }}, {{ nama_pemohon }}, "
    "{{ informasi_diminta }}, {{ tujuan }}, {{ keputusan }}, {{ catatan }}, "
    "{{ bagian_dikecualikan }}, {{ dasar_pengecualian }}, {{ tempat_informasi }}, "
    "{{ batas_waktu }}, {{ alasan_perpanjangan }}, {{ tanggal_surat }}, {{ unit }}, "
    "{{ nomor_keberatan }}, {{ alasan_keberatan }}, {{ tanggapan }}, "
    "{{ batas_sengketa }}, {{ pejabat }}, {{ jabatan }}"
)


class ResponseTemplate(models.Model):
    """The text of one kind of letter; the PDF and the e-mail are made from it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("letter"), max_length=24, choices=TemplateKind.choices, unique=True)
    title = models.CharField(_("letter title"), max_length=200)
    body = models.TextField(
        _("letter text"),
        help_text=format_lazy(
            "{} {}.", _("Blank lines separate paragraphs. Placeholders:"), TEMPLATE_PLACEHOLDERS
        ),
    )
    email_subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    email_body = models.TextField(
        _("e-mail text"),
        blank=True,
        help_text=_(
            "Sent with the tracking code; never attach personal data. Same placeholders "
            "as the letter, plus {{ kode_lacak }} and {{ alamat_pelacak }}."
        ),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("email_subject"),
        FieldPanel("email_body"),
    ]

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ReportNarrative(models.Model):
    """The written parts of the PPID report of one year or semester, for one unit.

    The computed parts (requests, times, outcomes, objections, disputes) come from the
    records; these are the parts only the PPID can write (the minimum contents of the
    laporan layanan informasi publik, ``docs/domain/ppid.md``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2008), MaxValueValidator(2100)]
    )
    period = models.CharField(
        _("period"), max_length=12, choices=ReportPeriod.choices, default=ReportPeriod.YEAR
    )
    kecamatan = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=KECAMATAN_ONLY,
        related_name="+",
        help_text=_("Empty: the report of the whole pemda (PPID utama)."),
    )
    policy = models.TextField(_("information service policy"), blank=True)
    facilities = models.TextField(_("facilities and their condition"), blank=True)
    human_resources = models.TextField(_("staff and their qualifications"), blank=True)
    budget = models.TextField(_("budget and its use"), blank=True)
    objection_follow_up = models.TextField(
        _("implementation of objection answers and dispute rulings"), blank=True
    )
    external_obstacles = models.TextField(_("external obstacles"), blank=True)
    internal_obstacles = models.TextField(_("internal obstacles"), blank=True)
    recommendations = models.TextField(_("recommendations and follow-up plan"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("period"), FieldPanel("kecamatan")]),
        MultiFieldPanel(
            [
                FieldPanel("policy"),
                FieldPanel("facilities"),
                FieldPanel("human_resources"),
                FieldPanel("budget"),
            ],
            heading=_("1. Information service policy"),
        ),
        FieldPanel("objection_follow_up", heading=_("3. Dispute settlement")),
        MultiFieldPanel(
            [FieldPanel("external_obstacles"), FieldPanel("internal_obstacles")],
            heading=_("4. Obstacles"),
        ),
        FieldPanel("recommendations", heading=_("5. Recommendations and follow-up")),
    ]

    class Meta:
        verbose_name = _("PPID report narrative")
        verbose_name_plural = _("PPID report narratives")
        ordering = ["-year", "period", "kecamatan"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "period", "kecamatan"], name="ppid_narrative_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["year", "period"],
                condition=models.Q(kecamatan__isnull=True),
                name="ppid_narrative_unique_pemda",
                violation_error_message=_(
                    "The pemda already has a narrative for this year and period."
                ),
            ),
        ]

    def __str__(self) -> str:
        unit = self.kecamatan.name if self.kecamatan_id else _("Pemda")
        return f"{self.year} {self.get_period_display()} — {unit}"


class NumberSequence(models.Model):
    """The last number given per kind (DIP, request, objection, test), unit and year."""

    kind = models.CharField(max_length=16)
    unit = models.CharField(max_length=13, blank=True)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "year"], name="ppid_number_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.unit or '-'}/{self.year}: {self.last_value}"
