from django import template
from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Page, Site

from paten.site.models import SiteSettings
from paten.site.selectors import kecamatan_office, service_hours

register = template.Library()


def _site(context) -> Site | None:
    request = context.get("request")
    return Site.find_for_request(request) if request is not None else None


@register.simple_tag(takes_context=True)
def site_root(context) -> Page | None:
    site = _site(context)
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[Page]:
    """The live, public children of the site's root page marked "show in menus".

    Each page gets ``current``: "page" for the page being shown, "true" for an
    ancestor of it (the values of ``aria-current``), else "".
    """
    site = _site(context)
    if site is None:
        return []
    shown = context.get("page")
    shown_path = getattr(shown, "path", "")
    items = list(site.root_page.get_children().live().public().in_menu().order_by("path"))
    for item in items:
        if item.path == shown_path:
            item.current = "page"
        elif shown_path.startswith(item.path):
            item.current = "true"
        else:
            item.current = ""
    return items


@register.simple_tag(takes_context=True)
def unprefixed_path(context) -> str:
    """The current path without its language prefix."""
    request = context.get("request")
    if request is None:
        return "/"
    path = request.get_full_path()
    language = get_language()
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return path


@register.simple_tag(takes_context=True)
def path_in_language(context, language_code: str) -> str:
    """The current path in another language: unprefixed for the default language,
    ``/<code>/...`` otherwise (``i18n_patterns`` with ``prefix_default_language=False``)."""
    path = unprefixed_path(context)
    if language_code == settings.LANGUAGE_CODE:
        return path
    return f"/{language_code}{path}"


@register.simple_tag(takes_context=True)
def service_hours_for(context, kecamatan=None):
    """The service hours to show (``paten.site.selectors.service_hours``): one
    kecamatan's, or the site's with the offices that differ."""
    request = context.get("request")
    site_settings = SiteSettings.for_request(request) if request is not None else None
    code = getattr(kecamatan, "code", kecamatan) or None
    return service_hours(site_settings=site_settings, kecamatan_code=code)


@register.simple_tag
def office_for(kecamatan):
    """The kecamatan office (address, phone, camat) of a kecamatan, or None."""
    return kecamatan_office(getattr(kecamatan, "code", kecamatan) or None)
