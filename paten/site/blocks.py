"""StreamField blocks for the public pages, kept to what a kecamatan site needs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class LinkBlock(blocks.StructBlock):
    """A highlighted link: either to a page of this site or to another address."""

    title = blocks.CharBlock(label=_("title"), max_length=80)
    description = blocks.TextBlock(label=_("description"), required=False, max_length=200)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("external address"), required=False)

    class Meta:
        icon = "link"
        label = _("link")
        template = "paten_site/blocks/link.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(_("Choose a page or enter an address, not both."))
                ]
            )
        return value


class HighlightsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=80, required=False)
    links = blocks.ListBlock(LinkBlock(), label=_("links"), min_num=1, max_num=12)

    class Meta:
        icon = "list-ul"
        label = _("highlighted links")
        template = "paten_site/blocks/highlights.html"


class ContentStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("heading"), max_length=120, form_classname="title", icon="title"
    )
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"),
        features=["bold", "italic", "ol", "ul", "link", "document-link"],
        icon="pilcrow",
    )
    highlights = HighlightsBlock()

    class Meta:
        template = "paten_site/blocks/stream.html"
