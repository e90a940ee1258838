"""Dutch, branded 404 and 500 pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path
from django.utils import translation

from coop.models import ContentPage, HomePage


def broken_view(request):
    raise RuntimeError("a bug")


# Served in place of the project's URLs by the test that needs a failing page.
urlpatterns = [
    path("broken/", broken_view),
    path("", include("coop.site.urls")),
]


def test_an_unknown_address_gets_the_dutch_page_in_the_site_look(db, client):
    HomePage.objects.get().add_child(instance=ContentPage(title="Over ons", slug="over-ons"))
    response = client.get("/bestaat-niet/")
    text = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="nl">' in text
    assert "Deze pagina bestaat niet" in text
    assert "Naar de startpagina" in text
    assert "/static/css/site.css" in text
    assert 'class="site-header"' in text
    # The public site's menu is there to find the way on.
    assert '<a href="/over-ons/">Over ons</a>' in text


def test_a_missing_portal_page_offers_the_way_back_to_the_overview(client_for):
    response = client_for("drager").get("/portal/contracts/999999/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in text
    assert "Naar mijn overzicht" in text


def test_the_500_page_renders_without_a_request_or_context_processors():
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("500.html")
    assert '<html lang="nl">' in text
    assert "Er ging iets mis" in text
    assert "/static/css/site.css" in text
    assert 'href="/"' in text


@pytest.mark.urls(__name__)
def test_an_error_in_a_view_answers_with_the_dutch_500_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in text
    assert "RuntimeError" not in text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
