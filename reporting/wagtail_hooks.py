"""Every Wagtail hook of reporting, and nothing else: the admin menus, URLs and the
admin home panel. The viewsets and views live in each domain's ``admin`` package."""

from django.urls import include, path
from wagtail import hooks

from reporting.dashboard import satisfaction_panel_for
from reporting.survey.admin.views import import_urlpatterns as survey_import_urlpatterns
from reporting.survey.admin.viewsets import SurveyMenuGroup

# -- satisfaction survey (SKM) ----------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_survey_viewsets():
    return SurveyMenuGroup()


@hooks.register("register_admin_urls")
def register_survey_import_urls():
    urls = (survey_import_urlpatterns, "survey_import")
    return [path("skm/impor/", include(urls, namespace="survey_import"))]


@hooks.register("construct_homepage_panels")
def add_satisfaction_panel(request, panels):
    """Dasbor: IKM and evaluation rank, after the applications panel (``dashboard``)."""
    panel = satisfaction_panel_for(request)
    if panel is not None:
        panels.append(panel)


# Report runs and schedules, data exports, kecamatan evaluation: registered from their
# own modules.
from reporting import admin_evaluation, admin_exports, admin_reports  # noqa: E402, F401
