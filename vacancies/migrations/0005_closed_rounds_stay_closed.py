"""The database refuses setting a closed round back to another status, and (on PostgreSQL)
refuses TRUNCATE of the ballot and vote-record tables while they hold rows of a closed round.

Without the first, a plain UPDATE could re-open a closed round, after which migration 0002's
triggers no longer guard its ballots. Row triggers do not see TRUNCATE, so it gets a statement
trigger of its own; like 0002's DELETE guard it lets rows of rounds still open go. The test
suite's flush after committing tests first removes the protected rows with the triggers
disabled (tests/conftest.py, ``flushable_protected_rows``). The owner of the tables can always
disable or drop triggers: they stop the application's code paths and mistakes, not the owner.
"""

from django.db import migrations

ROUNDS = "vacancies_votinground"
TRUNCATE_GUARDED = ("vacancies_ballot", "vacancies_voterecord")
MESSAGE = "a closed voting round cannot be set back to another status"

POSTGRES_ROUND_FUNCTION = f"""
CREATE OR REPLACE FUNCTION vacancies_keep_round_closed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_ROUND_TRIGGER = f"""
CREATE TRIGGER {ROUNDS}_stays_closed BEFORE UPDATE ON {ROUNDS}
    FOR EACH ROW WHEN (OLD.status = 'closed' AND NEW.status IS DISTINCT FROM 'closed')
    EXECUTE FUNCTION vacancies_keep_round_closed();
"""

POSTGRES_TRUNCATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION vacancies_refuse_truncate() RETURNS trigger AS $$
DECLARE
    closed_rows boolean;
BEGIN
    EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM %I.%I t JOIN {ROUNDS} r ON r.id = t.round_id
         WHERE r.status = ''closed'')',
        TG_TABLE_SCHEMA, TG_TABLE_NAME
    ) INTO closed_rows;
    IF closed_rows THEN
        RAISE EXCEPTION 'rows of % belong to a closed round and cannot be truncated',
            TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_ROUND_TRIGGER = f"""
CREATE TRIGGER {ROUNDS}_stays_closed BEFORE UPDATE OF status ON {ROUNDS}
    WHEN OLD.status = 'closed' AND NEW.status IS NOT 'closed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_ROUND_FUNCTION, params=None)
        schema_editor.execute(POSTGRES_ROUND_TRIGGER, params=None)
        schema_editor.execute(POSTGRES_TRUNCATE_FUNCTION, params=None)
        for table in TRUNCATE_GUARDED:
            schema_editor.execute(
                f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_refuse_truncate();""",
                params=None,
            )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_ROUND_TRIGGER)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROUNDS}_stays_closed ON {ROUNDS};")
        for table in TRUNCATE_GUARDED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS vacancies_keep_round_closed();")
        schema_editor.execute("DROP FUNCTION IF EXISTS vacancies_refuse_truncate();")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROUNDS}_stays_closed;")


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0004_vacancy_index_page")]

    operations = [migrations.RunPython(forward, backward)]
