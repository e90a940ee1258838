"""Database triggers that make a table append-only (audit log, care-data access log).

Migrations use ``append_only(table)``; the database then refuses every UPDATE and DELETE of
the table's rows, on SQLite and PostgreSQL alike, whatever code path tries.
"""

from __future__ import annotations

from django.db import migrations

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION coop_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _statements(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """(forward, backward) SQL for one table on one database."""
    if vendor == "postgresql":
        return (
            [
                _POSTGRES_FUNCTION,
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION coop_refuse_change();""",
            ],
            [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"],
        )
    if vendor == "sqlite":
        refuse = f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are append-only'); END;"
        return (
            [
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {refuse}",
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refuse}",
            ],
            [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ],
        )
    return [], []


def append_only(table: str) -> migrations.RunPython:
    """A migration operation that installs (and on reversal removes) the triggers."""

    def forward(apps, schema_editor):
        for statement in _statements(table, schema_editor.connection.vendor)[0]:
            schema_editor.execute(statement, params=None)

    def backward(apps, schema_editor):
        for statement in _statements(table, schema_editor.connection.vendor)[1]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forward, backward)
