"""Make audit_auditevent append-only in the database itself.

The SQL of the single global chain, frozen here: ``0004_rechain_per_partition`` replaces
these triggers (same names) with those of ``paten.audit.triggers``.
"""

from django.db import migrations

_COLUMNS = (
    "id",
    "sequence",
    "timestamp",
    "actor_username",
    "action",
    "target_content_type_id",
    "target_object_id",
    "kecamatan_id",
    "payload",
    "prev_hash",
    "hash",
)
_MESSAGE = "audit_auditevent is append-only"
_PG = [
    f"""
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
        AND ROW({", ".join(f"NEW.{c}" for c in _COLUMNS)})
            IS NOT DISTINCT FROM ROW({", ".join(f"OLD.{c}" for c in _COLUMNS)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
""",
    """CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();""",
]
_SQLITE = [
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
        WHEN NOT (NEW.actor_id IS NULL AND {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in _COLUMNS)})
        BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;""",
    f"""CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;""",
]


def install(apps, schema_editor):
    statements = {"postgresql": _PG, "sqlite": _SQLITE}.get(schema_editor.connection.vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(apps, schema_editor):
    from paten.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
