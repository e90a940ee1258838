"""The database address: PostgreSQL runs planned statements unless the address says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from coop.env import database_from_url

BASE = Path("/srv/coop")


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    entry = database_from_url("postgres://coop:geheim@db.example.org:5433/coop", base_dir=BASE)
    assert entry["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert (entry["HOST"], entry["PORT"], entry["USER"], entry["NAME"]) == (
        "db.example.org",
        "5433",
        "coop",
        "coop",
    )


def test_the_address_can_switch_preparing_off_and_pass_other_options_as_written():
    entry = database_from_url(
        "postgres://coop@db/coop?prepare_threshold=&sslmode=require&server_side_binding=false",
        base_dir=BASE,
    )
    assert entry["OPTIONS"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
        "sslmode": "require",
    }


def test_a_threshold_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        database_from_url("postgres://coop@db/coop?prepare_threshold=soms", base_dir=BASE)


def test_sqlite_has_no_postgresql_options():
    entry = database_from_url("sqlite:///bench.sqlite3", base_dir=BASE)
    assert entry["NAME"] == BASE / "bench.sqlite3"
    assert "server_side_binding" not in entry["OPTIONS"]


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's (CI runs it)"
)
def test_the_suite_s_postgresql_connection_prepares_its_repeated_queries():
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 2
    with connection.cursor() as cursor:
        for _ in range(4):
            cursor.execute("SELECT %s::int + 1", [41])
            assert cursor.fetchone() == (42,)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1
