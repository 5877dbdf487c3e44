"""Public URLs of the PPID (Indonesian paths; mounted before Wagtail's pages)."""

from django.urls import include, path

from . import api, views

app_name = "ppid"

urlpatterns = [
    path("informasi-publik/", views.dip_list, name="dip_list"),
    path("informasi-publik/dip.csv", views.dip_csv, name="dip_csv"),
    path("informasi-publik/statistik/", views.statistics, name="statistics"),
    path("informasi-publik/<uuid:pk>/", views.dip_detail, name="dip_detail"),
    path("permohonan-informasi/", views.request_form, name="request"),
    path("permohonan-informasi/lacak/", views.track, name="track"),
    path("permohonan-informasi/lacak/unduh/", views.track_download, name="track_download"),
    path("permohonan-informasi/lacak/tarik/", views.track_withdraw, name="track_withdraw"),
    path("permohonan-informasi/lacak/keberatan/", views.track_objection, name="track_objection"),
    path("permohonan-informasi/lacak/<str:code>/", views.track_code, name="track_code"),
    path("permohonan-informasi/lacak/<str:code>/bukti/", views.receipt, name="receipt"),
    path(
        "permohonan-informasi/lacak/<str:code>/bukti.pdf",
        views.receipt_download,
        name="receipt_pdf",
    ),
    path("api/", include(api.data_patterns)),
]
