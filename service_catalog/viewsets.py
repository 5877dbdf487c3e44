"""Admin viewsets of the catalog's search set-up."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    """Synonyms citizens type (KTP / KTP-el, SKTM / tidak mampu, pindah / mutasi);
    the public search finds a service by any of them."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("Search synonyms")
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]
    ordering = ["terms"]
    copy_view_enabled = False
