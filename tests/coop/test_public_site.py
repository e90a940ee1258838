"""The public site: the home page's call to action, open homes and contact details, news that
links to the home it announces, the association's name and logo mark, the favicon."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from coop.models import ContentPage, HomePage, NewsIndexPage, NewsPage
from coop.models.pages import initials
from tests.vacancies.public_setup import detail_url, make_vacancy_page, open_vacancy

pytestmark = pytest.mark.django_db


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def home() -> HomePage:
    return HomePage.objects.get()


def test_the_home_page_invites_to_apply_and_lists_the_open_homes(cast, client, home):
    apply = home.add_child(instance=ContentPage(title="Zo kun je bij ons wonen", slug="wonen"))
    page = make_vacancy_page()
    vacancy = open_vacancy(cast)
    home.apply_page = apply
    publish(home)

    html = client.get("/").content.decode()

    cta = re.search(r'<section class="call-to-action".*?</section>', html, re.S).group(0)
    assert '<a class="button" href="/wonen/">Zo kun je bij ons wonen</a>' in cta
    assert f'href="/{page.slug}/"' in cta
    assert html.count(f'href="{detail_url(page, vacancy)}"') == 2  # the title and the button
    assert "Bekijk en reageer" in html


def test_only_homes_taking_applications_show_on_the_home_page(cast, client, home):
    page = make_vacancy_page()
    vacancy = open_vacancy(cast)
    vacancy.applications_close_at = timezone.now() - dt.timedelta(minutes=1)
    vacancy.save(update_fields=["applications_close_at"])

    html = client.get("/").content.decode()

    assert detail_url(page, vacancy) not in html
    assert "Er zijn op dit moment geen woningen waarop je kunt reageren" in html


def test_without_a_vacancy_page_or_apply_page_there_is_no_call_to_action(cast, client):
    html = client.get("/").content.decode()

    assert "call-to-action" not in html


def test_the_home_page_shows_the_contact_details_the_editor_filled_in(cast, client, home):
    home.contact_address = "Kloosterlaan 12\n3512 AB Utrecht"
    home.contact_email = "bestuur@zonnewijzer.example"
    home.contact_phone = "030 123 45 67"
    publish(home)

    html = client.get("/").content.decode()

    assert "Kloosterlaan 12<br>3512 AB Utrecht" in html
    assert 'href="mailto:bestuur@zonnewijzer.example"' in html
    assert 'href="tel:0301234567"' in html


def test_no_contact_section_without_details(cast, client):
    assert 'id="contact-heading"' not in client.get("/").content.decode()


def test_a_news_item_links_to_the_home_it_announces(cast, client, home):
    page = make_vacancy_page()
    index = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws"))
    item = index.add_child(
        instance=NewsPage(
            title="Woning vrij",
            slug="woning-vrij",
            date=timezone.localdate(),
            link_page=page,
            link_text="Bekijk de woning",
        )
    )
    plain = index.add_child(
        instance=NewsPage(title="Moestuin", slug="moestuin", date=timezone.localdate())
    )

    linked = client.get(item.url).content.decode()
    other = client.get(plain.url).content.decode()

    assert f'<a class="button" href="/{page.slug}/">Bekijk de woning</a>' in linked
    assert 'class="actions"' not in other


def test_a_news_button_without_text_reads_read_more(cast, client, home):
    page = make_vacancy_page()
    index = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws"))
    item = index.add_child(
        instance=NewsPage(title="Woning", slug="w", date=timezone.localdate(), link_page=page)
    )

    assert f'href="/{page.slug}/">Lees meer</a>' in client.get(item.url).content.decode()


def test_the_header_shows_the_association_name_and_its_initials_as_default_mark(cast, client, home):
    home.short_name = "De Zonnewijzer"
    publish(home)
    page = make_vacancy_page()

    for url in ("/", f"/{page.slug}/"):
        header = client.get(url).content.decode().split("</header>")[0]
        assert '<svg class="logo-mark"' in header
        assert ">Z</text>" in header
        assert "<span>De Zonnewijzer</span>" in header


def test_the_editor_s_logo_replaces_the_mark(cast, client, home, settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path
    home.logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(80, 80)))
    publish(home)

    header = client.get("/").content.decode().split("</header>")[0]

    assert '<img class="logo-mark" src="/media/original_images/test' in header
    assert "<svg" not in header


@pytest.mark.parametrize(
    ("name", "expected"),
    [("De Zonnewijzer", "Z"), ("Woonvereniging Het Anker", "WA"), ("Samen wonen", "SW"), ("", "")],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_both_frames_link_the_favicon(cast, client, client_for):
    public = client.get("/").content.decode()
    portal = client_for("vrager").get("/portal/").content.decode()

    for html in (public, portal):
        assert re.search(
            r'<link rel="icon" href="/static/favicon.svg" type="image/svg\+xml">', html
        )
        assert '<link rel="icon" href="/static/favicon.ico"' in html


def test_the_demo_home_page_shows_it_all(db, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    html = client.get("/").content.decode()

    assert "Zo kun je bij ons wonen</a>" in html
    assert html.count('class="card"') >= 1  # the demo's open home
    assert "bestuur@zonnewijzer.example" in html
    assert "<span>De Zonnewijzer</span>" in html
    news = NewsPage.objects.get(slug="woning-vrij-kloosterlaan")
    assert (
        'href="/woning-vrij/">Bekijk de woning en reageer</a>'
        in client.get(news.url).content.decode()
    )


def test_the_home_page_with_its_open_homes_has_a_flat_query_count(cast, client, home):
    from decimal import Decimal

    from coop.models import Unit
    from tests.helpers import assert_flat_query_count
    from vacancies.models import Vacancy

    make_vacancy_page()
    home.apply_page = home.add_child(instance=ContentPage(title="Wonen", slug="wonen"))
    publish(home)

    def grow(n: int) -> None:
        for i in range(Vacancy.objects.count(), n):
            unit = Unit.objects.create(
                building=cast.building, number=f"V{i}", kind=Unit.Kind.REGULAR, rent=Decimal("600")
            )
            open_vacancy(cast, unit)

    # site with its root, page by path, the page's front (its apply page, its children for
    # the menu and the vacancy page, the view restrictions on its path), latest news, open homes
    assert_flat_query_count(lambda: client.get("/"), grow, queries=5, small=10, large=40)


def test_the_editor_finds_the_new_fields_in_the_page_editor():
    home_form = HomePage.get_edit_handler().get_form_class()
    news_form = NewsPage.get_edit_handler().get_form_class()

    assert {
        "short_name",
        "logo",
        "apply_page",
        "contact_address",
        "contact_email",
        "contact_phone",
        "contact_hours",
    } <= set(home_form.base_fields)
    assert {"link_page", "link_text"} <= set(news_form.base_fields)
