"""Spreadsheet imports: a corporation's buildings and units, a board's residents.

How a row is checked: it is run through the very services that write it (``building_create``,
``unit_create``, ``resident_register``, ...), each row inside its own savepoint, all rows inside
one transaction. The preview rolls that transaction back; the import commits it. So the preview
applies exactly the services' rules (and sees what the rows above it did: two rows with the same
e-mail address, a building made by the row above), and no rule is written twice. A row that a
service refuses is rolled back to its savepoint, so the rows after it are still checked.

Only what the services cannot know is checked here: whether a cell names a valid choice or date,
a unit label twice in one file, and whether a row matches what is already registered (then it is
unchanged, or changes through its own service, or is refused when it differs in a way an import
does not change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from coop.exceptions import DomainError
from coop.models import Association, AuditAction, Unit, User
from coop.services import audit_record
from coop.site.imports import columns
from coop.site.setup.services import _clean_rent, building_create, unit_create
from members.models import MixGroup, Tenancy
from members.services import resident_register, tenancy_end

Row = tuple[int, dict[str, str]]  # (row number in the spreadsheet, cell text by column key)


class RowStatus(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowResult:
    """What happens to one row: its status, a short description, and its errors by column."""

    row: int
    label: str
    status: RowStatus = RowStatus.UNCHANGED
    detail: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key, message)

    def fail(self, column: str, message: str) -> None:
        self.status = RowStatus.ERROR
        self.errors.append((column, str(message)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "label": self.label,
            "status": str(self.status),
            "detail": self.detail,
            "errors": [list(error) for error in self.errors],
        }


@dataclass
class ImportReport:
    results: list[RowResult]

    def count(self, status: RowStatus) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def has_errors(self) -> bool:
        return any(result.status == RowStatus.ERROR for result in self.results)

    @property
    def has_changes(self) -> bool:
        return any(r.status in (RowStatus.CREATE, RowStatus.CHANGE) for r in self.results)

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.results),
            "created": self.count(RowStatus.CREATE),
            "changed": self.count(RowStatus.CHANGE),
            "unchanged": self.count(RowStatus.UNCHANGED),
        }


class ImportRefused(DomainError):
    """At least one row is wrong: nothing is written; ``report`` says which rows and why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            _("Nothing is imported: correct the rows with an error and upload the file again."),
            code="import_rows_invalid",
        )
        self.report = report


class _Preview(Exception):
    """Leaves the preview's transaction, rolling back what its rows did."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report


def _run(
    rows: Iterable[Row],
    check: Callable[[RowResult, dict[str, str]], None],
    label: Callable[[dict[str, str]], str],
) -> ImportReport:
    """Run ``check`` on every row, each in a savepoint that a refusal rolls back."""
    results = []
    for number, values in rows:
        result = RowResult(row=number, label=label(values))
        try:
            with transaction.atomic():
                check(result, values)
                if result.status == RowStatus.ERROR:
                    raise _RowFailed
        except _RowFailed:
            pass
        results.append(result)
    return ImportReport(results)


class _RowFailed(Exception):
    """Rolls one row's savepoint back."""


def _service(
    result: RowResult, fields: dict[str, str], service: Callable[..., Any], **arguments: Any
) -> Any:
    """Call a service for a row; a refusal becomes the row's error on the column it is about."""
    try:
        return service(**arguments)
    except DomainError as error:
        result.fail(fields.get(error.field or "", ""), error.message)
        raise _RowFailed from None


def _duplicates(rows: list[Row], key: Callable[[dict[str, str]], Any]) -> dict[int, int]:
    """Row number -> the earlier row number holding the same key (empty keys do not count)."""
    first: dict[Any, int] = {}
    repeated: dict[int, int] = {}
    for number, values in rows:
        value = key(values)
        if not value:
            continue
        if value in first:
            repeated[number] = first[value]
        else:
            first[value] = number
    return repeated


def _finish(report: ImportReport, *, preview: bool) -> ImportReport:
    if preview:
        raise _Preview(report)
    if report.has_errors:
        raise ImportRefused(report)
    return report


# -- a corporation's buildings and units -----------------------------------------------------


@transaction.atomic
def unit_change(*, actor: User, unit: Unit, rent) -> Unit:
    """Change a unit's monthly rent (the same rules as when it was added)."""
    rent = _clean_rent(rent)
    if rent == unit.rent:
        return unit
    before = unit.rent
    unit.rent = rent
    unit.save(update_fields=["rent"])
    audit_record(
        actor=actor,
        action=AuditAction.UNIT_CHANGED,
        target=unit,
        data={"rent": [str(before), str(rent)]},
    )
    return unit


_BUILDING_FIELDS = {
    "name": "building",
    "street_address": "street_address",
    "postal_code": "postal_code",
    "city": "city",
}
_UNIT_FIELDS = {"number": "number", "kind": "kind", "rent": "rent", "building": "building"}


def _euros(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True)


def _units(actor: User, association: Association, rows: list[Row], *, preview: bool):
    repeated = _duplicates(
        rows, lambda v: (v["building"].casefold(), v["number"].casefold()) if v["number"] else None
    )

    def check(result: RowResult, values: dict[str, str]) -> None:
        if result.row in repeated:
            result.fail(
                "number",
                _("This unit is also in row %(row)s of the file.") % {"row": repeated[result.row]},
            )
        kind = columns.choice(values["kind"], Unit.Kind)
        if kind is None:
            result.fail("kind", _("Write regular, drager or omklap."))
        if not values["building"]:
            result.fail("building", _("This field is required."))
        if result.errors:
            return
        rent = columns.amount(values.get("rent", ""))
        building = association.buildings.filter(name__iexact=values["building"]).first()
        unit = (
            None
            if building is None
            else building.units.filter(number__iexact=values["number"]).first()
        )
        if unit is not None:
            if unit.kind != kind:
                result.fail(
                    "kind",
                    _("The unit exists as %(kind)s; an import does not change its kind.")
                    % {"kind": unit.get_kind_display()},
                )
                return
            if not rent:
                return
            before = unit.rent
            unit = _service(result, _UNIT_FIELDS, unit_change, actor=actor, unit=unit, rent=rent)
            if unit.rent != before:
                result.status = RowStatus.CHANGE
                result.detail = _("rent %(before)s becomes %(after)s") % {
                    "before": _euros(before),
                    "after": _euros(unit.rent),
                }
            return
        result.status = RowStatus.CREATE
        made_building = building is None
        if building is None:
            building = _service(
                result,
                _BUILDING_FIELDS,
                building_create,
                actor=actor,
                association=association,
                name=values["building"],
                street_address=values.get("street_address", ""),
                postal_code=values.get("postal_code", ""),
                city=values.get("city", ""),
            )
        unit = _service(
            result,
            _UNIT_FIELDS,
            unit_create,
            actor=actor,
            building=building,
            number=values["number"],
            kind=kind,
            rent=rent or "0",
        )
        what = {"kind": unit.get_kind_display(), "rent": _euros(unit.rent)}
        if made_building:
            result.detail = _("building and unit (%(kind)s, rent %(rent)s)") % what
        else:
            result.detail = _("unit (%(kind)s, rent %(rent)s)") % what

    report = _run(rows, check, lambda v: f"{v['building']} {v['number']}".strip())
    if not preview and not report.has_errors and report.has_changes:
        audit_record(
            actor=actor,
            action=AuditAction.UNITS_IMPORTED,
            target=association,
            data=report.summary(),
        )
    return _finish(report, preview=preview)


@transaction.atomic
def units_import(*, actor: User, association: Association, rows: list[Row]) -> ImportReport:
    """Add (or change the rent of) the buildings and units of a spreadsheet, all or nothing:
    one service call per row, with its audit entry, and one audit entry for the import.
    Rows already registered as they are change nothing; raises ImportRefused when any row is
    wrong."""
    return _units(actor, association, rows, preview=False)


def units_import_preview(*, actor: User, association: Association, rows: list[Row]) -> ImportReport:
    """What ``units_import`` would do with each row, and each row's errors; writes nothing."""
    try:
        with transaction.atomic():
            _units(actor, association, rows, preview=True)
    except _Preview as preview:
        return preview.report
    raise AssertionError("unreachable")  # pragma: no cover


# -- a board's residents ---------------------------------------------------------------------


_RESIDENT_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "group": "group",
    "language": "language",
    "unit": "unit",
    "kind": "tenancy_kind",
    "starts_on": "starts_on",
    "joined_on": "starts_on",
    "ends_on": "ends_on",
}


def _resident_name(values: dict[str, str]) -> str:
    if values.get("name"):
        return values["name"]
    return " ".join(filter(None, (values.get("first_name", ""), values.get("last_name", ""))))


def _unit_finder(association: Association) -> Callable[[str, str], tuple[Unit | None, str]]:
    """Find a unit of the association by its label ('12', or 'De Kapel 12'), with the building
    when given; (None, why) when no unit or more than one fits."""
    units = list(Unit.objects.filter(building__association=association).select_related("building"))

    def find(label: str, building: str) -> tuple[Unit | None, str]:
        label, building = label.casefold(), building.casefold()
        fits = [
            unit
            for unit in units
            if (
                unit.number.casefold() == label
                and (not building or unit.building.name.casefold() == building)
            )
            or f"{unit.building.name} {unit.number}".casefold() == label
        ]
        if len(fits) == 1:
            return fits[0], ""
        if fits:
            return None, _("More buildings have a unit with this number; fill in the building.")
        return None, _("The association has no unit with this number.")

    return find


def _residents(actor: User, association: Association, rows: list[Row], *, preview: bool):
    find = _unit_finder(association)
    found = {number: find(values["unit"], values.get("building", "")) for number, values in rows}
    # A unit named twice in the file (by the same label or another one): the later rows fail.
    repeated: dict[int, int] = {}
    seen: dict[int, int] = {}
    for number, _values in rows:
        unit = found[number][0]
        if unit is None:
            continue
        if unit.pk in seen:
            repeated[number] = seen[unit.pk]
        else:
            seen[unit.pk] = number

    def check(result: RowResult, values: dict[str, str]) -> None:
        unit, why = found[result.row]
        if unit is None:
            result.fail("unit", why)
        elif result.row in repeated:
            result.fail(
                "unit",
                _("This unit is also in row %(row)s of the file.") % {"row": repeated[result.row]},
            )
        group = columns.choice(values["group"], MixGroup)
        if group is None:
            result.fail("group", _("Write vrager, drager or regular."))
        starts_on = columns.date(values["starts_on"])
        if starts_on is None:
            result.fail("starts_on", _("Write a date such as 29-06-2025."))
        ends_on = None
        if values.get("ends_on"):
            ends_on = columns.date(values["ends_on"])
            if ends_on is None:
                result.fail("ends_on", _("Write a date such as 29-06-2025."))
        kind: str | None
        if values.get("tenancy_kind"):
            kind = columns.choice(values["tenancy_kind"], Tenancy.Kind)
            if kind is None:
                result.fail("tenancy_kind", _("Write regular or omklap."))
        else:  # the kind of the home decides, as a nomination does
            kind = Tenancy.Kind.OMKLAP if unit and unit.kind == Unit.Kind.OMKLAP else "regular"
        language = "nl"
        if values.get("language"):
            language = columns.language(values["language"]) or ""
            if not language:
                result.fail("language", _("Write nl or en."))
        if result.errors:
            return
        assert unit is not None and starts_on is not None and kind and group
        name = _resident_name(values)
        existing = (
            Tenancy.objects.filter(unit=unit, starts_on=starts_on, member__name__iexact=name)
            .select_related("member")
            .first()
        )
        if existing is not None:
            _resident_known(actor, result, existing, values, group, kind, ends_on)
            return
        tenancy = _service(
            result,
            _RESIDENT_FIELDS,
            resident_register,
            actor=actor,
            association=association,
            name=name,
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            group=group,
            unit=unit,
            tenancy_kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            language=language,
        )
        result.status = RowStatus.CREATE
        what = {"unit": tenancy.unit, "date": date_format(starts_on, "j F Y")}
        if ends_on:
            what["end"] = date_format(ends_on, "j F Y")
            result.detail = _("resident in %(unit)s from %(date)s until %(end)s") % what
        else:
            result.detail = _("resident in %(unit)s from %(date)s") % what

    report = _run(rows, check, _resident_name)
    if not preview and not report.has_errors and report.has_changes:
        audit_record(
            actor=actor,
            action=AuditAction.RESIDENTS_IMPORTED,
            target=association,
            data=report.summary(),
        )
    return _finish(report, preview=preview)


def _resident_known(
    actor: User,
    result: RowResult,
    tenancy: Tenancy,
    values: dict[str, str],
    group: str,
    kind: str,
    ends_on: dt.date | None,
) -> None:
    """A row for a tenancy already registered: unchanged, its end date recorded, or refused
    where it differs in what the register changes on the member's own page."""
    member = tenancy.member
    period = member.group_periods.current(tenancy.starts_on).first()
    differs = []
    if values.get("email") and values["email"].strip().casefold() != member.email.casefold():
        differs.append("email")
    if period is not None and period.group != group:
        differs.append("group")
    if tenancy.kind != kind:
        differs.append("tenancy_kind")
    if tenancy.ends_on is not None and tenancy.ends_on != ends_on:
        differs.append("ends_on")
    for column in differs:
        result.fail(
            column,
            _("%(name)s is registered here with another value; change it in the register.")
            % {"name": member.name},
        )
    if differs:
        return
    if ends_on is not None and tenancy.ends_on is None:
        _service(
            result,
            _RESIDENT_FIELDS,
            tenancy_end,
            actor=actor,
            tenancy=tenancy,
            ends_on=ends_on,
        )
        result.status = RowStatus.CHANGE
        result.detail = _("the tenancy ends on %(date)s") % {"date": date_format(ends_on, "j F Y")}


@transaction.atomic
def residents_import(*, actor: User, association: Association, rows: list[Row]) -> ImportReport:
    """Register the residents of a spreadsheet with their tenancy and group, all or nothing:
    one ``resident_register`` (or ``tenancy_end``) per row, each with its audit entries, and
    one audit entry for the import. Residents already registered as they are change nothing;
    raises ImportRefused when any row is wrong."""
    return _residents(actor, association, rows, preview=False)


def residents_import_preview(
    *, actor: User, association: Association, rows: list[Row]
) -> ImportReport:
    """What ``residents_import`` would do with each row, and each row's errors; writes
    nothing."""
    try:
        with transaction.atomic():
            _residents(actor, association, rows, preview=True)
    except _Preview as preview:
        return preview.report
    raise AssertionError("unreachable")  # pragma: no cover
