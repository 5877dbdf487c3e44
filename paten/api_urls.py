"""The public read API of every app, as one URL list: what ``/api/schema/`` documents.

Staff and admin endpoints are not listed here, so they never reach the public schema.
"""

from django.urls import include, path

from paten.ppid.api import data_patterns as ppid_api
from reporting.survey.api import data_patterns as reporting_api
from service_catalog.api import data_patterns as catalog_api

urlpatterns = [
    path("api/", include(catalog_api)),
    path("api/", include(reporting_api)),
    path("api/", include(ppid_api)),
]
