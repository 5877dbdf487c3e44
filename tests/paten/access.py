"""Who reaches Wagtail's own staff URLs (pages, media, users, workflows, reports, search,
choosers and the admin's JSON API) in this installation (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``).

Pages are Wagtail pages: their permissions are page permissions on the tree, which the
pemda admin and the standard editor hold (``ROLE_PAGE_PERMISSIONS``)."""

from paten.accounts.constants import Role
from tests.access import ANY_STAFF, SUPERUSER, perm, roles, skip

PAGE_EDITORS = roles(Role.ADMIN_PEMDA, Role.PENYUSUN_STANDAR)

MODELS = {
    "wagtailadmin_pages": ("wagtailcore.Page", {"depth__gt": 1}),
    "wagtailadmin_explore": ("wagtailcore.Page", {"depth__gt": 1}),
    "wagtailadmin_choose_page_child": ("wagtailcore.Page", {"depth__gt": 1}),
    "wagtailadmin_collections": ("wagtailcore.Collection", {"depth__gt": 1}),
    "wagtailadmin_workflows": "wagtailcore.Workflow",
    "wagtailadmin_workflows:*_task": "wagtailcore.Task",
    "wagtailadmin_workflows:task_chosen": "wagtailcore.Task",
}

# Values for URL arguments that name no object.
KWARGS = {
    "wagtailadmin_api:*:find": {"id": "1"},
    "wagtailadmin_pages:type_use*": {
        "content_type_app_name": "service_catalog",
        "content_type_model_name": "servicepage",
    },
    "wagtailadmin_pages:choose_parent": {
        "content_type_app_name": "service_catalog",
        "content_type_model_name": "servicepage",
    },
    "wagtailadmin_tag_model_autocomplete": {"app_name": "wagtailimages", "model_name": "image"},
    "wagtailadmin_workflows:add_task": {
        "app_label": "wagtailcore",
        "model_name": "groupapprovaltask",
    },
}

RULES = {
    # The admin shell: every staff user.
    "wagtailadmin_home": ANY_STAFF,
    "wagtailadmin_account": ANY_STAFF,
    "wagtailadmin_dismissibles": ANY_STAFF,
    "wagtailadmin_javascript_catalog": ANY_STAFF,
    "wagtailadmin_sprite": ANY_STAFF,
    "wagtailadmin_block_preview": ANY_STAFF,
    "wagtailadmin_tag_*": ANY_STAFF,
    "wagtailadmin_error_test": skip("Wagtail's page that raises on purpose (a 500 test)"),
    "wagtailadmin_login": skip("the login page: signed-in users are sent on"),
    "wagtailadmin_logout": skip("would end the session the matrix uses"),
    "wagtailadmin_password_reset*": skip("pages for signed-out users"),
    "wagtailadmin_editing_sessions:*": skip(
        "names a model and an object: tests/service_catalog/test_admin.py pings them"
    ),
    "wagtail_bulk_action": skip("names a model and an action: a POST of chosen rows"),
    "admin/test404/": skip("unnamed: Wagtail's 404 test page"),
    "admin/^.*/$": skip("unnamed: the admin's catch-all 404"),
    # Pages.
    "wagtailadmin_pages:*": PAGE_EDITORS,
    "wagtailadmin_explore*": PAGE_EDITORS,
    "wagtailadmin_choose_page*": ANY_STAFF,
    # Wagtail asks no permission on these (a type's parent chooser, a cancellation
    # confirmation): page titles of the public site, nothing of a kecamatan's work.
    "wagtailadmin_pages:choose_parent": ANY_STAFF,
    # Redirects to the page's history, which asks the page permission.
    "wagtailadmin_pages:revisions_index": ANY_STAFF,
    "wagtailadmin_pages:confirm_workflow_cancellation": ANY_STAFF,
    "wagtailadmin_pages:revisions_revert": skip("Wagtail 500s on a revision that does not exist"),
    # The admin's JSON API: every staff user may read pages, images and documents there
    # (Wagtail's own rule); nothing of a kecamatan's work is in it.
    "wagtailadmin_api:*": ANY_STAFF,
    "wagtailadmin_reports:*": PAGE_EDITORS,
    "wagtailadmin_reports:site_history*": ANY_STAFF,
    "wagtailforms:*": PAGE_EDITORS,
    "wagtailsnippets:*": ANY_STAFF,
    # Media.
    "wagtailimages:*": perm("wagtailimages.add_image", "wagtailimages.change_image"),
    # Wagtail's image and document choosers serve every staff user (the media library).
    "wagtailimages_chooser:*": ANY_STAFF,
    "wagtaildocs:*": perm("wagtaildocs.add_document", "wagtaildocs.change_document"),
    "wagtaildocs_chooser:*": ANY_STAFF,
    "wagtailembeds:*": ANY_STAFF,
    "wagtailadmin_collections:*": perm("wagtailcore.add_collection"),
    # Users, groups, sites, redirects, workflows, settings.
    "wagtailusers_users:*": perm("auth.add_user", "auth.change_user"),
    "wagtailusers_groups:*": SUPERUSER,
    "wagtailsites:*": SUPERUSER,
    "wagtailredirects:*": SUPERUSER,
    "wagtailredirects:process_import": skip("Wagtail 500s without an upload in the session"),
    "wagtailadmin_workflows:*": SUPERUSER,
    "wagtailadmin_workflows:remove": skip("a POST on a page-and-workflow pair: none in the demo"),
    # Wagtail's task chooser asks no permission: task names only, no kecamatan's data.
    "wagtailadmin_workflows:task_chooser*": ANY_STAFF,
    "wagtailsettings:*": perm("paten_site.change_sitesettings"),
}
