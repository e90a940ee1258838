"""No overbooking: members signing up at the same moment never exceed the capacity."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from activities import services
from activities.models import SignUp
from coop.exceptions import DomainError
from members.models import Member
from members.services import member_register
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def _members(cast, n: int) -> list[Member]:
    members = []
    for i in range(n):
        member = member_register(
            actor=None,
            association=cast.association,
            name=f"Buur {i}",
            email=f"buur{i}@example.org",
            group="regular",
            joined_on=cast.drager_member.joined_on,
        )
        member.user = make_user(f"buur{i}@example.org")
        member.save(update_fields=["user"])
        members.append(member)
    return members


def _race(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_members_signing_up_at_once_fill_five_places_and_wait_for_the_rest(cast, plan):
    occurrence = plan(capacity=5).occurrences.get()
    members = _members(cast, 20)

    results = _race(
        [
            lambda m=m: services.signup_create(actor=m.user, occurrence=occurrence, member=m)
            for m in members
        ]
    )

    assert all(isinstance(r, SignUp) for r in results)
    statuses = list(occurrence.signups.values_list("status", flat=True))
    assert statuses.count("confirmed") == 5
    assert statuses.count("waiting") == 15


def test_one_member_signing_up_twenty_times_at_once_gets_one_sign_up(cast, plan):
    occurrence = plan(capacity=5).occurrences.get()
    member = cast.drager_member

    results = _race(
        [
            lambda: services.signup_create(actor=member.user, occurrence=occurrence, member=member)
            for _ in range(20)
        ]
    )

    assert SignUp.objects.filter(occurrence=occurrence).count() == 1
    assert sum(isinstance(r, DomainError) for r in results) == 19


def test_cancellations_at_once_promote_each_waiting_member_exactly_once(cast, plan):
    occurrence = plan(capacity=3).occurrences.get()
    members = _members(cast, 8)
    signups = [
        services.signup_create(actor=m.user, occurrence=occurrence, member=m) for m in members
    ]

    _race([lambda s=s: services.signup_cancel(actor=s.member.user, signup=s) for s in signups[:3]])

    statuses = dict(occurrence.signups.values_list("member__name", "status"))
    assert [statuses[f"Buur {i}"] for i in range(3, 8)] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
