"""Admin registration for applications: the work queue menu, its URLs, and the
issuance settings per service. Imported from ``wagtail_hooks`` (one line)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from paten.accounts.selectors import kecamatan_scope_for, roles_of

from . import admin_views
from .models import IssuanceSettings
from .permissions import WORKFLOW_ROLES

admin_urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("loket/", admin_views.intake, name="intake"),
    path("<uuid:pk>/", admin_views.detail, name="detail"),
    path("<uuid:pk>/transisi/", admin_views.transition, name="transition"),
    path("<uuid:pk>/hasil.pdf", admin_views.result_download, name="result_pdf"),
    path("lampiran/<uuid:pk>/", admin_views.attachment_download, name="attachment"),
]


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        if user.is_superuser:
            return True
        return bool(roles_of(user) & WORKFLOW_ROLES) and not kecamatan_scope_for(user).is_empty


@hooks.register("register_admin_urls")
def register_application_urls():
    return [
        path(
            "permohonan/",
            include((admin_urlpatterns, "forms_builder_admin"), namespace="forms_builder_admin"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_applications_menu_item():
    return ApplicationsMenuItem(
        _("Applications"),
        reverse("forms_builder_admin:queue"),
        name="applications",
        icon_name="form",
        order=205,
    )


class IssuanceSettingsViewSet(ModelViewSet):
    model = IssuanceSettings
    icon = "doc-full"
    menu_label = _("Result numbering and templates")
    add_to_settings_menu = True
    list_display = ["service", "number_pattern", "validity_days"]
    search_fields = ["service__title"]
    search_backend_name = None
    form_fields = ["service", "number_pattern", "validity_days", "template"]


@hooks.register("register_admin_viewset")
def register_issuance_settings_viewset():
    return IssuanceSettingsViewSet("issuance_settings")
