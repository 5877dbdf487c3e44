"""Audit events leave Wagtail's reference index (``AuditEvent.wagtail_reference_index_ignore``):
the rows indexed so far are dropped, so no usage page lists an event as using its actor."""

from django.db import migrations


def drop_indexed_events(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    content_type = ContentType.objects.filter(app_label="audit", model="auditevent").first()
    if content_type is not None:
        ReferenceIndex.objects.filter(content_type=content_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_rechain_per_partition"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0078_referenceindex"),
    ]

    operations = [migrations.RunPython(drop_indexed_events, migrations.RunPython.noop)]
