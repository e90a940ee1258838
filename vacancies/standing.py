"""A member's standing in a voting round (elector, voted, stepped out), written out as SQL.

The ballot page and the cast read it on every request. The ORM's ``Exists(...)`` for each of the
three took longer to build than the whole statement took to run, so the SQL is written here,
once, with every table and column name taken from the models and the member as a parameter.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Field, Model

from coop.models import Association, Building, Unit
from vacancies.models import Elector, Recusal, Vacancy, VoteRecord, VotingRound


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


def _join(rows: type[Model], key: str, to: type[Model]) -> str:
    """``JOIN to ON to.pk = rows.key``."""
    pk = column(to, to._meta.pk.name)
    return f" JOIN {table(to)} ON {table(to)}.{pk} = {table(rows)}.{column(rows, key)}"


# What a round's pages show of its vacancy, read along with the round: column alias, then the
# model and field it is read from.
VACANCY_NAMES = {
    "vacancy_association_id": (Vacancy, "association"),
    "vacancy_unit_id": (Vacancy, "unit"),
    "unit_number": (Unit, "number"),
    "unit_building_id": (Unit, "building"),
    "building_name": (Building, "name"),
}


@cache
def round_page_sql(vendor: str) -> tuple[str, str]:
    """The round by its id (the last parameter): every column of its own, the member's standing
    (three parameters, the member each time) as ``is_elector``, ``voted`` and ``recused``, and
    ``VACANCY_NAMES``. Two halves, so that a page can read further values between them."""
    rounds = table(VotingRound)
    pk = column(VotingRound, VotingRound._meta.pk.name)
    own = ", ".join(
        f"{rounds}.{column(VotingRound, f.name)}" for f in VotingRound._meta.concrete_fields
    )
    found = ", ".join(f"{member_in(model)} AS {name}" for name, model in STANDING.items())
    vacancy = ", ".join(
        f"{table(model)}.{column(model, field)} AS {alias}"
        for alias, (model, field) in VACANCY_NAMES.items()
    )
    joins = (
        _join(VotingRound, "vacancy", Vacancy)
        + _join(Vacancy, "unit", Unit)
        + _join(Unit, "building", Building)
    )
    return (
        f"SELECT {own}, {found}, {vacancy}",
        f"FROM {rounds}{joins} WHERE {rounds}.{pk} = %s",
    )


@cache
def round_to_cast_sql(vendor: str) -> str:
    """What a cast reads of the round (one parameter, its id) before anything else: its method,
    its association and whether the member (one parameter, before the id) is an elector."""
    rounds = table(VotingRound)
    pk = column(VotingRound, VotingRound._meta.pk.name)
    return (
        f"SELECT {rounds}.{pk}, {rounds}.{column(VotingRound, 'method')},"  # noqa: S608
        f" {table(Vacancy)}.{column(Vacancy, 'association')} AS association_id,"
        f" {member_in(Elector)} AS is_elector FROM {rounds}"
        f"{_join(VotingRound, 'vacancy', Vacancy)} WHERE {rounds}.{pk} = %s"
    )


@cache
def locked_round_sql(vendor: str) -> str:
    """The round by its id (one parameter), its row locked for the rest of the transaction where
    the database can (PostgreSQL; SQLite writes one transaction at a time): its method, status
    and times, and what its receipt e-mail names (the unit, its building, the association)."""
    rounds = table(VotingRound)
    pk = column(VotingRound, VotingRound._meta.pk.name)
    state = ", ".join(f"{rounds}.{column(VotingRound, name)}" for name in _ROUND_STATE)
    names = (
        f"{table(Unit)}.{column(Unit, 'number')} AS unit_number,"
        f" {table(Building)}.{column(Building, 'name')} AS building_name,"
        f" {table(Association)}.{column(Association, 'name')} AS association_name"
    )
    joins = (
        _join(VotingRound, "vacancy", Vacancy)
        + _join(Vacancy, "unit", Unit)
        + _join(Unit, "building", Building)
        + _join(Vacancy, "association", Association)
    )
    lock = f" FOR UPDATE OF {rounds}" if connection.features.has_select_for_update_of else ""
    return (
        f"SELECT {rounds}.{pk}, {state}, {names} FROM {rounds}{joins}"  # noqa: S608
        f" WHERE {rounds}.{pk} = %s{lock}"
    )


_ROUND_STATE = ("method", "status", "starts_at", "ends_at")


@cache
def ballot_standing_sql(vendor: str) -> str:
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
