"""Who may do what in the service catalog.

Access is the role's permission AND the kecamatan scope
(``paten.accounts.selectors.kecamatan_scope_for``).
"""

from django.db.models import QuerySet
from wagtail.permission_policies.pages import PagePermissionPolicy

from paten.accounts.selectors import KecamatanScope, kecamatan_scope_for
from paten.permissions import user_may_import_rows

from .resources import RESOURCE_BY_SHEET

# Sheets whose rows are service pages (or their inline lists).
PAGE_SHEETS = ("layanan", "persyaratan", "prosedur")


def maklumat_scope(scope: KecamatanScope, queryset: QuerySet) -> QuerySet:
    """The maklumat a user may see, given their kecamatan scope: their kecamatan's own
    (every one for pemda-wide staff). The role's permission on ``Maklumat`` is asked by
    the admin views and Wagtail's permission policy; this is the scope underneath, for
    every surface (list, edit, history, usage, chooser, editing sessions, site history)."""
    return scope.filter(queryset, field="kecamatan")


def sheet_model(sheet: str):
    """The model whose rows the catalog sheet ``sheet`` holds."""
    return RESOURCE_BY_SHEET[sheet]._meta.model


def _page_permission(user, permissions: set[str]) -> bool:
    return PagePermissionPolicy().user_has_any_permission(user, permissions)


def user_may_import_catalog_sheet(user, sheet: str) -> bool:
    """Imports change the whole catalog: pemda-wide users only.

    Service sheets need the page publish permission (Admin Pemda), although what
    they import waits for another approver; the other sheets need add and change
    on their model.
    """
    if not kecamatan_scope_for(user).is_pemda_wide:
        return False
    if sheet in PAGE_SHEETS:
        return _page_permission(user, {"publish"})
    return user_may_import_rows(user, model=sheet_model(sheet))


def user_may_export_catalog_sheet(user, sheet: str) -> bool:
    """Exports show what the user may see in the admin: view or change on the sheet's rows."""
    if sheet in PAGE_SHEETS:
        return _page_permission(user, {"add", "change", "publish"})
    opts = sheet_model(sheet)._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
