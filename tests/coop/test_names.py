"""Names refuse invisible and direction-changing characters (QUALITY 9), in every form that
takes one: the board's member form and the public application form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from coop.cleaning import clean_name
from coop.exceptions import DomainError
from members.models import Member
from tests.vacancies.public_setup import detail_url, make_vacancy_page, open_vacancy
from vacancies.models import Candidate

# Zero-width space, non-joiner and joiner, left-to-right and right-to-left marks, the bidi
# embeddings and overrides, the isolates, the Arabic letter mark, the byte-order mark and the
# soft hyphen: all invisible in a name.
INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u061c",
    "\ufeff",
    "\u00ad",
]
DUTCH_ERROR = "Een naam mag geen onzichtbare tekens of tekens voor de schrijfrichting bevatten."

readable_names = st.text(
    alphabet=st.characters(categories=("L", "M", "Zs"), include_characters="'-."),
    min_size=1,
    max_size=60,
).filter(lambda name: name.strip())


@pytest.mark.parametrize("name", ["Zoë Verbeek", "Youssef El Amrani", "يوسف", "Nguyễn Văn An"])
def test_names_in_any_script_are_accepted(name):
    assert clean_name(name) == name


@given(name=readable_names)
def test_readable_names_are_kept(name):
    assert clean_name(name) == " ".join(name.split())


@given(name=readable_names, char=st.sampled_from(INVISIBLE), at=st.integers(0, 60))
def test_an_invisible_character_anywhere_in_a_name_is_refused(name, char, at):
    at = min(at, len(name))
    with pytest.raises(DomainError) as refused:
        clean_name(name[:at] + char + name[at:])
    assert refused.value.code == "name_forbidden_characters"
    assert refused.value.field == "name"


def test_the_board_cannot_register_a_member_with_a_bidi_override(cast, client):
    client.force_login(cast.board)
    before = Member.objects.count()

    response = client.post(
        reverse("portal:association_members", args=[cast.association.slug]),
        {
            "name": "Nina \u202enieuweN",
            "email": "nina@example.org",
            "phone": "",
            "group": "regular",
            "joined_on": "2026-01-05",
        },
    )

    assert response.status_code == 400
    assert DUTCH_ERROR in response.content.decode()
    assert Member.objects.count() == before


def test_an_application_with_a_zero_width_character_in_the_name_is_refused(cast, client):
    page = make_vacancy_page(cast.association)
    vacancy = open_vacancy(cast)

    response = client.post(
        detail_url(page, vacancy),
        {
            "name": "Nina\u200b Nieuw",
            "email": "nina@example.net",
            "phone": "",
            "household_size": "1",
            "motivation": "Ik wil graag in een woongemeenschap wonen.",
            "contribution": "Ik help mee in de moestuin.",
            "pledged_hours": "4",
            "website": "",
        },
    )

    assert response.status_code == 400
    assert DUTCH_ERROR in response.content.decode()
    assert not Candidate.objects.exists()
