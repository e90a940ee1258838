"""The calendar pages through the test client: plan, propose, sign up, hours, categories."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Category, ContributionLog, SignUp
from tests.activities.conftest import next_weekday

pytestmark = pytest.mark.django_db


def activity_post(categories, **overrides) -> dict:
    day = next_weekday(2)
    data = {
        "title": "Samen eten",
        "category": categories["shared_meal"].pk,
        "description": "Iedereen kookt een beetje mee.",
        "location": "Keuken begane grond",
        "date": day.isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "frequency": "weekly",
        "interval": "2",
        "until": "",
        "count": "5",
        "capacity": "12",
        "visibility": "public",
    }
    data.update(overrides)
    return data


# A Monday: the five fortnightly Wednesdays all fall within the list's coming 60 days.
@pytest.mark.frozen_at("2026-06-01T10:00+02:00")
def test_a_coordinator_plans_a_recurring_activity_through_the_form(cast, categories, client_for):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])
    data = activity_post(categories, organisers=[cast.drager_member.pk])

    response = client.post(url, data)

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity_detail", args=[activity.pk])
    assert activity.status == "planned"
    assert activity.occurrences.count() == 5
    assert list(activity.organisers.all()) == [cast.drager_member]
    page = client.get(reverse("activities:calendar_list", args=[cast.association.slug]))
    assert page.content.decode().count('<span class="title">Samen eten</span>') == 5


def test_a_member_proposes_and_the_coordinator_approves_through_the_pages(
    cast, categories, client_for
):
    client = client_for("vrager")
    response = client.post(
        reverse("activities:activity_create", args=[cast.association.slug]),
        activity_post(categories, organisers=[cast.board_member.pk]),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.status, list(activity.organisers.all())) == (
        "proposed",
        [cast.vrager_member],
    )

    coordinator = client_for("coordinator")
    listing = coordinator.get(reverse("activities:calendar_list", args=[cast.association.slug]))
    assert "Samen eten" in listing.content.decode()
    coordinator.post(reverse("activities:activity_approve", args=[activity.pk]))

    activity.refresh_from_db()
    assert activity.status == "planned"


@pytest.mark.parametrize("role", ["coordinator", "vrager"])
def test_the_activity_form_page_only_reads(cast, client_for, role):
    # An association without categories (the standard ones come with association_create).
    client = client_for(role)
    url = reverse("activities:activity_create", args=[cast.association.slug])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        # The session and the cache are no data of the association.
        and not any(table in q["sql"] for table in ('"django_session"', '"coop_cache"'))
    ]
    assert writes == []
    assert Category.objects.count() == 0


def test_a_refused_activity_form_answers_400_and_stores_nothing(cast, categories, client_for):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    response = client.post(url, activity_post(categories, count="5", until="2027-01-01"))

    assert response.status_code == 400
    assert "count" in response.context["form"].errors
    assert Activity.objects.count() == 0


def test_an_activity_ending_before_it_starts_is_refused_on_the_end_time(
    cast, categories, client_for
):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    # Once saved as a 23-hour activity (19:00 read as the next evening).
    response = client.post(url, activity_post(categories, start_time="20:00", end_time="19:00"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    message = "De activiteit moet eindigen na het begin: kies een eindtijd na de begintijd."
    assert errors == {"end_time": [message]}
    assert message in response.content.decode()
    assert Activity.objects.count() == 0
    # The same time at both ends is no activity either.
    response = client.post(url, activity_post(categories, start_time="20:00", end_time="20:00"))
    assert response.status_code == 400 and "end_time" in response.context["form"].errors
    assert Activity.objects.count() == 0


def test_an_evening_activity_may_end_after_midnight(cast, categories, client_for):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    response = client.post(
        url, activity_post(categories, start_time="22:00", end_time="01:00", count="1")
    )

    assert response.status_code == 302
    occurrence = Activity.objects.get().occurrences.get()
    assert occurrence.ends_at - occurrence.starts_at == dt.timedelta(hours=3)


def test_a_member_signs_up_lands_on_the_waiting_list_and_withdraws(cast, plan, client_for):
    occurrence = plan(capacity=1).occurrences.get()
    url = reverse("activities:occurrence_signup", args=[occurrence.pk])

    client_for("drager").post(url)
    vrager = client_for("vrager")
    vrager.post(url)
    page = vrager.get(reverse("activities:occurrence_detail", args=[occurrence.pk]))

    assert "wachtlijst" in page.content.decode()
    assert dict(SignUp.objects.values_list("member__name", "status")) == {
        cast.drager_member.name: "confirmed",
        cast.vrager_member.name: "waiting",
    }
    client_for("drager").post(reverse("activities:occurrence_signup_cancel", args=[occurrence.pk]))
    assert SignUp.objects.get().status == "confirmed"
    mine = client_for("vrager").get(reverse("activities:my_calendar"))
    assert "Koffieochtend" in mine.content.decode()


def test_the_month_view_filters_by_category(cast, plan, categories, client_for):
    plan(title="Tuinochtend", category=categories["garden"])
    plan(title="Taalcafé", category=categories["language_lessons"])
    day = next_weekday(1)
    url = reverse("activities:calendar_month", args=[cast.association.slug])

    response = client_for("drager").get(
        url, {"month": day.strftime("%Y-%m"), "category": categories["garden"].pk}
    )

    content = response.content.decode()
    assert "Tuinochtend" in content and "Taalcafé" not in content


def test_the_organiser_moves_a_date_and_records_attendance(cast, plan, client_for):
    occurrence = plan().occurrences.get()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)
    client = client_for("coordinator")
    new_day = timezone.localdate(occurrence.starts_at) + dt.timedelta(days=1)

    response = client.post(
        reverse("activities:occurrence_move", args=[occurrence.pk]),
        {"date": new_day.isoformat(), "start_time": "13:00", "end_time": "15:00"},
    )
    occurrence.refresh_from_db()
    assert response.status_code == 302
    assert timezone.localtime(occurrence.starts_at).hour == 13

    signup = SignUp.objects.get()
    with time_machine.travel(occurrence.ends_at + dt.timedelta(minutes=5)):
        client.post(
            reverse("activities:occurrence_attendance", args=[occurrence.pk]),
            {"present": [signup.pk], "walk_ins": "2"},
        )
    signup.refresh_from_db()
    occurrence.refresh_from_db()
    assert (signup.attended, occurrence.walk_ins) == (True, 2)


def test_a_member_logs_hours_and_the_coordinator_decides(cast, client_for):
    client = client_for("drager")
    response = client.post(
        reverse("activities:hours_log"),
        {"date": timezone.localdate().isoformat(), "hours": "2.5", "kind": "building"},
    )
    assert response.status_code == 302
    first = ContributionLog.objects.get()
    client.post(
        reverse("activities:hours_log"),
        {"date": timezone.localdate().isoformat(), "hours": "1", "kind": "other"},
    )
    second = ContributionLog.objects.exclude(pk=first.pk).get()

    coordinator = client_for("coordinator")
    review = coordinator.get(reverse("activities:hours_review", args=[cast.association.slug]))
    assert cast.drager_member.name in review.content.decode()
    # "uur" after a number, never "uren".
    assert "2,50 uur" in review.content.decode() and " uren," not in review.content.decode()
    coordinator.post(reverse("activities:hours_confirm", args=[first.pk]))
    coordinator.post(reverse("activities:hours_reject", args=[second.pk]), {"reason": "Dubbel"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.reason) == ("confirmed", "rejected", "Dubbel")
    page = client_for("drager").get(reverse("activities:my_hours"))
    assert "Dubbel" in page.content.decode()


def test_rejecting_without_a_reason_changes_nothing(cast, client_for):
    log = services.contribution_log(
        actor=cast.drager,
        member=cast.drager_member,
        date=timezone.localdate(),
        hours="1",
        kind="other",
    )

    client_for("coordinator").post(reverse("activities:hours_reject", args=[log.pk]), {})

    log.refresh_from_db()
    assert log.status == "pending"


def test_a_coordinator_adds_and_renames_categories(cast, categories, client_for):
    client = client_for("coordinator")
    url = reverse("activities:category_list", args=[cast.association.slug])

    client.post(url, {"name": "Fietsenwerkplaats"})
    client.post(
        reverse("activities:category_rename", args=[categories["garden"].pk]), {"name": "Moestuin"}
    )
    duplicate = client.post(url, {"name": "moestuin"})

    names = set(
        Category.objects.filter(association=cast.association).values_list("name", flat=True)
    )
    assert {"Fietsenwerkplaats", "Moestuin"} <= names
    assert duplicate.status_code == 400


def test_the_calendar_menu_entry_leads_to_the_own_association(cast, client_for):
    response = client_for("vrager").get(reverse("activities:calendar_home"))

    assert response["Location"] == reverse(
        "activities:calendar_month", args=[cast.association.slug]
    )


def test_attendance_with_an_id_beyond_64_bits_is_an_invalid_choice(cast, plan, client_for):
    occurrence = plan().occurrences.get()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)

    with time_machine.travel(occurrence.ends_at + dt.timedelta(minutes=5)):
        response = client_for("coordinator").post(
            reverse("activities:occurrence_attendance", args=[occurrence.pk]),
            {"present": ["9" * 25], "walk_ins": "0"},
        )

    assert response.status_code in (200, 400)  # the form again, not a 500 on SQLite
    assert "present" in response.context["form"].errors
    assert not SignUp.objects.filter(attended=True).exists()
