"""A member's standing in a voting round (elector, voted, stepped out), written out as SQL.

The ballot page and the cast read it on every request. The ORM's ``Exists(...)`` for each of the
three took longer to build than the whole statement took to run, so the SQL is written here,
once, with every table and column name taken from the models and the member as a parameter.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Field, Model

from vacancies.models import Elector, Recusal, VoteRecord, VotingRound


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    """The quoted column of a model's field; a field that is not a column is refused by name."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def member_in(model: type[Model]) -> str:
    """``EXISTS(...)``: whether the member (one ``%s`` parameter) has a row of ``model``
    (elector, vote record, recusal) for the round of the statement's ``VotingRound`` row."""
    rows = table(model)
    outer = f"{table(VotingRound)}.{column(VotingRound, VotingRound._meta.pk.name)}"
    return (
        f"EXISTS(SELECT 1 FROM {rows} WHERE {rows}.{column(model, 'round')} = {outer}"  # noqa: S608
        f" AND {rows}.{column(model, 'member')} = %s)"
    )


# The three standing columns, in this order, each with the member as its parameter.
STANDING = {"is_elector": Elector, "voted": VoteRecord, "recused": Recusal}


def locked_round_sql() -> str:
    """The round by its id (one parameter): its status and times, the row locked for the rest
    of the transaction where the database can (PostgreSQL; SQLite writes one transaction at a
    time)."""
    rounds = table(VotingRound)
    pk = column(VotingRound, VotingRound._meta.pk.name)
    times = ", ".join(f"{rounds}.{column(VotingRound, name)}" for name in _ROUND_STATE)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {rounds}.{pk}, {times} FROM {rounds} WHERE {rounds}.{pk} = %s{lock}"  # noqa: S608


_ROUND_STATE = ("status", "starts_at", "ends_at")


def ballot_standing_sql() -> str:
    """The member's standing (three parameters, the member each time) in the round (one
    parameter, its id) and one row per candidate on its ballot (a NULL candidate: none).

    A statement of its own after the round's lock: a statement sees what was committed before
    it started, so this one sees the member's cast that held the lock before."""
    rounds = table(VotingRound)
    through = VotingRound.candidates.through
    ballot = table(through)
    pk = column(VotingRound, VotingRound._meta.pk.name)
    candidate = column(through, "candidate")
    standing = ", ".join(member_in(model) for model in STANDING.values())
    return (
        f"SELECT {standing}, {ballot}.{candidate} FROM {rounds}"  # noqa: S608
        f" LEFT JOIN {ballot} ON {ballot}.{column(through, 'votinground')} = {rounds}.{pk}"
        f" WHERE {rounds}.{pk} = %s ORDER BY {ballot}.{candidate}"
    )
