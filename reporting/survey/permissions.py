"""Who may do what with the satisfaction survey (SKM): the role's permission AND a
kecamatan in the user's scope (``kecamatan_scope_for``), asked on every surface."""

from paten.accounts.selectors import kecamatan_scope_for


def user_may_view_responses(user) -> bool:
    """Read the responses (and the IKM panel of the admin home) of some kecamatan."""
    return user.has_perm("reporting.view_surveyresponse") and not kecamatan_scope_for(user).is_empty


def user_may_export_responses(user) -> bool:
    """Download the responses the user may read (the suggestion text stays out)."""
    return user_may_view_responses(user)


def user_may_enter_responses(user) -> bool:
    """Paper entry and import: the add permission and at least one kecamatan in scope."""
    return user.has_perm("reporting.add_surveyresponse") and not kecamatan_scope_for(user).is_empty


def user_may_take_suggestions(user) -> bool:
    """The respondents' free-text suggestions leave the system (in an IKM report or a
    data export) only for those who plan the survey's follow-up: camat and Admin Pemda,
    not every role that may read single responses in the admin."""
    return user.has_perm("reporting.change_followupplan")
