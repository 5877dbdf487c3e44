"""Database triggers that make ``audit_auditevent`` append-only.

Installed by the migrations (``0002_append_only_triggers``, replaced by
``0004_rechain_per_partition``); tests use the same functions to switch them off and on
again, as an attacker with database access would. Changing this SQL needs a new
migration that removes and installs them again.

DELETE is always refused. UPDATE is refused except in two cases, every other column
staying the same:

- the sealer's one-time fill: ``sequence``, ``prev_hash`` and ``hash`` were all NULL and
  all three become non-NULL (a sealed event can never be sealed again);
- a user's deletion (``actor`` is ``SET_NULL``): ``actor_id`` becomes NULL. The hash
  covers ``actor_username``, not ``actor_id``, so the chain stays valid.
"""

TABLE = "audit_auditevent"
MESSAGE = "audit_auditevent is append-only"

# The columns nobody may ever change: exactly those a seal's hash covers
# (``paten.audit.services`` reads them to seal and verify).
FIXED_COLUMNS = (
    "id",
    "chain",
    "timestamp",
    "actor_username",
    "action",
    "target_content_type_id",
    "target_object_id",
    "kecamatan_id",
    "payload",
)
_SEAL = ("sequence", "prev_hash", "hash")


def _row(prefix: str, columns) -> str:
    return f"ROW({', '.join(f'{prefix}.{c}' for c in columns)})"


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND {_row("NEW", FIXED_COLUMNS)} IS NOT DISTINCT FROM {_row("OLD", FIXED_COLUMNS)}
        AND (
            (NEW.actor_id IS NULL
                AND {_row("NEW", _SEAL)} IS NOT DISTINCT FROM {_row("OLD", _SEAL)})
            OR (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
                AND {" AND ".join(f"OLD.{c} IS NULL" for c in _SEAL)}
                AND {" AND ".join(f"NEW.{c} IS NOT NULL" for c in _SEAL)})
        ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""

_PG_INSTALL = [
    _PG_FUNCTION,
    f"""CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();""",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change();",
]

_SQLITE_FIXED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED_COLUMNS)
_SQLITE_SEAL_SAME = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _SEAL)
_SQLITE_SEAL_FILL = " AND ".join(
    [f"OLD.{c} IS NULL" for c in _SEAL] + [f"NEW.{c} IS NOT NULL" for c in _SEAL]
)
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
        WHEN NOT ({_SQLITE_FIXED} AND (
            (NEW.actor_id IS NULL AND {_SQLITE_SEAL_SAME})
            OR (NEW.actor_id IS OLD.actor_id AND {_SQLITE_SEAL_FILL})))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]

_SQL = {
    "postgresql": (_PG_INSTALL, _PG_REMOVE),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE),
}


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    """Create the triggers on a supported database; other vendors rely on the ORM guard."""
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][0])


def remove(connection) -> None:
    if connection.vendor in _SQL:
        _run(connection, _SQL[connection.vendor][1])


def let_sqlite_flush_bypass_triggers(sender, connection, **kwargs) -> None:
    """Let ``flush`` empty the audit table on SQLite, as it already does on PostgreSQL.

    ``flush`` (run after every transactional test and by ``manage.py flush``) wipes
    all tables. PostgreSQL does it with TRUNCATE, which row triggers do not see;
    SQLite deletes row by row, so the DELETE trigger would abort the flush. Around the
    flush statements only, the SQLite triggers are dropped and re-created.
    """
    if connection.vendor != "sqlite" or getattr(connection.ops, "_audit_flush_wrapped", False):
        return
    original = connection.ops.sql_flush

    def sql_flush(style, tables, *args, **kwargs):
        statements = original(style, tables, *args, **kwargs)
        if TABLE not in tables:
            return statements
        return [*_SQLITE_REMOVE, *statements, *_SQLITE_INSTALL]

    connection.ops.sql_flush = sql_flush
    connection.ops._audit_flush_wrapped = True
