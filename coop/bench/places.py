"""The bench's corporation, associations, buildings, units, members and logins, in bulk."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.text import slugify

from coop.bench.data import (
    BENCH_BATCH,
    BENCH_BUILDINGS_PER_ASSOCIATION,
    BENCH_CORPORATION,
    BENCH_DOMAIN,
    BENCH_MEMBER_LOGIN,
    BENCH_PLACES,
    BENCH_STAFF_LOGIN,
    BENCH_STREETS,
    BENCH_UNITS_PER_BUILDING,
    FIRST_NAMES,
    LAST_NAMES,
    BenchData,
)
from coop.demo.logins import DEMO_TOTP_SECRET
from coop.demo.members import (
    AFTOPPINGSGRENS,
    DRAGER,
    REGULAR,
    VRAGER,
    BuildingSpec,
    unit_kind,
    unit_rent,
)
from coop.models import Association, Building, Organisation, StaffLink, Unit, User
from members.models import Member, MixGroupPeriod, Tenancy


def seed_places(data: BenchData) -> None:
    """The corporation, its associations, three buildings each and 50 units a building."""
    slug, name = BENCH_CORPORATION
    name = name if data.copy == 0 else f"{name} {data.copy + 1}"
    data.corporation = Organisation.objects.create(
        slug=data.slug(slug), name=name, kind=Organisation.Kind.CORPORATION
    )
    data.associations = Association.objects.bulk_create(
        [
            Association(
                slug=data.slug(f"bench-{i + 1:02d}-{slugify(place)}"),
                name=f"{'Wooncoöperatie' if i % 4 == 3 else 'Woonvereniging'} {place} ({city})",
                kind=Association.Kind.COOPERATIVE if i % 4 == 3 else Association.Kind.ASSOCIATION,
                corporation=data.corporation,
            )
            for i in range(data.association_count)
            for place, city in [BENCH_PLACES[i % len(BENCH_PLACES)]]
        ]
    )
    buildings = []
    for i, association in enumerate(data.associations):
        city = BENCH_PLACES[i % len(BENCH_PLACES)][1]
        for b in range(BENCH_BUILDINGS_PER_ASSOCIATION):
            buildings.append(
                Building(
                    association=association,
                    name=f"Blok {'ABCDEFGH'[b]}",
                    street_address=f"{BENCH_STREETS[b % len(BENCH_STREETS)]} {10 + 2 * i}",
                    postal_code=f"{3500 + 37 * i + b} {'ABCDEFGH'[b]}{'KLMNPR'[i % 6]}",
                    city=city,
                )
            )
    data.buildings = Building.objects.bulk_create(buildings)
    units = []
    spec = BuildingSpec("", "", "", "", "", BENCH_UNITS_PER_BUILDING, 17, 8)  # 34/16/50 %
    for building in data.buildings:
        for number in range(1, BENCH_UNITS_PER_BUILDING + 1):
            kind = unit_kind(spec, number)
            rent = unit_rent(kind, number)
            units.append(
                Unit(
                    building=building,
                    number=str(number),
                    kind=kind,
                    rent=rent,
                    rent_above_cap=rent > AFTOPPINGSGRENS,
                )
            )
    data.units = Unit.objects.bulk_create(units, batch_size=BENCH_BATCH)
    data.rows.update(
        associations=len(data.associations), buildings=len(data.buildings), units=len(data.units)
    )


_GROUP_OF_UNIT = {Unit.Kind.OMKLAP: VRAGER, Unit.Kind.DRAGER: DRAGER, Unit.Kind.REGULAR: REGULAR}


def _login_unit(data: BenchData) -> int | None:
    """The unit of the member the bench logs in as: the first regular unit, in the bench
    corporation only (members were made one per unit, in unit order)."""
    if data.copy != 0:
        return None
    return next(n for n, u in enumerate(data.units) if u.kind == Unit.Kind.REGULAR)


def seed_members(data: BenchData) -> None:
    """One member per unit, each with a tenancy and an account (as after accepting the
    board's invitation), so every member is in a round's electorate; about one in ten changed
    group once."""
    rng = data.rng
    association_of = {b.pk: b.association for b in data.buildings}
    members, histories = [], []
    for n, unit in enumerate(data.units):
        association = association_of[unit.building_id]
        joined_on = data.today - dt.timedelta(days=rng.randint(30, 2500))
        group = _GROUP_OF_UNIT[unit.kind]
        changed_on = None
        if unit.kind != Unit.Kind.OMKLAP and rng.random() < 0.1:
            days_since = (data.today - joined_on).days
            changed_on = joined_on + dt.timedelta(days=rng.randint(1, days_since))
        members.append(
            Member(
                association=association,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"{data.local(f'bewoner-{n + 1:04d}')}@{BENCH_DOMAIN}",
                joined_on=joined_on,
            )
        )
        histories.append((unit, group, joined_on, changed_on))
    login_unit = _login_unit(data)  # that member gets the bench login's account (seed_logins)
    accounts = {
        n: User(
            email=m.email,
            first_name=m.name.partition(" ")[0],
            last_name=m.name.partition(" ")[2],
            password=data.password,
        )
        for n, m in enumerate(members)
        if n != login_unit
    }
    User.objects.bulk_create(accounts.values(), batch_size=BENCH_BATCH)
    for n, user in accounts.items():
        members[n].user = user
    data.members = Member.objects.bulk_create(members, batch_size=BENCH_BATCH)
    periods, tenancies = [], []
    for member, (unit, group, joined_on, changed_on) in zip(data.members, histories, strict=True):
        if changed_on is not None and changed_on < data.today:
            earlier = REGULAR if group == DRAGER else DRAGER
            periods.append(
                MixGroupPeriod(
                    member=member, group=earlier, starts_on=joined_on, ends_on=changed_on
                )
            )
            periods.append(MixGroupPeriod(member=member, group=group, starts_on=changed_on))
        else:
            periods.append(MixGroupPeriod(member=member, group=group, starts_on=joined_on))
        kind = Tenancy.Kind.OMKLAP if group == VRAGER else Tenancy.Kind.REGULAR
        tenancies.append(Tenancy(member=member, unit=unit, kind=kind, starts_on=joined_on))
    MixGroupPeriod.objects.bulk_create(periods, batch_size=BENCH_BATCH)
    Tenancy.objects.bulk_create(tenancies, batch_size=BENCH_BATCH)
    data.rows.update(
        members=len(data.members),
        accounts=len(accounts),
        periods=len(periods),
        tenancies=len(tenancies),
    )


def seed_logins(data: BenchData) -> None:
    """A plain (regular) member of the first association and the corporation's staff; a copy
    has its own staff account and no member login."""
    users = {}
    staff_login = data.login(BENCH_STAFF_LOGIN)
    for login in (BENCH_MEMBER_LOGIN, staff_login) if data.copy == 0 else (staff_login,):
        user, created = User.objects.get_or_create(
            email=login.email,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "password": data.password,
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        if login.second_factor and created:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[login.email] = user
    data.staff = users[staff_login.email]
    login_unit = _login_unit(data)
    if login_unit is not None:
        member = data.members[login_unit]
        member.user = users[BENCH_MEMBER_LOGIN.email]
        member.save(update_fields=["user"])
    StaffLink.objects.create(
        organisation=data.corporation,
        user=data.staff,
        starts_on=data.today - dt.timedelta(days=365),
    )
