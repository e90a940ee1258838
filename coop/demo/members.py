"""The demo's organisations, associations, buildings and residents, made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.text import slugify

from coop.demo.base import Seeder
from coop.demo.logins import DEMO_TOTP_SECRET, LOGINS, DemoLogin, demo_email
from coop.models import (
    Association,
    Organisation,
    StaffLink,
    Unit,
    User,
)
from coop.site.services import association_create
from coop.site.setup import services as setup_services
from members import services
from members.models import (
    CareAssignment,
    Member,
    MixGroup,
    Role,
    Tenancy,
)

VRAGER, DRAGER, REGULAR = MixGroup.VRAGER, MixGroup.DRAGER, MixGroup.REGULAR

CORPORATION = ("nieuw-kwartier", "Woonstichting Nieuw Kwartier")
CARE = ("de-overstap", "Zorgstichting De Overstap")


@dataclass(frozen=True)
class BuildingSpec:
    key: str
    name: str
    street_address: str
    postal_code: str
    city: str
    units: int
    omklap: int  # the first units are omklap units, then drager units, then regular ones
    drager: int


@dataclass(frozen=True)
class Resident:
    name: str
    unit: str  # "<building key>-<number>"
    # (group, days ago it started); the first entry is the day the member joined.
    groups: tuple[tuple[str, int], ...]
    roles: tuple[str, ...] = ()
    login: str | None = None
    # Roles held once and ended: (role, days ago it started, days ago it ended).
    ended_roles: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class AssociationSpec:
    slug: str
    name: str
    kind: str
    omklap_length_months: int
    buildings: tuple[BuildingSpec, ...]
    residents: tuple[Resident, ...]


def _r(name, unit, *groups, roles=(), login=None, ended_roles=()) -> Resident:
    return Resident(
        name=name, unit=unit, groups=groups, roles=roles, login=login, ended_roles=ended_roles
    )


ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        slug="de-zonnewijzer",
        name="Woonvereniging De Zonnewijzer",
        kind=Association.Kind.ASSOCIATION,
        omklap_length_months=36,
        buildings=(
            BuildingSpec(
                "N", "Zonnewijzer Noord", "Kloosterlaan 12", "3572 BK", "Utrecht", 12, 4, 2
            ),
            BuildingSpec(
                "Z", "Zonnewijzer Zuid", "Kloosterlaan 14", "3572 BK", "Utrecht", 12, 4, 2
            ),
        ),
        residents=(
            _r("Sanne Bakker", "N-1", (VRAGER, 300), login="vrager"),
            _r("Kevin Smit", "N-2", (VRAGER, 520)),
            _r("Priscilla Koster", "N-3", (VRAGER, 150)),
            _r("Dennis van Dijk", "N-4", (VRAGER, 700)),
            _r("Thijs de Vries", "N-5", (DRAGER, 900), login="drager"),
            _r("Lotte Hendriks", "N-6", (DRAGER, 640)),
            _r("Marieke Jansen", "N-7", (REGULAR, 1100), roles=(Role.BOARD,), login="board"),
            _r(
                "Youssef El Amrani",
                "N-8",
                (REGULAR, 1000),
                roles=(Role.SELECTION,),
                login="selection",
            ),
            _r("Gerard Bos", "N-9", (REGULAR, 1050), roles=(Role.BOARD,)),
            _r("Emine Yilmaz", "N-10", (REGULAR, 820), roles=(Role.BOARD,)),
            _r("Jan-Willem de Boer", "N-11", (REGULAR, 760), roles=(Role.SELECTION,)),
            _r(
                "Iris Peters",
                "N-12",
                (REGULAR, 400),
                ended_roles=((Role.COORDINATOR, 380, 60),),
            ),
            _r("Ricardo Martina", "Z-1", (VRAGER, 260)),
            _r("Chantal de Groot", "Z-2", (VRAGER, 610)),
            _r("Mohamed Bouzid", "Z-3", (VRAGER, 90)),
            # Z-4 (omklap) stands empty: the care organisation is about to nominate someone.
            _r(
                "Fenna Mulder",
                "Z-5",
                (REGULAR, 980),
                (DRAGER, 365),
                roles=(Role.COORDINATOR,),
                login="coordinator",
            ),
            _r("Bas Vermeulen", "Z-6", (REGULAR, 870), (DRAGER, 200)),
            _r("Noor van Leeuwen", "Z-7", (REGULAR, 720), roles=(Role.SELECTION,)),
            _r("Pieter Dekker", "Z-8", (DRAGER, 1000), (REGULAR, 180)),
            _r("Ayşe Kaya", "Z-9", (REGULAR, 560)),
            _r("Wim Brouwer", "Z-10", (REGULAR, 940), roles=(Role.COORDINATOR,)),
            _r("Esther de Jong", "Z-11", (REGULAR, 330)),
            # Z-12 stands empty: a regular vacancy for the association's co-optation.
        ),
    ),
    AssociationSpec(
        slug="het-weverhof",
        name="Wooncoöperatie Het Weverhof",
        kind=Association.Kind.COOPERATIVE,
        omklap_length_months=24,
        buildings=(BuildingSpec("W", "Weverhof", "Weversgang 8", "8011 XP", "Zwolle", 10, 3, 2),),
        residents=(
            _r("Dylan Hoekstra", "W-1", (VRAGER, 420)),
            _r("Melissa Wolters", "W-2", (VRAGER, 130)),
            _r("Harm Scholten", "W-4", (DRAGER, 800)),
            _r("Gerda Nijland", "W-5", (REGULAR, 760), (DRAGER, 300)),
            _r("Jeroen Postma", "W-6", (REGULAR, 900), roles=(Role.BOARD,)),
            _r("Annemiek Kuipers", "W-7", (REGULAR, 880), roles=(Role.BOARD,)),
            _r("Ruud Prins", "W-8", (REGULAR, 650), roles=(Role.SELECTION,)),
            _r("Hatice Demir", "W-9", (REGULAR, 240)),
        ),
    ),
)


def unit_rent(kind: str, number: int) -> Decimal:
    base = {Unit.Kind.OMKLAP: Decimal("545.00"), Unit.Kind.DRAGER: Decimal("640.00")}.get(
        kind, Decimal("690.00")
    )
    return base + Decimal("12.50") * (number % 5)


# Above this monthly rent a tenant gets no housing allowance for the excess (illustrative).
AFTOPPINGSGRENS = Decimal("720.00")


def unit_kind(spec: BuildingSpec, number: int) -> str:
    if number <= spec.omklap:
        return Unit.Kind.OMKLAP
    if number <= spec.omklap + spec.drager:
        return Unit.Kind.DRAGER
    return Unit.Kind.REGULAR


def resident_email(name: str) -> str:
    return demo_email(".".join(slugify(part) for part in name.split()))


def user(seeder: Seeder, login: DemoLogin) -> User:
    user = User.objects.filter(email=login.email).first()
    if user is None:
        user = User(
            email=login.email,
            first_name=login.first_name,
            last_name=login.last_name,
            password=seeder.password,
        )
        user.save()
        seeder.created += 1
    if user.is_superuser or user.is_staff:
        # Demo data from before editors had their own group made this login a superuser.
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
    _, created = EmailAddress.objects.get_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    seeder.created += created
    if (
        login.second_factor
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
        seeder.created += 1
    return user


def organisation(seeder: Seeder, slug: str, name: str, *, kind: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = setup_services.organisation_create(
            actor=seeder.admin, name=name, kind=kind, slug=slug
        )
        seeder.created += 1
    return organisation


def staff_link(seeder: Seeder, organisation: Organisation, user: User, starts_on: dt.date) -> None:
    if not StaffLink.objects.current().filter(organisation=organisation, user=user).exists():
        services.staff_link_add(
            actor=seeder.admin, organisation=organisation, user=user, starts_on=starts_on
        )
        seeder.created += 1


@dataclass(frozen=True)
class Colleague:
    """A staff member without a demo login: invited by a colleague, perhaps gone again."""

    email: str
    first_name: str
    last_name: str
    starts_days: int
    ends_days: int | None = None  # days ago the access ended; None: it still runs


# A former colleague at the corporation: the staff page shows an access that ended.
FORMER_CORPORATION_COLLEAGUE = Colleague(
    demo_email("oud-collega"), "Petra", "van den Berg", 700, 120
)
# A second care worker, handing her one client over to Zoë Verbeek soon.
CARE_COLLEAGUE = Colleague(demo_email("zorg-collega"), "Joost", "Meijer", 500)
# (client, days ago the guidance started, days ahead it ends)
CARE_COLLEAGUE_CLIENT = ("Kevin Smit", 400, 45)


def colleague(seeder: Seeder, organisation: Organisation, spec: Colleague, *, by: User) -> User:
    """Invite a colleague through the staff page's service (an account without a password
    yet), and end the access when the colleague has left."""
    user = User.objects.filter(email=spec.email).first()
    if user is not None:
        return user
    link = services.staff_invite(
        actor=by,
        organisation=organisation,
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
        language="nl",
        starts_on=seeder.days_ago(spec.starts_days),
    )
    if spec.ends_days is not None:
        services.staff_link_end(actor=by, link=link, ends_on=seeder.days_ago(spec.ends_days))
    seeder.created += 1
    return link.user


def care_handover(seeder: Seeder, care: Organisation) -> None:
    """The care colleague guides one client until a date ahead: the care page shows an
    assignment with its end."""
    worker = colleague(seeder, care, CARE_COLLEAGUE, by=seeder.users["care_worker"])
    name, starts_days, ends_ahead = CARE_COLLEAGUE_CLIENT
    member = Member.objects.get(name=name, association__slug=ASSOCIATIONS[0].slug)
    if CareAssignment.objects.filter(member=member, worker=worker).exists():
        return
    assignment = services.care_assign(
        actor=seeder.users["care_worker"],
        member=member,
        worker=worker,
        starts_on=seeder.days_ago(starts_days),
        organisation=care,
    )
    services.care_assignment_end(
        actor=seeder.users["care_worker"],
        assignment=assignment,
        ends_on=seeder.today + dt.timedelta(days=ends_ahead),
    )
    seeder.created += 1


def association(seeder: Seeder, spec: AssociationSpec, corporation: Organisation) -> Association:
    association = Association.objects.filter(slug=spec.slug).first()
    if association is None:
        association = association_create(
            actor=seeder.users["corporation_staff"],
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            corporation=corporation,
            omklap_length_months=spec.omklap_length_months,
        )
        seeder.created += 1
    return association


def units(seeder: Seeder, association: Association, spec: AssociationSpec) -> dict[str, Unit]:
    actor = seeder.users["corporation_staff"]
    units: dict[str, Unit] = {}
    for b in spec.buildings:
        building = association.buildings.filter(name=b.name).first()
        if building is None:
            building = setup_services.building_create(
                actor=actor,
                association=association,
                name=b.name,
                street_address=b.street_address,
                postal_code=b.postal_code,
                city=b.city,
            )
            seeder.created += 1
        existing = {unit.number: unit for unit in building.units.all()}
        for number in range(1, b.units + 1):
            unit = existing.get(str(number))
            if unit is None:
                kind = unit_kind(b, number)
                rent = unit_rent(kind, number)
                unit = setup_services.unit_create(
                    actor=actor,
                    building=building,
                    number=str(number),
                    kind=kind,
                    rent=rent,
                    rent_above_cap=rent > AFTOPPINGSGRENS,
                )
                seeder.created += 1
            units[f"{b.key}-{number}"] = unit
    return units


def resident(seeder: Seeder, association: Association, units: dict[str, Unit], r: Resident) -> None:
    email = LOGINS[r.login].email if r.login else resident_email(r.name)
    if association.members.filter(email=email).exists():
        return
    first_group, joined_days = r.groups[0]
    joined_on = seeder.days_ago(joined_days)
    unit = units[r.unit]
    current_group = r.groups[-1][0]
    omklap = unit.kind == Unit.Kind.OMKLAP and current_group == VRAGER
    # The board registers someone who already lives there: member and tenancy in one step.
    tenancy = services.resident_register(
        actor=seeder.admin,
        association=association,
        name=r.name,
        email=email,
        group=first_group,
        unit=unit,
        tenancy_kind=Tenancy.Kind.OMKLAP if omklap else Tenancy.Kind.REGULAR,
        starts_on=joined_on,
    )
    member = tenancy.member
    for group, days in r.groups[1:]:
        services.member_set_group(
            actor=seeder.admin, member=member, group=group, starts_on=seeder.days_ago(days)
        )
    if r.login:
        # The account exists already; in real life invitation_accept links it.
        member.user = seeder.users[r.login]
        member.save(update_fields=["user"])
    for role in r.roles:
        services.role_assign(
            actor=seeder.admin,
            member=member,
            role=role,
            starts_on=min(joined_on + dt.timedelta(days=30), seeder.today),
        )
    for role, starts_days, ends_days in r.ended_roles:
        assignment = services.role_assign(
            actor=seeder.admin, member=member, role=role, starts_on=seeder.days_ago(starts_days)
        )
        services.role_end(
            actor=seeder.admin, assignment=assignment, ends_on=seeder.days_ago(ends_days)
        )
    if current_group == VRAGER:
        services.care_assign(
            actor=seeder.admin,
            member=member,
            worker=seeder.users["care_worker"],
            starts_on=joined_on,
        )
    seeder.created += 1


# A resident the board invited who has not signed up yet: the register shows the open invitation.
INVITED_RESIDENT = "Esther de Jong"


def pending_invitation(seeder: Seeder, association: Association) -> None:
    member = association.members.get(name=INVITED_RESIDENT)
    if member.user_id is None and not member.invitations.exists():
        services.invitation_send(actor=seeder.users["board"], member=member)
        seeder.created += 1


def resident_account(seeder: Seeder, member: Member) -> None:
    """A resident accepts the board's invitation: an account with the demo password."""
    if member.user_id is not None:
        return
    invitation = services.invitation_send(actor=seeder.admin, member=member)
    # The resident signs up with the invited address (allauth's sign-up makes the account).
    first_name, _, last_name = member.name.partition(" ")
    user = User.objects.create(
        email=member.email, first_name=first_name, last_name=last_name, password=seeder.password
    )
    EmailAddress.objects.create(user=user, email=member.email, verified=True, primary=True)
    services.invitation_accept(invitation=invitation, user=user)
    member.refresh_from_db(fields=["user"])
    seeder.created += 1
