"""The ballot page, casting and recusal: secret until close, the receipt shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Member
from tests.vacancies.conftest import candidates_of, open_round
from vacancies import services
from vacancies.models import Ballot, Recusal, VoteRecord, VotingRound


def _page(client, voting_round) -> str:
    response = client.get(reverse("vacancies:round_detail", args=[voting_round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _cast(client, voting_round, data: dict):
    """Cast and follow the redirect to the receipt page (a refused cast answers at once)."""
    return client.post(reverse("vacancies:ballot_cast", args=[voting_round.pk]), data, follow=True)


def _close(voting_round) -> VotingRound:
    return services.voting_round_close(
        round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
    )


def _vote_yes_for_first(cast, voting_round, emails) -> list[str]:
    first = candidates_of(voting_round)[0]
    receipts = []
    for member in Member.objects.filter(user__email__in=emails):
        receipts.append(
            services.ballot_cast(
                voting_round=voting_round,
                member=member,
                choices={"answers": {str(first.pk): "yes"}},
            )
        )
    return receipts


def test_the_ballot_shows_the_rules_and_the_candidates_but_never_their_contact_data(
    cast, client_for, voting_round
):
    text = _page(client_for("drager"), voting_round)
    for candidate in candidates_of(voting_round):
        assert candidate.name in text
        assert candidate.motivation in text
        assert candidate.email not in text
        assert candidate.phone not in text
    assert "Koken en klussen." in text  # contribution
    assert "50%" in text  # quorum
    assert str(VotingRound.TieBreak.EARLIEST_APPLICATION.label) in text
    assert 'type="radio"' in text
    assert "fieldset" in text and "legend" in text
    assert "Zo tellen we de stemmen" not in text  # the runoff rule is for ranked rounds only


@pytest.mark.parametrize(
    ("tie_break", "rule"),
    [
        ("earliest_application", "Dan valt van hen de kandidaat af die als laatste reageerde."),
        ("lot", "Dan valt van hen de kandidaat af die bij loting als laatste uitkomt."),
        ("no_decision", "Dan eindigt de stemronde zonder besluit"),
    ],
)
def test_a_ranked_ballot_states_the_counting_rule_with_its_tie_break(
    cast, client_for, vacancy, tie_break, rule
):
    ranked = open_round(cast, vacancy, method="ranked", tie_break=tie_break)

    text = _page(client_for("drager"), ranked)

    assert "Zo tellen we de stemmen bij een voorkeursstemming" in text
    assert "Dan valt precies één kandidaat af: de kandidaat met de minste stemmen." in text
    assert rule in text
    assert "Kandidaten zonder één stem vallen één voor één af." in text


def test_nobody_sees_a_count_before_close_and_everyone_after(cast, client_for, voting_round):
    receipts = _vote_yes_for_first(
        cast, voting_round, ["bestuur@example.org", "selectie@example.org", "vrager@example.org"]
    )
    for role in ("board", "drager", "vrager"):
        text = _page(client_for(role), voting_round)
        for receipt in receipts:
            assert receipt not in text
        assert "Count per candidate" not in text and "Telling per kandidaat" not in text
        assert "Turnout" not in text and "Opkomst" not in text
        assert "3 of" not in text and "3 van" not in text
    _close(voting_round)
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    text = _page(client, voting_round)
    assert "Count per candidate" in text
    assert "3 of 5 (60%)" in text
    for receipt in receipts:
        assert receipt in text
    closed = VotingRound.objects.get(pk=voting_round.pk)
    assert closed.digest in text
    assert closed.winner.name in text


def test_a_member_casts_a_vote_and_sees_the_receipt_once(
    cast, client_for, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    fenna, joost, amira = candidates_of(voting_round)
    client = client_for("drager")
    with django_capture_on_commit_callbacks(execute=True):
        response = _cast(
            client, voting_round, {f"c{fenna.pk}": "yes", f"c{joost.pk}": "no", f"c{amira.pk}": ""}
        )
    assert response.status_code == 200
    assert response.redirect_chain == [
        (reverse("vacancies:ballot_receipt", args=[voting_round.pk]), 302)
    ]
    ballot = Ballot.objects.get(round=voting_round)
    text = response.content.decode()
    assert ballot.receipt in text
    assert VoteRecord.objects.filter(round=voting_round, member=cast.drager_member).exists()
    assert [m.to for m in mailoutbox] == [[cast.drager.email]]
    assert mailoutbox[0].from_email == f"{cast.association.name} <noreply@example.org>"
    unit = voting_round.vacancy.unit
    body = mailoutbox[0].body
    assert ballot.receipt in body
    assert f" {unit.number} " in body and unit.building.name in body
    # Afterwards the page says that they voted, never what, and not the receipt again.
    text = _page(client, voting_round)
    assert ballot.receipt not in text
    assert "checked" not in text


def test_the_receipt_page_says_a_later_vote_replaces_this_one(cast, client_for, voting_round):
    fenna = candidates_of(voting_round)[0]
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    text = _cast(client, voting_round, {f"c{fenna.pk}": "yes"}).content.decode()
    assert "Your vote was received" in text and "Your vote is counted" not in text
    assert "A later vote replaces this one" in text
    assert "only the receipt code of your latest vote will be among the counted codes" in text
    client.cookies["django_language"] = "nl"
    text = _cast(client, voting_round, {f"c{fenna.pk}": "no"}).content.decode()
    assert "Een latere stem vervangt deze" in text


def test_the_cast_redirects_to_the_receipt_and_a_refresh_sends_no_ballot_again(
    cast, client_for, voting_round
):
    fenna = candidates_of(voting_round)[0]
    client = client_for("drager")
    receipt_url = reverse("vacancies:ballot_receipt", args=[voting_round.pk])
    response = client.post(
        reverse("vacancies:ballot_cast", args=[voting_round.pk]), {f"c{fenna.pk}": "yes"}
    )
    assert response.status_code == 302 and response["Location"] == receipt_url
    ballot = Ballot.objects.get(round=voting_round)
    # The code rides in a signed, http-only cookie of this browser, not in the address.
    assert ballot.receipt not in response["Location"]
    cookie = response.cookies["coop_receipt"]
    assert cookie["httponly"] and cookie["path"] == receipt_url
    assert ballot.receipt not in cookie.value.split(":")[1:]
    for _refresh in range(2):
        page = client.get(receipt_url)
        assert page.status_code == 200
        text = page.content.decode()
        assert ballot.receipt in text and 'id="receipt-code"' in text
        # The receipt names no candidate, so it cannot repeat the choice.
        assert "checked" not in text and fenna.name not in text
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert VoteRecord.objects.filter(round=voting_round).count() == 1
    assert Ballot.objects.get(round=voting_round).receipt == ballot.receipt


def test_the_receipt_page_shows_no_code_to_another_member_or_without_the_cookie(
    cast, client_for, voting_round
):
    fenna = candidates_of(voting_round)[0]
    drager = client_for("drager")
    _cast(drager, voting_round, {f"c{fenna.pk}": "yes"})
    receipt = Ballot.objects.get(round=voting_round).receipt
    receipt_url = reverse("vacancies:ballot_receipt", args=[voting_round.pk])
    round_url = reverse("vacancies:round_detail", args=[voting_round.pk])
    receipt_cookie = drager.cookies["coop_receipt"].value
    assert drager.get(receipt_url).status_code == 200
    # Another elector who carries the drager's cookie (a shared computer) does not read it.
    vrager = client_for("vrager")
    vrager.cookies["coop_receipt"] = receipt_cookie
    response = vrager.get(receipt_url)
    assert response.status_code == 302 and response["Location"] == round_url
    # Without the cookie (another device, or later) the round page says they voted.
    drager = client_for("drager")
    response = drager.get(receipt_url, follow=True)
    assert response.redirect_chain == [(round_url, 302)]
    assert receipt not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "empty"),
    [
        ("yes_no", {}),
        ("yes_no", "abstain"),
        ("approval", {}),
        ("ranked", {}),
    ],
)
def test_an_empty_ballot_asks_to_confirm_a_blank_vote_before_it_is_cast(
    cast, client_for, vacancy, method, empty
):
    voting_round = open_round(cast, vacancy, method=method)
    candidates = candidates_of(voting_round)
    data = {f"c{c.pk}": "abstain" for c in candidates} if empty == "abstain" else {}
    client = client_for("drager")
    url = reverse("vacancies:ballot_cast", args=[voting_round.pk])

    response = client.post(url, data)

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="confirm-blank"' in text and "Je stemt blanco." in text
    assert 'name="blank" value="confirmed"' in text
    assert 'class="ballot"' in text  # the ballot stays to fill in after all
    assert not Ballot.objects.exists() and not VoteRecord.objects.exists()

    response = client.post(url, {**data, "blank": "confirmed"})

    assert response.status_code == 302
    assert response["Location"] == reverse("vacancies:ballot_receipt", args=[voting_round.pk])
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert VoteRecord.objects.filter(round=voting_round, member=cast.drager_member).exists()


def test_a_ballot_with_a_choice_is_cast_without_the_blank_question(cast, client_for, vacancy):
    voting_round = open_round(cast, vacancy, method="approval")
    first = candidates_of(voting_round)[0]
    client = client_for("drager")
    response = client.post(
        reverse("vacancies:ballot_cast", args=[voting_round.pk]), {f"c{first.pk}": "on"}
    )
    assert response.status_code == 302
    assert Ballot.objects.filter(round=voting_round).count() == 1


def test_a_confirmed_blank_vote_counts_for_the_turnout_and_no_candidate(
    cast, client_for, voting_round
):
    client = client_for("drager")
    client.post(reverse("vacancies:ballot_cast", args=[voting_round.pk]), {"blank": "confirmed"})
    closed = _close(voting_round)
    assert closed.tally["turnout"] == 1
    assert all(
        counts["yes"] == counts["no"] == 0 for counts in closed.tally["result"]["counts"].values()
    )


def test_revoting_replaces_the_ballot_with_a_new_receipt(cast, client_for, voting_round):
    fenna = candidates_of(voting_round)[0]
    client = client_for("drager")
    _cast(client, voting_round, {f"c{fenna.pk}": "yes"})
    first = Ballot.objects.get(round=voting_round).receipt
    response = _cast(client, voting_round, {f"c{fenna.pk}": "no"})
    assert response.status_code == 200
    second = Ballot.objects.get(round=voting_round).receipt
    assert second != first and second in response.content.decode()
    assert VoteRecord.objects.filter(round=voting_round).count() == 1


def test_a_cast_after_the_close_is_refused_and_not_counted(cast, client_for, voting_round):
    fenna = candidates_of(voting_round)[0]
    # The close time passes; the scheduler has not closed the round yet.
    VotingRound.objects.filter(pk=voting_round.pk).update(
        starts_at=voting_round.starts_at - dt.timedelta(days=3),
        ends_at=voting_round.starts_at - dt.timedelta(hours=1),
    )
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    response = _cast(client, voting_round, {f"c{fenna.pk}": "yes"})
    assert response.status_code == 409
    assert "your vote was not counted" in response.content.decode()
    assert not Ballot.objects.filter(round=voting_round).exists()
    assert not VoteRecord.objects.filter(round=voting_round).exists()


def test_a_cast_on_a_closed_round_shows_the_result_with_the_message(cast, client_for, voting_round):
    fenna = candidates_of(voting_round)[0]
    _close(voting_round)
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    response = _cast(client, voting_round, {f"c{fenna.pk}": "yes"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "your vote was not counted" in text
    assert "Counted receipt codes" in text
    assert not Ballot.objects.filter(round=voting_round).exists()


def test_a_malformed_ballot_is_refused_with_a_message_and_nothing_stored(
    cast, client_for, voting_round
):
    fenna = candidates_of(voting_round)[0]
    client = client_for("drager")
    response = _cast(client, voting_round, {f"c{fenna.pk}": "maybe"})
    assert response.status_code == 400
    assert 'id="ballot-error"' in response.content.decode()
    response = _cast(client, voting_round, {"c999999": "yes"})
    assert response.status_code == 400
    assert not Ballot.objects.exists() and not VoteRecord.objects.exists()


def test_a_ranked_ballot_with_a_rank_given_twice_is_refused(cast, client_for, vacancy):
    voting_round = open_round(cast, vacancy, method="ranked")
    fenna, joost, amira = candidates_of(voting_round)
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    text = _page(client, voting_round)
    assert "<select" in text
    response = _cast(client, voting_round, {f"c{fenna.pk}": "1", f"c{joost.pk}": "1"})
    assert response.status_code == 400
    assert "Each rank can be given to one candidate only" in response.content.decode()
    assert not Ballot.objects.exists()
    response = _cast(client, voting_round, {f"c{fenna.pk}": "2", f"c{amira.pk}": "1"})
    assert response.status_code == 200
    _close(voting_round)
    closed = VotingRound.objects.get(pk=voting_round.pk)
    assert closed.tally["result"]["rounds"][0]["counts"][str(amira.pk)] == 1


def test_an_approval_ballot_counts_the_ticked_candidates(cast, client_for, vacancy):
    voting_round = open_round(cast, vacancy, method="approval", quorum=0)
    fenna, joost, _amira = candidates_of(voting_round)
    client = client_for("drager")
    assert 'type="checkbox"' in _page(client, voting_round)
    response = _cast(client, voting_round, {f"c{fenna.pk}": "on", f"c{joost.pk}": "on"})
    assert response.status_code == 200
    closed = _close(voting_round)
    assert closed.tally["result"]["counts"] == {
        str(c.pk): (1 if c in (fenna, joost) else 0) for c in candidates_of(voting_round)
    }


def test_a_member_steps_out_and_can_no_longer_vote(cast, client_for, voting_round):
    client = client_for("vrager")
    url = reverse("vacancies:recusal_declare", args=[voting_round.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert not Recusal.objects.exists()
    response = client.post(url, {"reason": "De kandidaat is mijn nicht."})
    assert response.status_code == 302
    recusal = Recusal.objects.get(round=voting_round)
    assert recusal.member == cast.vrager_member
    fenna = candidates_of(voting_round)[0]
    response = _cast(client, voting_round, {f"c{fenna.pk}": "yes"})
    assert response.status_code == 400
    assert not Ballot.objects.exists()
    assert "I have a conflict of interest" not in _page(client, voting_round)


def test_a_member_who_voted_cannot_step_out(cast, client_for, voting_round):
    fenna = candidates_of(voting_round)[0]
    client = client_for("drager")
    _cast(client, voting_round, {f"c{fenna.pk}": "yes"})
    response = client.post(
        reverse("vacancies:recusal_declare", args=[voting_round.pk]), {"reason": "Te laat."}
    )
    assert response.status_code == 400
    assert not Recusal.objects.exists()


def test_a_scheduled_round_is_visible_to_members_without_a_ballot(cast, client_for, vacancy):
    now = dt.datetime.now(dt.UTC)
    voting_round = services.voting_round_schedule(
        actor=cast.board,
        vacancy=vacancy,
        method="yes_no",
        quorum_percent=50,
        tie_break="lot",
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=3),
    )
    text = _page(client_for("drager"), voting_round)
    assert 'type="radio"' not in text
    assert candidates_of(voting_round)[0].name in text


def test_a_member_who_joined_after_the_opening_cannot_see_or_cast_the_ballot(
    cast, client, voting_round
):
    from tests.conftest import make_user

    user = make_user("nieuw@example.org")
    Member.objects.create(
        association=cast.association,
        user=user,
        name="Nina Nieuw",
        joined_on=cast.board_member.joined_on,
    )
    client.force_login(user)
    assert client.get(reverse("vacancies:round_detail", args=[voting_round.pk])).status_code == 404
    fenna = candidates_of(voting_round)[0]
    assert _cast(client, voting_round, {f"c{fenna.pk}": "yes"}).status_code == 404
    assert not Ballot.objects.exists()
