"""Who reaches the staff URLs of forms_builder (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from paten.accounts.constants import Role
from tests.access import ANY_STAFF, perm, roles

VIEW = "forms_builder.view_application"

# The object each URL names (the view sets' URLs are found from Wagtail's registry).
MODELS = {
    "forms_builder_admin": "forms_builder.Application",
    "forms_builder_admin:attachment": "forms_builder.Attachment",
    "forms_builder_admin:result_pdf": ("forms_builder.Application", {"result_number__gt": ""}),
}

RULES = {
    # Applications: the permission to view them AND the application's kecamatan.
    "forms_builder_admin:*": perm(VIEW, scoped=True),
    "forms_builder_admin:intake": roles(Role.PETUGAS_LOKET),
    # Showing masked personal data needs the personal-data permission besides.
    "forms_builder_admin:reveal": perm("forms_builder.view_personal_data", scoped=True),
    # Service forms and result numbering are the pemda's configuration.
    "wagtailsnippets_forms_builder_serviceform:*": perm("forms_builder.change_serviceform"),
    # Wagtail's chooser asks no permission: service forms are configuration, no secret.
    "wagtailsnippetchoosers_forms_builder_serviceform:*": ANY_STAFF,
    # The record of personal-data reads: the pemda admin and the camat.
    "personal_data_access:*": roles(Role.ADMIN_PEMDA, Role.CAMAT),
    "issuance_settings:*": perm("forms_builder.change_issuancesettings"),
}
