"""Members reach the corporation as a pseudonym that says nothing about who they are: not their
database number, which counts up in the order members were registered (the corporation itself
registers an association's first board member and confirms who moves in when)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from coop.site.compliance.rules import pseudonym
from coop.site.compliance.services import CommitmentTerms

pytestmark = pytest.mark.django_db


def test_the_pseudonym_is_not_the_members_number_and_stays_the_same():
    labels = [pseudonym(pk) for pk in range(1, 301)]
    assert len(set(labels)) == 300  # one label per member
    assert labels == [pseudonym(pk) for pk in range(1, 301)]  # the same on every page
    numbers = [int(re.fullmatch(r"\w+ (\d+)", label).group(1)) for label in labels]
    assert all(number != pk for pk, number in zip(range(1, 301), numbers, strict=True))
    assert numbers != sorted(numbers)  # the order members joined in does not show


def test_the_corporation_sees_the_pseudonym_not_the_name_or_number(cast, client_for, agreement_for):
    agreement_for([CommitmentTerms(rule="contribution_hours", threshold=50)])
    html = (
        client_for("corporation_staff")
        .get(reverse("compliance:association_compliance", args=[cast.association.slug]))
        .content.decode()
    )
    member = cast.drager_member
    assert member.name not in html
    assert not re.search(rf"\blid {member.pk}\b", html)
    with translation.override("nl"):
        assert pseudonym(member.pk) in html
