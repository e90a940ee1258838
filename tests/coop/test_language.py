"""Dutch is the default language; the switch, not the browser, chooses English."""

from __future__ import annotations

from django.conf import settings


def test_an_english_browser_still_gets_dutch_by_default(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "nl"
    assert b'<html lang="nl">' in response.content
    assert b"Naar de inhoud" in response.content


def test_the_language_switch_chooses_english_and_it_sticks(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert b"Skip to content" in page.content


def test_an_unknown_language_cookie_falls_back_to_dutch(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/")["Content-Language"] == "nl"
