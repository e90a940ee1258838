"""Ids beyond 64 bits in a URL are no object: 404, never a 500 (QUALITY 9)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import OmklapDecision
from tests.members.omklap_helpers import contract_with_a_held_moment

HUGE = "9" * 25  # beyond SQLite's and PostgreSQL's 64-bit integers


def _id_routes(patterns, prefix=""):
    """Every route of the project with an id in its path, as a template."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _id_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<id:" in route:
            yield route


def _url(route: str) -> str:
    """The route with a 25-digit number for every id and the cast's own slug elsewhere."""
    parts = []
    for piece in route.replace(">", "<").split("<"):
        if piece.startswith("id:"):
            parts.append(HUGE)
        elif ":" in piece and piece.split(":")[0] in {"slug", "str"}:
            parts.append("de-kapel")
        else:
            parts.append(piece)
    return "/" + "".join(parts)


ROUTES = sorted(set(_id_routes(get_resolver().url_patterns)))


def test_every_app_has_id_routes():
    assert {route.split("/")[1] for route in ROUTES} >= {"contracts", "vacancies", "activities"}


@pytest.mark.parametrize("route", ROUTES)
def test_a_25_digit_id_matches_no_url(route, client_for):
    client = client_for("board")

    assert client.get(_url(route)).status_code == 404
    assert client.post(_url(route)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/portal/contracts/{HUGE}/",
        f"/portal/vacancies/{HUGE}/",
        f"/portal/rounds/{HUGE}/cast/",
        f"/portal/activities/{HUGE}/",
        f"/portal/occurrences/{HUGE}/sign-up/",
        f"/portal/invitations/{HUGE}/resend/",
    ],
)
def test_oversized_ids_from_each_app_are_not_found(url, client_for):
    assert client_for("board").get(url).status_code == 404


# Ids in form fields that choose several rows: an invalid choice, not a database error (the
# attendance form: tests/activities/test_views.py).


def test_a_decision_resting_on_an_oversized_moment_id_is_refused(cast, client_for):
    contract = contract_with_a_held_moment(cast)

    response = client_for("care_worker").post(
        reverse("portal:decision_propose", args=[contract.pk]),
        {"kind": "convert", "moments": [HUGE], "reasons": "Gaat goed.", "effective_on": ""},
    )

    assert response.status_code in (200, 400)
    assert "moments" in response.context["form"].errors
    assert not OmklapDecision.objects.exists()
