from wagtail import hooks

from .admin_views import admin_urlpatterns
from .viewsets import RegionViewSet


@hooks.register("register_admin_viewset")
def register_region_viewset():
    return RegionViewSet("regions")


@hooks.register("register_admin_urls")
def register_region_import_url():
    return admin_urlpatterns
