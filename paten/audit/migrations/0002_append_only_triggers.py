"""Make audit_auditevent append-only in the database itself (paten.audit.triggers)."""

from django.db import migrations


def install(apps, schema_editor):
    from paten.audit import triggers

    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from paten.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
