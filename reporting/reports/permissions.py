"""Who may request report runs, browse the archive and download report files: the
role's permission AND a kecamatan in the user's scope (``kecamatan_scope_for``); which
runs and files are then shown is scoped again (``reporting.reports.selectors``)."""

from paten.accounts.selectors import kecamatan_scope_for


def user_may_request_reports(user) -> bool:
    return user.has_perm("reporting.add_reportrun") and not kecamatan_scope_for(user).is_empty


def user_may_view_reports(user) -> bool:
    return user.has_perm("reporting.view_reportrun") and not kecamatan_scope_for(user).is_empty


def user_may_download_reports(user) -> bool:
    return user.has_perm("reporting.view_reportoutput") and user_may_view_reports(user)
