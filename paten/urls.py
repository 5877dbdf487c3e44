from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from paten.accounts.admin_views import ScopedSiteHistoryView
from paten.site import views as site_views
from paten.sync import views as sync_views

urlpatterns = [
    # Wagtail's site-history report, limited to the user's kecamatan: served at Wagtail's
    # own URLs, so its links and exports reach these views.
    path(
        "admin/reports/site-history/",
        never_cache(require_admin_access(ScopedSiteHistoryView.as_view())),
        name="paten_site_history",
    ),
    path(
        "admin/reports/site-history/results/",
        never_cache(require_admin_access(ScopedSiteHistoryView.as_view(results_only=True))),
        name="paten_site_history_results",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("healthz", site_views.healthz, name="healthz"),
    # Offline instances push their bundles here (authenticated by the bundle's signature).
    path("sinkron/bundel/", sync_views.bundle_exchange, name="sync_exchange"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The audit log's signed checkpoints and public key (paten/audit/views.py).
    path("", include("paten.audit.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include("service_catalog.urls")), prefix_default_language=False
)
urlpatterns += i18n_patterns(path("", include("forms_builder.urls")), prefix_default_language=False)
urlpatterns += i18n_patterns(path("", include("reporting.urls")), prefix_default_language=False)
urlpatterns += i18n_patterns(path("", include("paten.ppid.urls")), prefix_default_language=False)
# Wagtail's page serving stays last: it matches every remaining path.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
