"""The database refuses adding, changing or removing ballots and vote records of a closed round."""

from django.db import migrations

ROUNDS = "vacancies_votinground"
TABLES = ("vacancies_ballot", "vacancies_voterecord")

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION vacancies_refuse_closed_round() RETURNS trigger AS $$
DECLARE
    row_round bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_round := OLD.round_id;
    ELSE
        row_round := NEW.round_id;
    END IF;
    IF EXISTS (SELECT 1 FROM {ROUNDS} WHERE id = row_round AND status = 'closed')
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM {ROUNDS} WHERE id = OLD.round_id AND status = 'closed')) THEN
        RAISE EXCEPTION 'the round of this % row is closed', TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _postgres_trigger(table: str) -> str:
    return f"""CREATE TRIGGER {table}_closed_round
        BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION vacancies_refuse_closed_round();"""


def _sqlite_triggers(table: str) -> list[str]:
    closed = f"(SELECT status FROM {ROUNDS} WHERE id = {{row}}.round_id) = 'closed'"
    message = f"the round of this {table} row is closed"
    return [
        f"""CREATE TRIGGER {table}_closed_insert BEFORE INSERT ON {table}
            WHEN {closed.format(row="NEW")}
            BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
        f"""CREATE TRIGGER {table}_closed_update BEFORE UPDATE ON {table}
            WHEN {closed.format(row="OLD")} OR {closed.format(row="NEW")}
            BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
        f"""CREATE TRIGGER {table}_closed_delete BEFORE DELETE ON {table}
            WHEN {closed.format(row="OLD")}
            BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(_postgres_trigger(table), params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for statement in _sqlite_triggers(table):
                schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_round ON {table};")
        elif vendor == "sqlite":
            for suffix in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_closed_{suffix};")


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0001_vacancies_candidates_rounds_ballots")]

    operations = [migrations.RunPython(forward, backward)]
