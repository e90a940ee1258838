"""The calendar services: recurrence, sign-ups and waiting lists, changes, attendance."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities import services
from activities.models import (
    Activity,
    CalendarToken,
    Category,
    Frequency,
    Occurrence,
    SignUp,
)
from activities.services import ActivityData
from coop.exceptions import DomainError
from coop.models import AuditEntry
from members.services import member_register
from tests.activities.conftest import at, next_weekday

pytestmark = pytest.mark.django_db


def local_starts(activity: Activity) -> list[dt.datetime]:
    return [timezone.localtime(o.starts_at) for o in activity.occurrences.order_by("starts_at")]


def extra_member(cast, name: str, email: str):
    from tests.conftest import make_user

    member = member_register(
        actor=None,
        association=cast.association,
        name=name,
        email=email,
        group="regular",
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    member.user = make_user(email)
    member.save(update_fields=["user"])
    return member


# --- categories ---------------------------------------------------------------------------


def test_every_association_gets_the_standard_categories_once(cast):
    created = services.categories_ensure(association=cast.association)
    again = services.categories_ensure(association=cast.association)

    assert {c.key for c in created} == {
        "coffee_morning",
        "language_lessons",
        "garden",
        "give_away_shop",
        "shared_meal",
        "odd_job_service",
        "meeting",
    }
    assert again == []


def test_the_data_migration_gives_existing_associations_the_standard_categories(cast):
    migration = importlib.import_module("activities.migrations.0002_standard_categories")

    migration.add_categories(apps, None)
    migration.add_categories(apps, None)

    assert Category.objects.filter(association=cast.other_association).count() == 7


def test_standard_categories_are_shown_in_dutch(categories):
    from django.utils import translation

    with translation.override("nl"):
        assert categories["coffee_morning"].label == "koffieochtend"
    with translation.override("en"):
        assert categories["coffee_morning"].label == "coffee morning"


def test_a_coordinator_adds_and_renames_categories_but_not_to_a_name_in_use(cast, categories):
    category = services.category_add(
        actor=cast.coordinator, association=cast.association, name="  Fietsreparatie "
    )
    renamed = services.category_rename(
        actor=cast.coordinator, category=categories["garden"], name="Moestuin"
    )

    assert category.name == "Fietsreparatie"
    assert renamed.label == "Moestuin"
    assert renamed.key == ""
    with pytest.raises(DomainError) as raised:
        services.category_add(
            actor=cast.coordinator, association=cast.association, name="fietsreparatie"
        )
    assert raised.value.code == "category_name_taken"
    assert raised.value.field == "name"
    assert AuditEntry.objects.filter(action="category.renamed").count() == 1


def test_the_database_refuses_a_category_name_in_use_in_another_case(cast, categories):
    Category.objects.create(association=cast.association, name="Fietsreparatie")

    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(association=cast.association, name="FIETSREPARATIE")

    Category.objects.create(association=cast.other_association, name="FIETSREPARATIE")
    assert Category.objects.filter(name__iexact="fietsreparatie").count() == 2


def test_standard_categories_skip_a_name_the_association_chose_in_another_case(cast):
    Category.objects.filter(association=cast.other_association).delete()
    Category.objects.create(association=cast.other_association, name="Garden")

    created = services.categories_ensure(association=cast.other_association)

    assert "garden" not in {c.key for c in created}
    assert cast.other_association.activity_categories.filter(name__iexact="garden").count() == 1


# --- recurrence ---------------------------------------------------------------------------


def test_a_weekly_activity_gets_one_date_a_week_up_to_its_count(plan):
    activity = plan(frequency=Frequency.WEEKLY, count=6)

    starts = local_starts(activity)
    assert len(starts) == 6
    assert [(b.date() - a.date()).days for a, b in itertools.pairwise(starts)] == [7] * 5
    assert {s.time() for s in starts} == {dt.time(10)}


def test_every_other_week_until_a_date(plan):
    first = next_weekday(1)
    activity = plan(frequency=Frequency.WEEKLY, interval=2, until=first + dt.timedelta(days=42))

    assert [s.date() for s in local_starts(activity)] == [
        first + dt.timedelta(days=14 * n) for n in range(4)
    ]


def test_monthly_on_the_second_tuesday(plan):
    today = timezone.localdate()
    year, month = (today.year + (today.month // 12), today.month % 12 + 1)
    first_of_next = dt.date(year, month, 1)
    second_tuesday = next_weekday(1, after=first_of_next - dt.timedelta(days=1)) + dt.timedelta(
        days=7
    )
    activity = plan(day=second_tuesday, frequency=Frequency.MONTHLY_WEEKDAY, count=4)

    days = [s.date() for s in local_starts(activity)]
    assert len(days) == 4
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 for d in days)


def test_monthly_on_a_date(plan):
    today = timezone.localdate()
    day = dt.date(today.year + (today.month // 12), today.month % 12 + 1, 15)
    activity = plan(day=day, frequency=Frequency.MONTHLY_DATE, count=3)

    assert [s.date().day for s in local_starts(activity)] == [15, 15, 15]


@time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_weekly_activity_keeps_its_wall_clock_time_across_daylight_saving(plan):
    activity = plan(day=dt.date(2026, 10, 20), frequency=Frequency.WEEKLY, count=3)

    starts = local_starts(activity)
    assert [s.hour for s in starts] == [10, 10, 10]
    assert starts[0].utcoffset() != starts[-1].utcoffset()


def test_a_weekly_activity_without_end_is_stored_up_to_the_horizon(plan):
    activity = plan(frequency=Frequency.WEEKLY)

    assert 52 <= activity.occurrences.count() <= 53


def test_the_daily_task_adds_dates_that_came_within_the_horizon(plan):
    from activities import tasks

    activity = plan(frequency=Frequency.WEEKLY)
    before = activity.occurrences.count()
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        added = tasks.occurrences_extend()

    assert added >= 4
    assert activity.occurrences.count() == before + added


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"ends_at": "before"}, "ends_at", "ends_before_start"),
        ({"starts_at": "past"}, "starts_at", "start_in_past"),
        ({"frequency": "daily"}, "frequency", "frequency_invalid"),
        ({"frequency": Frequency.WEEKLY, "count": 3, "until": "soon"}, "count", "until_and_count"),
        ({"frequency": Frequency.WEEKLY, "interval": 13}, "interval", "interval_out_of_range"),
        ({"capacity": 0}, "capacity", "capacity_out_of_range"),
        ({"title": "   "}, "title", "required"),
        ({"category": "other"}, "category", "category_invalid"),
    ],
)
def test_planning_refuses_bad_input_and_stores_nothing(cast, plan, change, field, code):
    day = next_weekday(1)
    values = dict(change)
    if values.get("ends_at") == "before":
        values["ends_at"] = at(day, 9)
    if values.get("starts_at") == "past":
        values["starts_at"] = timezone.now() - dt.timedelta(hours=3)
        values["ends_at"] = values["starts_at"] + dt.timedelta(hours=1)
    if values.get("until") == "soon":
        values["until"] = day + dt.timedelta(days=30)
    if values.get("category") == "other":
        values["category"] = Category.objects.filter(association=cast.other_association).first()

    with pytest.raises(DomainError) as raised:
        plan(**values)
    assert raised.value.code == code

    assert raised.value.field == field
    assert Activity.objects.count() == 0
    assert Occurrence.objects.count() == 0


# --- proposals ----------------------------------------------------------------------------


def test_a_member_proposes_and_a_coordinator_approves(cast, categories):
    day = next_weekday(3)
    proposal = services.activity_propose(
        actor=cast.drager,
        member=cast.drager_member,
        data=ActivityData(
            title="Taalcafé",
            category=categories["language_lessons"],
            location="Bibliotheekhoek",
            starts_at=at(day, 19),
            ends_at=at(day, 20, 30),
            frequency=Frequency.WEEKLY,
            count=4,
        ),
    )
    assert proposal.status == Activity.Status.PROPOSED
    assert proposal.occurrences.count() == 0
    assert list(proposal.organisers.all()) == [cast.drager_member]

    services.activity_approve(actor=cast.coordinator, activity=proposal)

    proposal.refresh_from_db()
    assert proposal.status == Activity.Status.PLANNED
    assert proposal.occurrences.count() == 4
    with pytest.raises(DomainError) as raised:
        services.activity_approve(actor=cast.coordinator, activity=proposal)
    assert raised.value.code == "activity_not_proposed"


# --- sign-ups -----------------------------------------------------------------------------


def test_a_sign_up_beyond_capacity_goes_on_the_waiting_list(cast, weekly):
    occurrence = weekly.occurrences.first()
    third = extra_member(cast, "Derde Lid", "derde@example.org")

    first = services.signup_create(
        actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member
    )
    second = services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    waiting = services.signup_create(actor=third.user, occurrence=occurrence, member=third)

    assert [first.status, second.status, waiting.status] == ["confirmed", "confirmed", "waiting"]


def test_a_member_cannot_sign_up_twice_for_the_same_date(cast, weekly):
    occurrence = weekly.occurrences.first()
    services.signup_create(actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member)

    with pytest.raises(DomainError) as raised:
        services.signup_create(actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member)
    assert raised.value.code == "already_signed_up"
    assert SignUp.objects.count() == 1


def test_cancelling_moves_the_first_waiting_member_up_and_tells_them(
    cast, weekly, django_capture_on_commit_callbacks
):
    occurrence = weekly.occurrences.first()
    third = extra_member(cast, "Derde Lid", "derde@example.org")
    fourth = extra_member(cast, "Vierde Lid", "vierde@example.org")
    kept = services.signup_create(
        actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member
    )
    leaving = services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    services.signup_create(actor=third.user, occurrence=occurrence, member=third)
    services.signup_create(actor=fourth.user, occurrence=occurrence, member=fourth)

    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(actor=cast.drager, signup=leaving)

    statuses = dict(occurrence.signups.values_list("member__name", "status"))
    assert statuses == {
        cast.vrager_member.name: "confirmed",
        "Derde Lid": "confirmed",
        "Vierde Lid": "waiting",
    }
    assert kept.pk in set(occurrence.signups.values_list("pk", flat=True))
    assert [m.to for m in mail.outbox] == [["derde@example.org"]]
    assert "Koffieochtend" in mail.outbox[0].body


def test_raising_the_capacity_moves_waiting_members_up(cast, weekly):
    occurrence = weekly.occurrences.first()
    third = extra_member(cast, "Derde Lid", "derde@example.org")
    for member in (cast.vrager_member, cast.drager_member, third):
        services.signup_create(actor=member.user, occurrence=occurrence, member=member)

    services.activity_update(
        actor=cast.coordinator, activity=weekly, data=data_of(weekly, capacity=3)
    )

    assert occurrence.signups.filter(status="waiting").count() == 0


def test_nobody_signs_up_for_a_cancelled_or_past_date(cast, weekly):
    first, second = weekly.occurrences.all()[:2]
    services.occurrence_cancel(actor=cast.coordinator, occurrence=first, reason="Ziek")

    with pytest.raises(DomainError) as raised:
        services.signup_create(actor=cast.vrager, occurrence=first, member=cast.vrager_member)
    assert raised.value.code == "occurrence_cancelled"
    with (
        time_machine.travel(second.starts_at + dt.timedelta(minutes=1)),
        pytest.raises(DomainError) as raised,
    ):
        services.signup_create(actor=cast.vrager, occurrence=second, member=cast.vrager_member)
    assert raised.value.code == "occurrence_started"
    with pytest.raises(DomainError) as raised:
        services.signup_create(actor=cast.outsider, occurrence=second, member=cast.outsider_member)
    assert raised.value.code == "signup_outsider"
    assert SignUp.objects.count() == 0


# --- changes ------------------------------------------------------------------------------


def data_of(activity: Activity, **changes) -> ActivityData:
    fields = {
        "title": activity.title,
        "category": activity.category,
        "location": activity.location,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "description": activity.description,
        "frequency": activity.frequency,
        "interval": activity.interval,
        "until": activity.until,
        "count": activity.count,
        "capacity": activity.capacity,
        "visibility": activity.visibility,
        "organisers": list(activity.organisers.all()),
    }
    fields.update(changes)
    return ActivityData(**fields)


def test_editing_the_time_keeps_the_sign_ups_of_the_same_dates(cast, weekly):
    occurrence = weekly.occurrences.order_by("starts_at")[1]
    services.signup_create(actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member)
    day = timezone.localdate(weekly.starts_at)

    services.activity_update(
        actor=cast.coordinator,
        activity=weekly,
        data=data_of(weekly, starts_at=at(day, 14), ends_at=at(day, 16)),
    )

    occurrence.refresh_from_db()
    assert timezone.localtime(occurrence.starts_at).hour == 14
    assert occurrence.signups.count() == 1
    assert weekly.occurrences.count() == 6


def test_shortening_the_series_cancels_dropped_dates_with_sign_ups_and_tells_them(
    cast, weekly, django_capture_on_commit_callbacks
):
    last = weekly.occurrences.order_by("-starts_at").first()
    services.signup_create(actor=cast.vrager, occurrence=last, member=cast.vrager_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.activity_update(
            actor=cast.coordinator, activity=weekly, data=data_of(weekly, count=3)
        )

    assert weekly.occurrences.filter(status="scheduled").count() == 3
    last.refresh_from_db()
    assert last.is_cancelled
    assert weekly.occurrences.count() == 4  # two empty dropped dates are gone
    assert [m.to for m in mail.outbox] == [[cast.vrager.email]]


def test_cancelling_one_date_keeps_the_series_and_tells_those_signed_up(
    cast, weekly, django_capture_on_commit_callbacks
):
    occurrence = weekly.occurrences.first()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(
            actor=cast.coordinator, occurrence=occurrence, reason="Ruimte bezet"
        )

    assert weekly.occurrences.filter(status="cancelled").count() == 1
    assert mail.outbox[0].to == [cast.drager.email]
    assert "Ruimte bezet" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="occurrence.cancelled").exists()


def test_moving_one_date_keeps_its_sign_ups_and_survives_an_edit(
    cast, weekly, django_capture_on_commit_callbacks
):
    occurrence = weekly.occurrences.order_by("starts_at")[2]
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)
    new_day = timezone.localdate(occurrence.starts_at) + dt.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_move(
            actor=cast.coordinator,
            occurrence=occurrence,
            starts_at=at(new_day, 15),
            ends_at=at(new_day, 17),
        )
    services.activity_update(
        actor=cast.coordinator, activity=weekly, data=data_of(weekly, title="Koffie & thee")
    )

    occurrence.refresh_from_db()
    assert occurrence.is_moved
    assert timezone.localtime(occurrence.starts_at) == at(new_day, 15)
    assert occurrence.signups.count() == 1
    assert len(mail.outbox) == 1


def test_cancelling_an_activity_cancels_its_coming_dates_and_tells_everyone(
    cast, weekly, django_capture_on_commit_callbacks
):
    first, second = weekly.occurrences.all()[:2]
    services.signup_create(actor=cast.drager, occurrence=first, member=cast.drager_member)
    services.signup_create(actor=cast.vrager, occurrence=second, member=cast.vrager_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(actor=cast.coordinator, activity=weekly, reason="Geen ruimte")

    assert weekly.occurrences.filter(status="scheduled").count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.drager.email, cast.vrager.email])
    with pytest.raises(DomainError) as raised:
        services.activity_cancel(actor=cast.coordinator, activity=weekly)
    assert raised.value.code == "activity_already_cancelled"


# --- attendance ---------------------------------------------------------------------------


def test_the_organiser_records_who_came_after_the_date(cast, weekly):
    occurrence = weekly.occurrences.first()
    came = services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    stayed_away = services.signup_create(
        actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member
    )
    with pytest.raises(DomainError) as raised:
        services.attendance_record(
            actor=cast.coordinator, occurrence=occurrence, present=[came.pk], walk_ins=0
        )
    assert raised.value.code == "occurrence_not_started"

    with time_machine.travel(occurrence.ends_at + dt.timedelta(hours=1)):
        services.attendance_record(
            actor=cast.coordinator, occurrence=occurrence, present=[came.pk], walk_ins=3
        )

    came.refresh_from_db()
    stayed_away.refresh_from_db()
    occurrence.refresh_from_db()
    assert (came.attended, stayed_away.attended, occurrence.walk_ins) == (True, False, 3)
    assert occurrence.attendance_recorded_at is not None


# --- calendar links and retention ---------------------------------------------------------


def test_a_new_calendar_link_replaces_the_old_one_and_only_its_hash_is_stored(cast):
    old = services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)
    new = services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)

    assert services.member_for_calendar_token(old) is None
    assert services.member_for_calendar_token(new) == cast.drager_member
    stored = CalendarToken.objects.get()
    assert new not in stored.token_hash and len(stored.token_hash) == 64


def test_the_purge_deletes_old_sign_ups_and_hours_and_links_of_members_who_left(cast, weekly):
    occurrence = weekly.occurrences.first()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)
    services.calendar_token_regenerate(actor=cast.vrager, member=cast.vrager_member)
    services.contribution_log(
        actor=cast.drager,
        member=cast.drager_member,
        date=timezone.localdate(),
        hours="2",
        kind="support",
    )

    assert services.calendar_data_purge() == {
        "signups": 0,
        "contributions": 0,
        "calendar_tokens": 0,
    }
    with time_machine.travel(timezone.now() + dt.timedelta(days=7 * 365 + 60)):
        from members.models import Member

        Member.objects.filter(pk=cast.vrager_member.pk).update(
            status="left", left_on=timezone.localdate()
        )
        purged = services.calendar_data_purge()

    assert purged == {"signups": 1, "contributions": 1, "calendar_tokens": 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_merges_category_names_that_differ_only_in_case(
    flushable_protected_rows, cast, plan
):
    """An installation that has "Fietsen" and "fietsen" keeps one, with the activities of both."""
    from django.db import connection

    migration = importlib.import_module(
        "activities.migrations.0005_category_name_unique_case_insensitive"
    )
    rule = next(
        c for c in Category._meta.constraints if c.name == "category_unique_name_per_association"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Category, rule)
    try:
        first = Category.objects.create(association=cast.association, name="Fietsen")
        second = Category.objects.create(association=cast.association, name="fietsen")
        elsewhere = Category.objects.create(association=cast.other_association, name="FIETSEN")
        activity = plan(category=second)

        migration.merge_names_differing_in_case(apps, None)
        migration.merge_names_differing_in_case(apps, None)

        assert list(
            Category.objects.filter(name__iexact="fietsen")
            .order_by("pk")
            .values_list("pk", flat=True)
        ) == [first.pk, elsewhere.pk]
        activity.refresh_from_db()
        assert activity.category_id == first.pk
    finally:
        Category.objects.filter(name__iexact="fietsen").exclude(
            pk__in=Category.objects.filter(name="Fietsen").values("pk")
        ).exclude(association=cast.other_association).delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Category, rule)
