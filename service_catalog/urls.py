"""Public URLs of the service catalog (mounted at the site root, before Wagtail's pages).

The catalog index page is expected at ``/layanan/`` (the demo data puts it there);
``/layanan/...`` is served through a cache in front of Wagtail (views.cached_page).
"""

from django.urls import include, path, re_path

from . import api, views

app_name = "service_catalog"

urlpatterns = [
    path("layanan/<slug:code>/standar.pdf", views.service_pdf, name="standard_pdf"),
    path("layanan/", views.cached_page, name="catalog"),
    re_path(r"^layanan/(?P<path>(?:[\w\-]+/)+)$", views.cached_page, name="catalog_page"),
    path("maklumat/<str:code>/", views.maklumat_detail, name="maklumat"),
    path("data/katalog-layanan.csv", views.catalog_csv, name="catalog_csv"),
    path("api/", include(api.urlpatterns)),
]
