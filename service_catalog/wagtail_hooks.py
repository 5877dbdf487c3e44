from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import admin_urlpatterns
from .viewsets import CatalogMenuGroup

register_snippet(CatalogMenuGroup)


@hooks.register("register_admin_urls")
def register_catalog_import_urls():
    return admin_urlpatterns
