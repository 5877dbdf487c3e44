"""Public site: the home page, plain content pages, the per-site settings and each
kecamatan office's public details (address, service hours, camat).

Main navigation is the live children of the site's root page that have
"show in menus" ticked; ``templatetags/paten_site.py`` reads it. Service hours have one
source: the site settings, which a kecamatan office may override (``selectors.py``).
"""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from paten.regions.constants import RegionLevel

from .blocks import ContentStreamBlock

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HomePage(Page):
    intro = RichTextField(_("introduction"), features=INTRO_FEATURES, blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    # One home page per site, always directly under the tree root.
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    template = "paten_site/home_page.html"

    def get_context(self, request, *args, **kwargs):
        # The services most applied for: forms_builder reads them (it sits above this app).
        from forms_builder.selectors import popular_services

        context = super().get_context(request, *args, **kwargs)
        context["popular_services"] = popular_services()
        return context

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True, max_length=400)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    template = "paten_site/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who runs this site: shown in the header and footer of every public page."""

    pemda_name = models.CharField(
        _("local government name"),
        max_length=120,
        blank=True,
        help_text=_("As it is written officially, e.g. “Pemerintah Kota Bontang”."),
    )
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("e.g. “Pemkot Bontang”.")
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": RegionLevel.KABUPATEN_KOTA},
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    service_hours = models.TextField(
        _("service hours"),
        blank=True,
        help_text=_(
            "The hours of every kecamatan office, one line per group of days, e.g. "
            "“Senin–Kamis 07.30–16.00”. The time zone (WIB/WITA/WIT) is added by itself. "
            "A kecamatan office with other hours sets them on its own page."
        ),
    )
    letter_place = models.CharField(
        _("place on letters"),
        max_length=60,
        blank=True,
        help_text=_("Written before the date above a signature, e.g. “Bontang”."),
    )

    select_related = ["logo", "region"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("pemda_name"), FieldPanel("short_name"), FieldPanel("logo")],
            heading=_("Identity"),
        ),
        FieldPanel("region"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact"),
        ),
        FieldPanel("service_hours"),
        FieldPanel("letter_place"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return self.pemda_name or str(self.site)


nip_validator = RegexValidator(r"^\d{18}$", _("A NIP has 18 digits (write it without spaces)."))


class KecamatanOffice(models.Model):
    """A kecamatan office as citizens and its letters see it.

    Its address goes on the letterhead (kop surat) of the documents it issues, its
    camat on their signature block, and its service hours, when set, replace the site
    settings' hours on the public pages of that kecamatan.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kecamatan = models.OneToOneField(
        "regions.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="office",
        limit_choices_to={"level": RegionLevel.KECAMATAN},
    )
    address = models.TextField(_("office address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    service_hours = models.TextField(
        _("service hours"),
        blank=True,
        help_text=_("Only when this office keeps other hours than the site settings say."),
    )
    camat_name = models.CharField(
        _("camat's name"),
        max_length=120,
        blank=True,
        help_text=_("With academic titles, as it is signed, e.g. “Drs. Ahmad Yani, M.Si.”"),
    )
    camat_nip = models.CharField(
        _("camat's NIP"), max_length=18, blank=True, validators=[nip_validator]
    )
    camat_rank = models.CharField(
        _("camat's rank"),
        max_length=80,
        blank=True,
        help_text=_("Pangkat and golongan, e.g. “Pembina Tingkat I (IV/b)”."),
    )

    panels = [
        FieldPanel("kecamatan"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact"),
        ),
        FieldPanel("service_hours"),
        MultiFieldPanel(
            [FieldPanel("camat_name"), FieldPanel("camat_nip"), FieldPanel("camat_rank")],
            heading=_("Camat (signs the issued documents)"),
        ),
    ]

    class Meta:
        verbose_name = _("kecamatan office")
        verbose_name_plural = _("kecamatan offices")
        ordering = ["kecamatan"]

    def __str__(self) -> str:
        return str(_("Kecamatan %(name)s office") % {"name": self.kecamatan.name})
