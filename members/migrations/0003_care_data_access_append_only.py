"""The database itself refuses changes to and removal of care-data access log rows."""

from django.db import migrations

TABLE = "members_caredataaccess"

# coop_refuse_change() comes from coop's migration 0003 (the audit log); recreated here so the
# trigger does not depend on that migration's internals.
POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION coop_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION coop_refuse_change();
"""
POSTGRES_BACKWARD = f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'rows of {TABLE} are append-only'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'rows of {TABLE} are append-only'); END;""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0003_audit_entries_append_only"),
        ("members", "0002_omklap_contracts_moments_decisions"),
    ]

    operations = [migrations.RunPython(forward, backward)]
