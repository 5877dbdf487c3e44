"""Empty a fresh laptop before it becomes a kecamatan's offline instance.

``make run`` fills a new installation with demo data: services, users, applications,
an audit chain. Before enrolment applies the central's configuration under the central's
keys, every table the product fills is emptied, except what migrations create for the
platform itself (content types, permissions, role groups, Wagtail's locale, root page,
collections and workflows) and this installation's own sync identity.
"""

from django.apps import apps
from django.db import connection

KEEP = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "wagtailcore_locale",
    "wagtailcore_collection",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_workflow",
    "wagtailcore_task",
    "wagtailcore_workflowtask",
    "wagtailcore_workflowcontenttype",
    "wagtailcore_groupapprovaltask",
    "wagtailcore_groupapprovaltask_groups",
    "service_catalog_serviceapprovaltask",
    "django_celery_beat_crontabschedule",
    "django_celery_beat_intervalschedule",
    "django_celery_beat_solarschedule",
    "django_celery_beat_clockedschedule",
    "sync_installation",
}
# Handled separately: the root page stays, permissions on the root stay.
PARTIAL = {"wagtailcore_page", "wagtailcore_grouppagepermission"}


def tables_to_empty() -> list[str]:
    existing = set(connection.introspection.table_names())
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table in existing:
            tables.add(table)
    return sorted(tables - KEEP - PARTIAL)


def installation_reset() -> list[str]:
    """Delete the product's data; run inside the enrolment's transaction.

    Foreign keys are checked at commit (both databases create them deferrable), so the
    order of the deletes does not matter; the audit log's append-only triggers are
    lifted for the duration and put back.
    """
    from paten.audit import triggers

    quote = connection.ops.quote_name
    tables = tables_to_empty()
    triggers.remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (table names from the app registry)
        cursor.execute(
            "DELETE FROM wagtailcore_grouppagepermission WHERE page_id IN "
            "(SELECT id FROM wagtailcore_page WHERE depth > 1)"
        )
        cursor.execute("DELETE FROM wagtailcore_page WHERE depth > 1")
        cursor.execute(
            "UPDATE wagtailcore_page SET numchild = 0, live_revision_id = NULL, latest_revision_id = NULL"
        )
    triggers.install(connection)
    return tables
