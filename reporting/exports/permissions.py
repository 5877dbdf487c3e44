"""Who may export which dataset of the staff data export (the rows are scoped besides,
by the resources through ``kecamatan_scope_for``)."""

from forms_builder.permissions import user_may_view_applications
from paten.accounts.permissions import user_may_export_users
from paten.accounts.selectors import kecamatan_scope_for
from reporting.exports.constants import Dataset
from reporting.survey.permissions import user_may_export_responses
from service_catalog.permissions import user_may_export_catalog_sheet


def user_may_export_dataset(user, dataset: str) -> bool:
    """Whether ``user`` may export ``dataset`` at all (the rows are scoped besides)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    scope = kecamatan_scope_for(user)
    if dataset == Dataset.APPLICATIONS:
        # The same people who see the applications menu.
        return user_may_view_applications(user)
    if dataset == Dataset.SURVEY_RESPONSES:
        return user_may_export_responses(user)
    if dataset == Dataset.SERVICES:
        return user_may_export_catalog_sheet(user, "layanan")
    if dataset == Dataset.REGIONS:
        return not scope.is_empty and user.has_perm("regions.view_region")
    if dataset == Dataset.USERS:
        return user_may_export_users(user)
    return False


def datasets_for(user) -> list[tuple[str, str]]:
    """The datasets ``user`` may export, as choices."""
    return [
        (value, label) for value, label in Dataset.choices if user_may_export_dataset(user, value)
    ]
