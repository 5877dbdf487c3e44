from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


class SyncMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.user_may_sync(request.user)


@hooks.register("register_admin_urls")
def register_sync_urls():
    urls = [
        path("", admin_views.SyncHomeView.as_view(), name="home"),
        path("daftar/", admin_views.EnrolView.as_view(), name="enrol"),
        path("unggah/", admin_views.bundle_upload, name="upload"),
        path("kirim/", admin_views.up_export, name="up_export"),
        path("instans/<uuid:pk>/konfigurasi/", admin_views.down_export, name="down_export"),
        path("instans/<uuid:pk>/cabut/", admin_views.revoke, name="revoke"),
        path("bundel/<uuid:pk>/", admin_views.bundle_download, name="download"),
        path("proses/<str:token>/", admin_views.JobView.as_view(), name="job"),
        path("proses/<str:token>/status/", admin_views.job_status, name="job_status"),
    ]
    return [path("sinkron/", include((urls, "sync_admin"), namespace="sync_admin"))]


@hooks.register("register_admin_menu_item")
def register_sync_menu_item():
    return SyncMenuItem(
        _("Offline sync"), reverse("sync_admin:home"), icon_name="resubmit", order=950
    )


@hooks.register("construct_homepage_panels")
def add_offline_panel(request, panels):
    from .dashboard import offline_panel_for

    panel = offline_panel_for(request)
    if panel is not None:
        panels.append(panel)
