from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import access_urlpatterns, admin_urlpatterns
from .dashboard import applications_panel_for
from .viewsets import (
    ApplicationsMenuItem,
    ApplicationsSearchArea,
    IssuanceSettingsViewSet,
    PersonalDataAccessMenuItem,
    ServiceFormViewSet,
    service_form_header_button,
)

register_snippet(ServiceFormViewSet)


@hooks.register("register_page_header_buttons")
def add_service_form_header_button(page, user, view_name, next_url=None):
    button = service_form_header_button(page, user)
    if button is not None:
        yield button


@hooks.register("construct_homepage_panels")
def add_applications_panel(request, panels):
    """Dasbor: the applications panel, first on the admin home page (``dashboard``)."""
    panel = applications_panel_for(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_admin_urls")
def register_application_urls():
    return [
        path(
            "permohonan/",
            include((admin_urlpatterns, "forms_builder_admin"), namespace="forms_builder_admin"),
        ),
        path(
            "akses-data-pribadi/",
            include((access_urlpatterns, "personal_data_access"), namespace="personal_data_access"),
        ),
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


@hooks.register("register_admin_search_area")
def register_applications_search_area():
    return ApplicationsSearchArea()


@hooks.register("register_admin_menu_item")
def register_personal_data_access_menu_item():
    return PersonalDataAccessMenuItem(
        _("Personal data access"),
        reverse("personal_data_access:index"),
        name="personal-data-access",
        icon_name="view",
        order=930,
    )


@hooks.register("register_admin_viewset")
def register_issuance_settings_viewset():
    return IssuanceSettingsViewSet("issuance_settings")
