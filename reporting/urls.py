"""Public URLs of the survey and the IKM results (Indonesian paths, before Wagtail's pages)."""

from django.urls import include, path

from reporting.evaluation import views as evaluation_views
from reporting.survey import api as ikm_api
from reporting.survey import views as survey_views

app_name = "reporting"

urlpatterns: list = [
    # Satisfaction survey (SKM): by tracking code and at the kiosk tablet.
    path("survei/", survey_views.survey_start, name="survey_start"),
    path("survei/terima-kasih/", survey_views.survey_thanks, name="survey_thanks"),
    path("survei/kios/<str:token>/", survey_views.kiosk, name="kiosk"),
    path("survei/kios/<str:token>/terima-kasih/", survey_views.kiosk_thanks, name="kiosk_thanks"),
    path("survei/<str:code>/", survey_views.survey_by_code, name="survey"),
    # Public IKM results: page, CSV and read API.
    path("ikm/", survey_views.ikm_page, name="ikm"),
    path("ikm/<slug:slug>.csv", survey_views.ikm_csv, name="ikm_csv"),
    path("ikm/<slug:slug>/", survey_views.ikm_page, name="ikm_period"),
    # Public ranking of the kecamatan evaluation.
    path("evaluasi/", evaluation_views.evaluation_index, name="evaluation_index"),
    path("evaluasi/<int:pk>/", evaluation_views.evaluation_period, name="evaluation_period"),
    path("api/", include(ikm_api.data_patterns)),
]
