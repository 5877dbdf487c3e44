from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import admin_urlpatterns
from .viewsets import CatalogMenuGroup

register_snippet(CatalogMenuGroup)


@hooks.register("register_admin_urls")
def register_catalog_import_urls():
    return admin_urlpatterns


# Transitional: reporting's export permissions still import the sheet rule from here;
# it moves to service_catalog.permissions with the reporting restructure.
from .permissions import user_may_export_catalog_sheet as user_may_export  # noqa: E402, F401
