"""Public URLs of applications (Indonesian paths; mounted before Wagtail's pages)."""

from django.urls import path

from . import views

app_name = "forms_builder"

urlpatterns = [
    path("ajukan/<slug:code>/", views.apply, name="apply"),
    path("lacak/", views.track, name="track"),
    path("lacak/aksi/", views.track_action, name="track_action"),
    path("lacak/unggah/", views.track_upload, name="track_upload"),
    path("lacak/<str:code>/", views.track_code, name="track_code"),
    path("lacak/<str:code>/bukti/", views.receipt, name="receipt"),
    path("lacak/<str:code>/bukti.pdf", views.receipt_download, name="receipt_pdf"),
    path("verifikasi/<str:token>/", views.verify, name="verify"),
]
