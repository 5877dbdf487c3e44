"""Paging of the staff lists: ``?p=`` picks the page, and the list's other query
parameters (its filters) stay on the page links (``paten/admin/pagination.html``)."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

#: The query parameter of the page number.
PAGE_PARAM = "p"


def admin_page(request: HttpRequest, items, per_page: int, *, first: bool = False) -> Page:
    """The page of ``items`` the request asks for (the first with ``first``, e.g. after a
    search was posted); a page number out of range gives the last page."""
    return Paginator(items, per_page).get_page(None if first else request.GET.get(PAGE_PARAM))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without the page number, for the page links."""
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    return query.urlencode()
