"""The mix of residents per group, on a date, against the association's target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from coop.models import Association, Building, Organisation, Unit
from members import selectors, services
from members.models import Member, MixGroupPeriod, Tenancy
from members.selectors import GROUPS, Mix

pytestmark = pytest.mark.django_db

# The cast's De Kapel: Vera (vrager), Cor and Dirk (drager), Bram and Sanne (regular).
KAPEL_COUNTS = {"vrager": 1, "drager": 2, "regular": 2}


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def make_association(corporation, slug: str, *, target=(35, 15, 50)) -> Association:
    vrager, drager, regular = target
    return Association.objects.create(
        name=f"Woonvereniging {slug.title()}",
        slug=slug,
        kind=Association.Kind.ASSOCIATION,
        corporation=corporation,
        target_vrager=vrager,
        target_drager=drager,
        target_regular=regular,
    )


def make_building(association, name: str) -> Building:
    return Building.objects.create(
        association=association,
        name=name,
        street_address=f"{name}straat 1",
        postal_code="1234 AB",
        city="Amersfoort",
    )


def make_unit(building, number: str) -> Unit:
    return Unit.objects.create(
        building=building, number=number, kind=Unit.Kind.REGULAR, rent=Decimal("600")
    )


def resident(unit, group: str, starts_on: dt.date, *, ends_on=None, name="Bewoner") -> Member:
    member = Member.objects.create(
        association=unit.building.association, name=name, joined_on=starts_on
    )
    MixGroupPeriod.objects.create(member=member, group=group, starts_on=starts_on)
    Tenancy.objects.create(
        member=member, unit=unit, kind="regular", starts_on=starts_on, ends_on=ends_on
    )
    return member


def test_association_mix_counts_shares_and_deviation_against_the_target(cast):
    result = selectors.association_mix(cast.association)

    mix = result.mix
    assert mix.counts == KAPEL_COUNTS
    assert mix.total == 5
    assert mix.unknown == 0
    assert mix.target == {"vrager": 35, "drager": 15, "regular": 50}
    assert mix.shares == pytest.approx({"vrager": 20.0, "drager": 40.0, "regular": 40.0})
    assert mix.deviation == pytest.approx({"vrager": -15.0, "drager": 25.0, "regular": -10.0})
    assert mix.max_deviation == pytest.approx(25.0)
    rows = {row.group: row for row in mix.rows}
    assert (rows["drager"].count, rows["drager"].target) == (2, 15)
    assert rows["drager"].deviation == pytest.approx(25.0)


def test_association_mix_splits_the_counts_per_building(cast, today):
    annex = make_building(cast.association, "Kapelhof")
    resident(make_unit(annex, "A"), "vrager", today)
    resident(make_unit(annex, "B"), "vrager", today)

    result = selectors.association_mix(cast.association)

    assert result.mix.counts == {"vrager": 3, "drager": 2, "regular": 2}
    per_building = {building.name: mix for building, mix in result.buildings}
    assert set(per_building) == {"Kapelgebouw", "Kapelhof"}
    assert per_building["Kapelgebouw"].counts == KAPEL_COUNTS
    assert per_building["Kapelhof"].counts == {"vrager": 2, "drager": 0, "regular": 0}
    assert per_building["Kapelhof"].shares == pytest.approx(
        {"vrager": 100.0, "drager": 0.0, "regular": 0.0}
    )
    assert per_building["Kapelhof"].deviation == pytest.approx(
        {"vrager": 65.0, "drager": -15.0, "regular": -50.0}
    )


def test_a_building_without_residents_has_an_empty_mix(cast):
    make_building(cast.association, "Nieuwbouw")

    result = selectors.association_mix(cast.association)

    empty = dict((b.name, mix) for b, mix in result.buildings)["Nieuwbouw"]
    assert empty.counts == {"vrager": 0, "drager": 0, "regular": 0}
    assert empty.shares == {"vrager": 0.0, "drager": 0.0, "regular": 0.0}


def test_a_member_who_moved_from_vrager_to_drager_counts_as_drager_from_that_day(cast, today):
    moved_on = today - dt.timedelta(days=50)
    services.member_set_group(
        actor=cast.board, member=cast.vrager_member, group="drager", starts_on=moved_on
    )

    before = selectors.association_mix(cast.association, on=moved_on - dt.timedelta(days=1))
    on_the_day = selectors.association_mix(cast.association, on=moved_on)
    now = selectors.association_mix(cast.association)

    assert before.mix.counts == {"vrager": 1, "drager": 2, "regular": 2}
    assert on_the_day.mix.counts == {"vrager": 0, "drager": 3, "regular": 2}
    assert now.mix.counts == {"vrager": 0, "drager": 3, "regular": 2}
    assert dict(on_the_day.buildings)[cast.building].counts == on_the_day.mix.counts


def test_an_ended_tenancy_no_longer_counts_from_its_end_date(cast, today):
    ended_on = today - dt.timedelta(days=10)
    services.tenancy_end(
        actor=cast.board, tenancy=cast.vrager_member.tenancies.get(), ends_on=ended_on
    )

    last_day = selectors.association_mix(cast.association, on=ended_on - dt.timedelta(days=1))
    after = selectors.association_mix(cast.association, on=ended_on)

    assert last_day.mix.counts["vrager"] == 1
    assert after.mix.counts == {"vrager": 0, "drager": 2, "regular": 2}
    assert selectors.association_mix(cast.association).mix.counts["vrager"] == 0


def test_a_future_tenancy_counts_only_from_its_start(cast, today):
    starts_on = today + dt.timedelta(days=20)
    resident(cast.units[1], "vrager", starts_on)

    now = selectors.association_mix(cast.association)
    later = selectors.association_mix(cast.association, on=starts_on)

    assert now.mix.counts == KAPEL_COUNTS
    assert later.mix.counts == {"vrager": 2, "drager": 2, "regular": 2}


def test_a_member_without_a_tenancy_does_not_count(cast, today):
    services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="",
        group="vrager",
        joined_on=today,
    )

    assert selectors.association_mix(cast.association).mix.counts == KAPEL_COUNTS


def test_a_resident_without_a_group_on_that_day_counts_as_unknown(cast, today):
    member = resident(cast.units[1], "vrager", today - dt.timedelta(days=5))
    MixGroupPeriod.objects.filter(member=member).update(starts_on=today + dt.timedelta(days=5))

    mix = selectors.association_mix(cast.association).mix

    assert mix.counts == KAPEL_COUNTS
    assert mix.unknown == 1


def test_corporation_mixes_list_every_association_including_one_without_residents(cast):
    empty = make_association(cast.corporation, "leeg", target=(20, 20, 60))
    elsewhere = Organisation.objects.create(
        name="Woonstichting Elders", kind=Organisation.Kind.CORPORATION, slug="elders"
    )
    other = make_association(elsewhere, "elders")
    resident(make_unit(make_building(other, "Elders"), "1"), "vrager", timezone.localdate())

    mixes = selectors.corporation_mixes(cast.corporation)

    assert [m.association for m in mixes] == sorted(
        [cast.association, cast.other_association, empty], key=lambda a: a.name
    )
    by_slug = {m.association.slug: m.mix for m in mixes}
    assert by_slug["de-kapel"].counts == KAPEL_COUNTS
    assert by_slug["het-erf"].counts == {"vrager": 0, "drager": 0, "regular": 1}
    assert by_slug["het-erf"].shares == pytest.approx(
        {"vrager": 0.0, "drager": 0.0, "regular": 100.0}
    )
    assert by_slug["leeg"].counts == {"vrager": 0, "drager": 0, "regular": 0}
    assert by_slug["leeg"].shares == {"vrager": 0.0, "drager": 0.0, "regular": 0.0}
    assert by_slug["leeg"].total == 0
    assert by_slug["leeg"].target == {"vrager": 20, "drager": 20, "regular": 60}
    assert by_slug["leeg"].deviation == pytest.approx(
        {"vrager": -20.0, "drager": -20.0, "regular": -60.0}
    )


def test_corporation_mixes_follow_the_date(cast, today):
    moved_on = today - dt.timedelta(days=50)
    services.member_set_group(
        actor=cast.board, member=cast.vrager_member, group="drager", starts_on=moved_on
    )

    before = selectors.corporation_mixes(cast.corporation, on=moved_on - dt.timedelta(days=1))
    after = selectors.corporation_mixes(cast.corporation, on=moved_on)

    kapel = cast.association
    assert next(m.mix for m in before if m.association == kapel).counts["vrager"] == 1
    assert next(m.mix for m in after if m.association == kapel).counts == {
        "vrager": 0,
        "drager": 3,
        "regular": 2,
    }


def test_the_projected_mix_replaces_the_current_resident_by_the_new_one(cast):
    # Unit 1 is Vera's, a vrager; a drager would take her place.
    projected = selectors.unit_outlook(cast.units[0]).projections["drager"]

    assert projected.counts == {"vrager": 0, "drager": 3, "regular": 2}
    assert projected.target == cast.association.mix_target


def test_the_projected_mix_of_an_empty_unit_only_adds_the_new_resident(cast):
    projected = selectors.unit_outlook(cast.units[1]).projections["regular"]

    assert projected.counts == {"vrager": 1, "drager": 2, "regular": 3}
    assert projected.shares == pytest.approx(
        {"vrager": 100 / 6, "drager": 200 / 6, "regular": 50.0}
    )


def test_the_projected_mix_counts_only_the_units_building(cast, today):
    annex = make_building(cast.association, "Kapelhof")
    unit = make_unit(annex, "A")
    resident(unit, "drager", today - dt.timedelta(days=3))

    projected = selectors.unit_outlook(unit).projections["vrager"]

    assert projected.counts == {"vrager": 1, "drager": 0, "regular": 0}


def test_the_projected_mix_uses_the_groups_on_that_day(cast, today):
    moved_on = today - dt.timedelta(days=50)
    services.member_set_group(
        actor=cast.board, member=cast.drager_member, group="regular", starts_on=moved_on
    )

    earlier = selectors.unit_outlook(cast.units[0], on=moved_on - dt.timedelta(days=1)).projections[
        "vrager"
    ]
    now = selectors.unit_outlook(cast.units[0]).projections["vrager"]

    assert earlier.counts == {"vrager": 1, "drager": 2, "regular": 2}
    assert now.counts == {"vrager": 1, "drager": 1, "regular": 3}


def test_suggested_group_picks_the_group_that_brings_the_mix_closest_to_the_target(cast, today):
    association = make_association(cast.corporation, "nieuw", target=(35, 15, 50))
    building = make_building(association, "Nieuw")
    resident(make_unit(building, "1"), "regular", today)
    resident(make_unit(building, "2"), "regular", today)

    mix = selectors.association_mix(association).mix

    # Adding a vrager gives 33/0/67 (worst 16.7 points off), a drager 0/33/67 (35 points),
    # a regular tenant 0/0/100 (50 points).
    assert mix.suggested_group() == "vrager"
    assert mix.suggested_group_label == "vrager"


def test_suggested_group_weighs_every_group_against_the_target():
    target = {"vrager": 35, "drager": 15, "regular": 50}
    mix = Mix(counts={"vrager": 1, "drager": 1, "regular": 2}, target=target)

    # Plus a vrager: 40/20/40 (10 points off); plus a drager: 20/40/40 (25 points off);
    # plus a regular tenant: 20/20/60 (15 points off).
    assert mix.suggested_group() == "vrager"
    assert mix.with_change(add="vrager", remove=None).max_deviation == pytest.approx(10.0)


@given(
    counts=st.fixed_dictionaries({g: st.integers(0, 40) for g in GROUPS}),
    vrager=st.integers(0, 100),
    drager=st.integers(0, 100),
)
def test_suggested_group_is_never_worse_than_any_other_group(counts, vrager, drager):
    drager = min(drager, 100 - vrager)
    target = {"vrager": vrager, "drager": drager, "regular": 100 - vrager - drager}
    mix = Mix(counts=counts, target=target)

    suggested = mix.suggested_group()

    best = mix.with_change(add=suggested, remove=None).max_deviation
    for group in GROUPS:
        assert best <= mix.with_change(add=group, remove=None).max_deviation


def _bulk_residents(association, n: int, on: dt.date) -> None:
    building = make_building(association, "Blok")
    units = Unit.objects.bulk_create(
        Unit(building=building, number=str(i), kind=Unit.Kind.REGULAR, rent=Decimal("500"))
        for i in range(n)
    )
    members = Member.objects.bulk_create(
        Member(association=association, name=f"Bewoner {i}", joined_on=on) for i in range(n)
    )
    MixGroupPeriod.objects.bulk_create(
        MixGroupPeriod(member=m, group=GROUPS[i % 3], starts_on=on) for i, m in enumerate(members)
    )
    Tenancy.objects.bulk_create(
        Tenancy(member=m, unit=u, kind="regular", starts_on=on)
        for m, u in zip(members, units, strict=True)
    )


@pytest.mark.parametrize("n", [3, 30])
def test_association_mix_uses_two_queries_whatever_the_number_of_residents(
    cast, today, django_assert_num_queries, n
):
    association = make_association(cast.corporation, "groot")
    _bulk_residents(association, n, today)
    make_building(association, "Leeg")

    # 1: resident counts per building and group; 2: the association's buildings.
    with django_assert_num_queries(2):
        result = selectors.association_mix(association)
        rows = [row.deviation for row in result.mix.rows]
        names = [(b.name, m.total) for b, m in result.buildings]

    assert result.mix.total == n
    assert len(rows) == 3
    assert sorted(names) == [("Blok", n), ("Leeg", 0)]


@pytest.mark.parametrize("n", [3, 30])
def test_corporation_mixes_use_two_queries_whatever_the_number_of_residents(
    cast, today, django_assert_num_queries, n
):
    association = make_association(cast.corporation, "groot")
    _bulk_residents(association, n, today)
    make_association(cast.corporation, "leeg")

    # 1: the corporation's associations; 2: resident counts per building and group.
    with django_assert_num_queries(2):
        mixes = selectors.corporation_mixes(cast.corporation)
        rows = [(m.association.name, m.mix.total, m.mix.rows) for m in mixes]

    assert len(rows) == 4
    assert {m.association.slug: m.mix.total for m in mixes}["groot"] == n
