"""The region import in the admin (``paten.admin_import`` with a dry-run preview)."""

from django.urls import path

from paten.admin_import import AdminImportView, ImportSummary

from .models import Region
from .permissions import user_may_import_regions
from .resources import RegionResource
from .services import regions_import

IMPORT_URL_NAME = "regions_import"


class RegionImportView(AdminImportView):
    model = Region
    resource_class = RegionResource
    index_url_name = "regions:index"

    @classmethod
    def user_may_import(cls, user) -> bool:
        return user_may_import_regions(user)

    def run_import(self, *, dataset, dry_run: bool) -> ImportSummary:
        return regions_import(dataset=dataset, dry_run=dry_run)


admin_urlpatterns = [path("regions/import/", RegionImportView.as_view(), name=IMPORT_URL_NAME)]
