"""Setting up an association: it starts with what every association has."""

from __future__ import annotations

import pytest

from activities.models import Category
from coop.exceptions import DomainError
from coop.models import Association, AuditEntry
from coop.site.services import association_create

pytestmark = pytest.mark.django_db


def test_a_new_association_comes_with_the_standard_categories_and_an_audit_entry(cast, superuser):
    association = association_create(
        actor=superuser,
        name="  Woonvereniging   Nieuwbouw ",
        slug="nieuwbouw",
        kind=Association.Kind.ASSOCIATION,
        corporation=cast.association.corporation,
    )

    assert association.name == "Woonvereniging Nieuwbouw"
    keys = set(Category.objects.filter(association=association).values_list("key", flat=True))
    assert keys == {
        "coffee_morning",
        "language_lessons",
        "garden",
        "give_away_shop",
        "shared_meal",
        "odd_job_service",
        "meeting",
    }
    entry = AuditEntry.objects.get(action="association.created")
    assert (entry.actor, entry.association, entry.target_id, entry.data) == (
        superuser,
        association,
        str(association.pk),
        {"categories": 7},
    )


@pytest.mark.parametrize(
    "overrides, code",
    [
        pytest.param({"slug": "de-kapel"}, "association_slug_taken", id="slug-in-use"),
        pytest.param({"kind": "club"}, "association_kind_invalid", id="unknown-kind"),
        pytest.param({"name": "   "}, "required", id="no-name"),
    ],
)
def test_setting_up_an_association_refuses_bad_input_and_stores_nothing(cast, overrides, code):
    before = (Association.objects.count(), Category.objects.count(), AuditEntry.objects.count())
    fields = {
        "name": "Woonvereniging Nieuwbouw",
        "slug": "nieuwbouw",
        "kind": Association.Kind.ASSOCIATION,
        "corporation": cast.association.corporation,
    } | overrides

    with pytest.raises(DomainError) as raised:
        association_create(actor=None, **fields)

    assert raised.value.code == code
    assert (
        Association.objects.count(),
        Category.objects.count(),
        AuditEntry.objects.count(),
    ) == before
