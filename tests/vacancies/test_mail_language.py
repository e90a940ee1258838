"""Vacancy e-mails reach each member in the language of their account."""

from __future__ import annotations

from tests.vacancies.conftest import open_round


def test_a_member_whose_language_is_english_gets_the_vote_e_mail_in_english(
    cast, vacancy, django_capture_on_commit_callbacks, mailoutbox
):
    cast.drager.language = "en"
    cast.drager.save(update_fields=["language"])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        open_round(cast, vacancy)

    by_address = {m.to[0]: m for m in mailoutbox}
    english, dutch = by_address[cast.drager.email], by_address[cast.vrager.email]
    address = vacancy.unit.building.street_address
    assert english.subject == f"Vote now: new neighbour for {address}, unit {vacancy.unit.number}"
    assert english.body.startswith("Dear member,\n")
    assert dutch.subject == f"Stem nu: nieuwe buur voor {address}, woning {vacancy.unit.number}"
    assert cast.vrager.language == "nl"
