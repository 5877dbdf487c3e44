"""Public site: the home page, plain content pages and the per-site settings.

Main navigation is the live children of the site's root page that have
"show in menus" ticked; ``templatetags/paten_site.py`` reads it.
"""

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
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return self.pemda_name or str(self.site)
