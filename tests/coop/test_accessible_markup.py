"""Markup that assistive technology and phones rely on: messages, date inputs, scrolling
tables, the focus ring and menus that lead nowhere."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coop.models import ContentPage, HomePage, NewsIndexPage, NewsPage
from members.forms import InviteMemberForm
from tests.conftest import PASSWORD
from vacancies.forms import NominationConfirmForm, VacancyReportForm

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
DAY = dt.datetime(2026, 12, 11, 10, 0, tzinfo=dt.UTC)


def test_flash_messages_sit_in_a_status_region_around_a_real_list(cast, client):
    response = client.post(
        reverse("account_login"), {"login": cast.drager.email, "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    region = re.search(r'<div class="messages" role="status">\s*<ul>\s*<li class="message', text)
    assert region is not None, text
    assert '<ul class="messages" role="status">' not in text


def test_date_inputs_hold_iso_dates_in_dutch(cast):
    """Browsers show a date input holding 11-12-2026 as empty."""
    with time_machine.travel(DAY, tick=False), translation.override("nl"):
        joined = str(InviteMemberForm()["joined_on"])
        nomination = NominationConfirmForm(unit=cast.units[5], available_from=dt.date(2026, 12, 11))
        starts = str(nomination["starts_on"])
        available = str(
            VacancyReportForm(
                association=cast.association, initial={"available_from": dt.date(2027, 1, 4)}
            )["available_from"]
        )
    assert 'type="date"' in joined and 'value="2026-12-11"' in joined
    assert 'value="2026-12-11"' in starts
    assert 'value="2027-01-04"' in available


def test_the_members_page_prefills_joined_on_as_an_iso_date(cast, client_for):
    with time_machine.travel(DAY, tick=False):
        response = client_for("board").get(
            reverse("portal:association_members", args=[cast.association.slug])
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<input type="date" name="joined_on" value="2026-12-11"', text), text


def test_every_scrolling_table_is_a_named_region_reachable_by_keyboard():
    wrappers = []
    for template in TEMPLATES.rglob("*.html"):
        for match in re.finditer(r'<div class="table-wrap"[^>]*>', template.read_text()):
            wrappers.append((template.relative_to(TEMPLATES), match.group(0)))
    assert len(wrappers) >= 20
    for template, tag in wrappers:
        assert 'tabindex="0"' in tag, (template, tag)
        assert 'role="region"' in tag, (template, tag)
        assert "aria-label=" in tag or "aria-labelledby=" in tag, (template, tag)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_reaches_three_to_one_on_white_and_on_the_header():
    css = CSS.read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    rule = re.search(r":focus-visible\s*{([^}]*)}", css).group(1)
    inner = re.search(r"outline:\s*\S+\s+solid\s+var\(--([a-z-]+)\)", rule).group(1)
    outer = re.search(r"box-shadow:[^;]*var\(--([a-z-]+)\)", rule).group(1)
    assert _contrast(colours[inner], "#ffffff") >= 3
    assert _contrast(colours[outer], colours["brand"]) >= 3


def test_the_calendar_is_in_the_menu_only_of_those_who_have_one(cast, client_for):
    calendar = reverse("activities:calendar_home")
    for role in ("drager", "board", "coordinator"):
        text = client_for(role).get(reverse("portal:dashboard")).content.decode()
        assert f'href="{calendar}"' in text, role
    for role in ("care_worker", "corporation_staff"):
        text = client_for(role).get(reverse("portal:dashboard")).content.decode()
        assert f'href="{calendar}"' not in text, role
        assert client_for(role).get(calendar).status_code == 404


def test_the_public_site_has_a_menu_of_the_pages_marked_for_it(db, client):
    home = HomePage.objects.get()
    about = home.add_child(instance=ContentPage(title="Over ons", slug="over-ons"))
    rules = home.add_child(instance=ContentPage(title="Huisregels", slug="huisregels"))
    news = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws"))
    news.add_child(instance=NewsPage(title="Moestuin", slug="moestuin", date=DAY.date()))
    hidden = home.add_child(
        instance=ContentPage(title="Privacy", slug="privacy", show_in_menus=False)
    )
    draft = home.add_child(instance=ContentPage(title="Concept", slug="concept", live=False))

    text = client.get("/huisregels/").content.decode()
    menu = re.search(r'<nav class="public-menu"[^>]*>(.*?)</nav>', text, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', menu) == ["/over-ons/", "/huisregels/", "/nieuws/"]
    assert '<a href="/huisregels/" aria-current="page">Huisregels</a>' in menu
    for page in (about, rules, news):
        assert client.get(page.url).status_code == 200
    assert hidden.title not in menu and draft.title not in menu


def test_public_pages_made_before_the_menu_join_it_once(db, client):
    from django.apps import apps

    migration = importlib.import_module("coop.migrations.0005_public_pages_join_the_menu")
    home = HomePage.objects.get()
    about = home.add_child(instance=ContentPage(title="Over ons", slug="over-ons"))
    about.show_in_menus = False
    about.save_revision().publish()
    news = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws"))
    item = news.add_child(instance=NewsPage(title="Moestuin", slug="moestuin", date=DAY.date()))
    NewsIndexPage.objects.filter(pk=news.pk).update(show_in_menus=False)

    migration.pages_join_the_menu(apps, None)

    about.refresh_from_db()
    assert about.show_in_menus and NewsIndexPage.objects.get().show_in_menus
    assert not NewsPage.objects.get(pk=item.pk).show_in_menus
    # The next publication from the admin starts from the latest revision: it stays in.
    assert about.get_latest_revision_as_object().show_in_menus
    assert 'href="/over-ons/"' in client.get("/").content.decode()
