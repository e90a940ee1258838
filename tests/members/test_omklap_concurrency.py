"""Racing requests on PostgreSQL: one running contract per tenancy, one effect per decision."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coop.exceptions import DomainError
from coop.models import StaffLink
from members.models import OmklapContract, OmklapDecision, Tenancy
from members.services.omklap import omklap_decision_sign
from tests.conftest import make_user
from tests.members.omklap_helpers import contract_awaiting_a_decision, start_contract

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 10


def race(work) -> list[str]:
    """Run ``work`` in THREADS threads released together; 'ok' or the refusal per thread."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
            outcome = "ok"
        except DomainError:
            outcome = "refused"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_racing_starts_make_one_running_contract(cast):
    results = race(lambda i: start_contract(cast))

    assert sorted(results) == ["ok"] + ["refused"] * (THREADS - 1)
    assert OmklapContract.objects.count() == 1


def test_racing_sign_offs_apply_a_conversion_once(cast):
    contract = contract_awaiting_a_decision(cast)
    decision = contract.decisions.get()
    staff = [cast.corporation_staff]
    for i in range(1, THREADS):
        user = make_user(f"corporatie{i}@example.org", second_factor=True)
        StaffLink.objects.create(organisation=cast.corporation, user=user, starts_on="2020-01-01")
        staff.append(user)

    results = race(
        lambda i: omklap_decision_sign(actor=staff[i], side="corporation", decision=decision)
    )

    assert sorted(results) == ["ok"] + ["refused"] * (THREADS - 1)
    decision.refresh_from_db()
    assert decision.status == OmklapDecision.Status.IN_EFFECT
    kinds = sorted(Tenancy.objects.filter(member=cast.vrager_member).values_list("kind", flat=True))
    assert kinds == ["omklap", "regular"]
