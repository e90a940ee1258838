"""A member votes in a real browser and, after the close, finds the result and their receipt."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies import services
from vacancies.models import Ballot, VotingRound

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_votes_and_finds_their_receipt_among_the_counted(cast, live_page):
    voting_round = open_round(cast, make_vacancy(cast), quorum=0)
    fenna = candidates_of(voting_round)[0]
    round_url = reverse("vacancies:round_detail", args=[voting_round.pk])

    browser_login(live_page, cast.drager.email)
    # The round's own link on the dashboard (Voor jou's "Stem" button leads there too).
    live_page.locator(f"a[href='{round_url}']:not(.task-action)").click()
    live_page.wait_for_url(f"**{round_url}")
    assert fenna.email not in live_page.content()
    live_page.check(f"#id_c{fenna.pk}_0")  # yes
    live_page.locator("form.ballot button[type=submit]").click()
    expect(live_page.locator("#receipt-code")).to_be_visible()
    receipt = live_page.locator("#receipt-code").inner_text().strip()
    assert Ballot.objects.get(round=voting_round).receipt == receipt

    # The close time passes (both ends move: a round must close after it opens) and the
    # scheduler closes the round.
    now = timezone.now()
    VotingRound.objects.filter(pk=voting_round.pk).update(
        starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(minutes=1)
    )
    services.voting_round_close(round_id=voting_round.pk, now=now)

    # A refresh of the receipt page sends no ballot again: still one ballot, the same code.
    live_page.reload()
    expect(live_page.locator("#receipt-code")).to_have_text(receipt)
    assert list(Ballot.objects.filter(round=voting_round).values_list("receipt", flat=True)) == [
        receipt
    ]
    live_page.locator(f"a[href='{round_url}']:not(.task-action)").first.click()
    expect(live_page.locator("ul.receipts")).to_contain_text(receipt)
    expect(live_page.locator("p.outcome")).to_contain_text(fenna.name)
