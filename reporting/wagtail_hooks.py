"""Every Wagtail hook of reporting, and nothing else: the admin menus, URLs and the
admin home panel. The viewsets and views live in each domain's ``admin`` package."""

from django.urls import include, path
from wagtail import hooks

from reporting.dashboard import satisfaction_panel_for
from reporting.evaluation.admin.menu import EvaluationMenuGroup
from reporting.exports.admin import views as exports_admin
from reporting.reports.admin import runs as runs_admin
from reporting.reports.admin.schedules import ReportScheduleViewSet
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


# -- report runs and schedules (Reports menu) -------------------------------------------


@hooks.register("register_admin_urls")
def register_report_run_urls():
    urls = (runs_admin.urlpatterns, runs_admin.URL_NAMESPACE)
    return [path("laporan/", include(urls, namespace=runs_admin.URL_NAMESPACE))]


@hooks.register("register_reports_menu_item")
def register_request_report_menu_item():
    return runs_admin.request_report_menu_item()


@hooks.register("register_reports_menu_item")
def register_report_archive_menu_item():
    return runs_admin.report_archive_menu_item()


@hooks.register("register_admin_viewset")
def register_report_schedule_viewset():
    return ReportScheduleViewSet("report_schedules")


# -- data export (Reports menu) ----------------------------------------------------------


@hooks.register("register_admin_urls")
def register_export_urls():
    urls = (exports_admin.urlpatterns, "reporting_exports")
    return [path("ekspor-data/", include(urls, namespace="reporting_exports"))]


@hooks.register("register_reports_menu_item")
def register_export_menu_item():
    return exports_admin.export_menu_item()


# -- kecamatan evaluation --------------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets():
    return EvaluationMenuGroup()
