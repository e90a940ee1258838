"""State changes of the set-up: organisations and their first staff member, buildings, units,
the first board member of an association."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coop.cleaning import clean_text
from coop.exceptions import DomainError
from coop.models import Association, AuditAction, Building, Organisation, StaffLink, Unit, User
from coop.services import audit_record
from coop.site.setup.selectors import care_candidates
from members.models import AssociationRole, CareAssignment, Invitation, Member, Role
from members.services import (
    care_assign,
    invitation_send,
    member_register,
    role_assign,
    staff_invite,
)

# A monthly rent above this is a typing mistake (an extra digit), not a home of the association.
MAX_RENT = Decimal("10000")


@transaction.atomic
def building_create(
    *,
    actor: User,
    association: Association,
    name: str,
    street_address: str,
    postal_code: str,
    city: str,
) -> Building:
    """Add a building (complex) to an association."""
    name = clean_text(name, field="name", max_length=200, required=True)
    street_address = clean_text(
        street_address, field="street_address", max_length=200, required=True
    )
    postal_code = clean_text(postal_code, field="postal_code", max_length=10, required=True)
    city = clean_text(city, field="city", max_length=100, required=True)
    taken = _("The association already has a building with this name.")
    if association.buildings.filter(name__iexact=name).exists():
        raise DomainError(taken, code="building_name_taken", field="name")
    try:
        with transaction.atomic():
            building = Building.objects.create(
                association=association,
                name=name,
                street_address=street_address,
                postal_code=postal_code.upper(),
                city=city,
            )
    except IntegrityError:
        raise DomainError(taken, code="building_name_taken", field="name") from None
    audit_record(
        actor=actor,
        action=AuditAction.BUILDING_CREATED,
        target=building,
        data={"name": name},
    )
    return building


def _clean_rent(value) -> Decimal:
    try:
        rent = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter the rent in euros."), code="rent_invalid", field="rent"
        ) from None
    if not rent.is_finite() or rent < 0 or rent > MAX_RENT:
        raise DomainError(
            _("Enter a monthly rent from 0 to %(max)s euros.") % {"max": MAX_RENT},
            code="rent_out_of_range",
            field="rent",
        )
    return rent


@transaction.atomic
def unit_create(
    *,
    actor: User,
    building: Building,
    number: str,
    kind: str,
    rent,
    rent_above_cap: bool = False,
) -> Unit:
    """Add a unit (home) to a building: regular, drager or omklap."""
    number = clean_text(number, field="number", max_length=20, required=True)
    if kind not in Unit.Kind.values:
        raise DomainError(_("Choose a valid kind of unit."), code="unit_kind_invalid", field="kind")
    rent = _clean_rent(rent)
    taken = _("The building already has a unit with this number.")
    if building.units.filter(number__iexact=number).exists():
        raise DomainError(taken, code="unit_number_taken", field="number")
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                building=building,
                number=number,
                kind=kind,
                rent=rent,
                rent_above_cap=bool(rent_above_cap),
            )
    except IntegrityError:
        raise DomainError(taken, code="unit_number_taken", field="number") from None
    audit_record(
        actor=actor,
        action=AuditAction.UNIT_CREATED,
        target=unit,
        data={"building": building.pk, "number": number, "kind": kind, "rent": str(rent)},
    )
    return unit


@transaction.atomic
def board_first_member_invite(
    *,
    actor: User,
    association: Association,
    name: str,
    email: str,
    group: str,
    joined_on: dt.date,
    language: str | None = None,
) -> Invitation:
    """The corporation registers the association's first board member and invites them; from
    then on the board keeps its own register."""
    # Lock the association: two first board members must not both pass the check below.
    association = Association.objects.select_for_update().get(pk=association.pk)
    if (
        AssociationRole.objects.current()
        .filter(role=Role.BOARD, member__association=association)
        .exists()
    ):
        raise DomainError(
            _("The association already has a board; its board invites the members."),
            code="board_exists",
        )
    if not email.strip():
        raise DomainError(
            _("An invitation needs an e-mail address."),
            code="invitation_without_email",
            field="email",
        )
    member = member_register(
        actor=actor,
        association=association,
        name=name,
        email=email,
        group=group,
        joined_on=joined_on,
        language=language or "",
    )
    role_assign(actor=actor, member=member, role=Role.BOARD, starts_on=joined_on)
    return invitation_send(actor=actor, member=member, language=language or settings.LANGUAGE_CODE)


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str, slug: str) -> Organisation:
    """The platform administrator sets up a housing corporation or a care organisation."""
    name = clean_text(name, field="name", max_length=200, required=True)
    if kind not in Organisation.Kind.values:
        raise DomainError(
            _("Choose a valid kind of organisation."),
            code="organisation_kind_invalid",
            field="kind",
        )
    taken = _("Another organisation already uses this address.")
    if Organisation.objects.filter(slug=slug).exists():
        raise DomainError(taken, code="organisation_slug_taken", field="slug")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, kind=kind, slug=slug)
    except IntegrityError:
        raise DomainError(taken, code="organisation_slug_taken", field="slug") from None
    audit_record(
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        target=organisation,
        data={"name": name, "kind": kind, "slug": slug},
    )
    return organisation


@transaction.atomic
def organisation_first_staff_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    starts_on: dt.date,
) -> StaffLink:
    """The platform administrator invites an organisation's first staff member; from then on
    its staff invite their own colleagues."""
    # Lock the organisation: two first staff members must not both pass the check below.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    links = StaffLink.objects.filter(organisation=organisation)
    if (links.current() | links.open()).exists():
        raise DomainError(
            _("The organisation already has staff; they invite their own colleagues."),
            code="organisation_has_staff",
        )
    return staff_invite(
        actor=actor,
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        starts_on=starts_on,
    )


@transaction.atomic
def care_assign_within_reach(
    *,
    actor: User,
    organisation: Organisation,
    member: Member,
    worker: User,
    starts_on: dt.date,
) -> CareAssignment:
    """A care organisation assigns one of its workers to a resident it may guide: a resident
    of an omklap home in an association it works in (named in the agreement, or guiding
    someone there), the same residents its clients page offers."""
    if not care_candidates(organisation).filter(pk=member.pk).exists():
        raise DomainError(
            _("This resident lives outside the associations your organisation works in."),
            code="care_client_out_of_reach",
            field="member",
        )
    return care_assign(
        actor=actor, member=member, worker=worker, starts_on=starts_on, organisation=organisation
    )
