"""The dashboard on the top floor: the view fills each app's card from that app's selectors."""

from __future__ import annotations

from django.urls import reverse


def _dashboard(client_for, role: str) -> str:
    return client_for(role).get(reverse("portal:dashboard")).content.decode()


def test_the_activities_card_links_the_members_hours_for_the_board_only(cast, client_for):
    hours = reverse("activities:association_hours", args=[cast.association.slug])
    assert hours in _dashboard(client_for, "board")
    resident = _dashboard(client_for, "drager")
    assert reverse("activities:my_hours") in resident
    assert hours not in resident


def test_the_member_register_is_on_the_dashboard_of_the_board_only(cast, client_for):
    register = reverse("portal:association_members", args=[cast.association.slug])
    assert register in _dashboard(client_for, "board")
    for role in ("selection", "coordinator", "drager", "vrager"):
        assert register not in _dashboard(client_for, role)
