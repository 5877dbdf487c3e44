"""Public URLs of the survey and the IKM results (Indonesian paths, before Wagtail's pages)."""

from django.urls import include, path

from . import api as ikm_api
from . import views_evaluation, views_public, views_survey

app_name = "reporting"

urlpatterns: list = [
    # Satisfaction survey (SKM): by tracking code and at the kiosk tablet.
    path("survei/", views_survey.survey_start, name="survey_start"),
    path("survei/terima-kasih/", views_survey.survey_thanks, name="survey_thanks"),
    path("survei/kios/<str:token>/", views_survey.kiosk, name="kiosk"),
    path("survei/kios/<str:token>/terima-kasih/", views_survey.kiosk_thanks, name="kiosk_thanks"),
    path("survei/<str:code>/", views_survey.survey_by_code, name="survey"),
    # Public IKM results (issue #5, publication): page, CSV and read API.
    path("ikm/", views_public.ikm_page, name="ikm"),
    path("ikm/<slug:slug>.csv", views_public.ikm_csv, name="ikm_csv"),
    path("ikm/<slug:slug>/", views_public.ikm_page, name="ikm_period"),
    # Public ranking of the kecamatan evaluation (issue #7).
    path("evaluasi/", views_evaluation.evaluation_index, name="evaluation_index"),
    path("evaluasi/<int:pk>/", views_evaluation.evaluation_period, name="evaluation_period"),
    path("api/", include(ikm_api.data_patterns)),
]
