"""The demo's public site: the home page, content pages, news, and the content editor's group."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page, Site

from coop.demo.base import Seeder
from coop.demo.logins import LOGINS
from coop.models import (
    ContentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
)

# Wagtail's own group (made by its migrations): admin access, edit and publish pages, images
# and documents; no permission on users or groups.
EDITOR_GROUP = "Moderators"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def editor_group(site_root: Page) -> Group:
    """Wagtail's editor group; where it was removed, made again for the public site's pages."""
    group, created = Group.objects.get_or_create(name=EDITOR_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.create(group=group, page=site_root, permission=permission)
    return group


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: str
    intro: str
    body: str


HOME_TITLE = "Welkom bij De Zonnewijzer"
HOME_INTRO = (
    "Woonvereniging De Zonnewijzer is een gemengd wooncomplex aan de Kloosterlaan in Utrecht. "
    "Mensen die na dakloosheid of een zorgtraject weer zelfstandig gaan wonen, buren die hen "
    "daarbij steunen en gewone huurders wonen hier samen, en besturen het complex grotendeels zelf."
)
HOME_BODY = (
    "<h2>Samen wonen, samen doen</h2>"
    "<p>In onze twee gebouwen wonen 24 huishoudens. Ongeveer een derde van de bewoners komt uit "
    "een zorg- of opvangtraject (wij zeggen: <b>vragers</b>), een kleiner deel heeft zich "
    "verbonden om hen te ondersteunen (<b>dragers</b>) en de helft zijn reguliere huurders. "
    "Iedereen is lid van de vereniging en draagt bij: aan de koffieochtend, de moestuin, de "
    "klusdienst of gewoon door een oogje in het zeil te houden.</p>"
    "<h2>Hoe wij het regelen</h2>"
    "<ul><li>Het bestuur wordt gekozen door de ledenvergadering.</li>"
    "<li>Een selectiecommissie zoekt samen met de leden nieuwe bewoners voor vrijgekomen "
    "woningen; de leden stemmen over de voordracht.</li>"
    "<li>Woonstichting Nieuw Kwartier verhuurt de woningen; Zorgstichting De Overstap begeleidt "
    "de bewoners die dat nodig hebben.</li></ul>"
    "<p>Bewoners loggen in op het ledenportaal voor de agenda, stemmingen en hun eigen "
    "gegevens.</p>"
)

CONTENT_PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        slug="over-ons",
        title="Over ons",
        intro="De Zonnewijzer bestaat sinds 2019 en is een vereniging van en voor de bewoners.",
        body=(
            "<p>Het idee is eenvoudig: wie een steuntje in de rug nodig heeft, woont het beste "
            "tussen buren die naar elkaar omkijken. Daarom wonen vragers, dragers en reguliere "
            "huurders door elkaar, in een verhouding die we samen met de corporatie hebben "
            "afgesproken: ongeveer 35% vragers, 15% dragers en 50% reguliere huurders.</p>"
            "<h2>Het bestuur</h2>"
            "<p>Het bestuur bestaat uit drie bewoners. Zij vertegenwoordigen de vereniging bij "
            "Woonstichting Nieuw Kwartier en Zorgstichting De Overstap en leggen elk jaar "
            "verantwoording af aan de ledenvergadering.</p>"
            "<h2>Activiteiten</h2>"
            "<p>Elke dinsdag is er koffieochtend in de gemeenschappelijke ruimte, op donderdag "
            "koken we om de beurt voor wie wil aanschuiven, en de moestuin is het hele jaar "
            "open.</p>"
        ),
    ),
    PageSpec(
        slug="zo-kun-je-bij-ons-wonen",
        title="Zo kun je bij ons wonen",
        intro="Komt er een woning vrij, dan zoeken wij samen met de corporatie een nieuwe buur.",
        body=(
            "<h2>Reguliere woningen en dragerswoningen</h2>"
            "<p>Vrijgekomen woningen zetten we op deze website, met een profiel van wat het "
            "complex op dat moment nodig heeft. Je reageert met een korte motivatie en vertelt "
            "hoe je wilt bijdragen. De selectiecommissie maakt een voordracht, de leden stemmen "
            "erover en de corporatie toetst inkomen en passend toewijzen.</p>"
            "<p>Wij vragen nooit naar je gezondheid, afkomst, geloof, politieke voorkeur of "
            "geaardheid. Word je niet gekozen, dan laten we je weten waarom.</p>"
            "<h2>Omklapwoningen</h2>"
            "<p>Een deel van de woningen is bestemd voor mensen die uit een zorg- of "
            "opvangtraject komen. Zij worden voorgedragen door Zorgstichting De Overstap en "
            "beginnen met een tijdelijk huurcontract. Gaat het wonen goed, dan klapt het "
            "contract na drie jaar om naar een gewoon huurcontract.</p>"
        ),
    ),
    PageSpec(
        slug="huisregels",
        title="Huisregels",
        intro="Een paar afspraken waardoor het voor iedereen prettig wonen is.",
        body=(
            "<ol><li>We groeten elkaar en spreken elkaar aan, vriendelijk en direct.</li>"
            "<li>Tussen 23.00 en 7.00 uur is het stil in de gangen en de tuin.</li>"
            "<li>De gemeenschappelijke ruimte laat je schoon achter.</li>"
            "<li>Fietsen staan in de stalling, niet in het trappenhuis.</li>"
            "<li>Iedereen draagt bij: gemiddeld zestien uur per maand, op een manier die bij je "
            "past.</li>"
            "<li>Problemen bespreek je eerst met je buur, dan met het bestuur.</li></ol>"
        ),
    ),
)

NEWS_INDEX = PageSpec(
    slug="nieuws",
    title="Nieuws",
    intro="Wat er speelt in en rond De Zonnewijzer.",
    body="",
)

# (slug, title, days ago, intro, body)
NEWS_ITEMS: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "moestuin-open",
        "De moestuin is weer open",
        9,
        "De eerste pompoenen zijn gepoot en er is plek voor nieuwe tuinders.",
        "<p>Op zaterdagochtend werken we samen in de tuin. Geen groene vingers? Geen "
        "probleem: er is altijd iemand die het je laat zien. Meld je bij Wim Brouwer.</p>",
    ),
    (
        "ledenvergadering-voorjaar",
        "Verslag van de ledenvergadering",
        38,
        "Het bestuur is herkozen en de begroting voor volgend jaar is aangenomen.",
        "<p>Achttien leden waren aanwezig. We spraken over de nieuwe fietsenstalling, de "
        "verdeling van de klusdienst en de evaluatie van de omklapcontracten met de "
        "corporatie en De Overstap.</p>",
    ),
    (
        "woning-vrij-kloosterlaan",
        "Binnenkort een woning vrij aan de Kloosterlaan",
        95,
        "Een tweekamerwoning in Zonnewijzer Zuid komt vrij voor een nieuwe buur.",
        "<p>We zoeken iemand die zin heeft om mee te doen in de klusdienst of bij de "
        "koffieochtend. Het profiel en de reactietermijn volgen binnenkort op deze site.</p>",
    ),
)


def pages(seeder: Seeder) -> None:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home"))
        seeder.created += 1
    if not home.intro and not home.body:
        home.title = HOME_TITLE
        home.draft_title = HOME_TITLE
        home.intro = HOME_INTRO
        home.body = HOME_BODY
        # The seed is set-up, not an edit: the editor's rights are given in ``editors()``.
        home.save_revision(user=seeder.admin).publish(
            user=seeder.admin, skip_permission_checks=True
        )
        seeder.created += 1
    if not Site.objects.filter(is_default_site=True).exists():
        site = Site.objects.filter(root_page=home).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            site.is_default_site = True
            site.save(update_fields=["is_default_site"])
        seeder.created += 1
    for spec in CONTENT_PAGES:
        child_page(seeder, home, ContentPage, spec)
    index = child_page(seeder, home, NewsIndexPage, NEWS_INDEX)
    for slug, title, days, intro, body in NEWS_ITEMS:
        date = seeder.days_ago(days)
        child_page(
            seeder, index, NewsPage, PageSpec(slug, title, intro, body), extra={"date": date}
        )


HOME_NAME = "De Zonnewijzer"
HOME_CONTACT = {
    "contact_address": "Woonvereniging De Zonnewijzer\nKloosterlaan 12\n3512 AB Utrecht",
    "contact_email": "bestuur@zonnewijzer.example",
    "contact_phone": "030 123 45 67",
    "contact_hours": "Dinsdag en donderdag van 10:00 tot 12:00 uur",
}
APPLY_SLUG = "zo-kun-je-bij-ons-wonen"
# News items that announce a home: the vacancy page they link to, and the button's text.
NEWS_LINKS = {"woning-vrij-kloosterlaan": ("woning-vrij", "Bekijk de woning en reageer")}


def links(seeder: Seeder) -> None:
    """The home page's name, contact details and its button to how to apply; news that links to
    the vacancy page (after the vacancies: their page exists then)."""
    home = HomePage.objects.first()
    if home is None:
        return
    if not home.short_name:
        home.short_name = HOME_NAME
        for name, value in HOME_CONTACT.items():
            setattr(home, name, value)
        home.apply_page = ContentPage.objects.child_of(home).filter(slug=APPLY_SLUG).first()
        home.save_revision(user=seeder.admin).publish(
            user=seeder.admin, skip_permission_checks=True
        )
        seeder.created += 1
    for slug, (target_slug, text) in NEWS_LINKS.items():
        item = NewsPage.objects.descendant_of(home).filter(slug=slug).first()
        target = Page.objects.child_of(home).filter(slug=target_slug).first()
        if item is None or target is None or item.link_page_id is not None:
            continue
        item.link_page = target
        item.link_text = text
        item.save_revision(user=seeder.admin).publish(
            user=seeder.admin, skip_permission_checks=True
        )
        seeder.created += 1


def editors(seeder: Seeder) -> None:
    """Content editors join Wagtail's editor group (after ``pages()``: the site exists)."""
    site_root = Site.objects.get(is_default_site=True).root_page
    for key, login in LOGINS.items():
        user = seeder.users[key]
        if login.editor and not user.groups.filter(name=EDITOR_GROUP).exists():
            user.groups.add(editor_group(site_root))
            seeder.created += 1


def child_page(seeder: Seeder, parent: Page, model: type[Page], spec: PageSpec, extra=None) -> Page:
    existing = model.objects.child_of(parent).filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    fields = {"title": spec.title, "slug": spec.slug, "intro": spec.intro, **(extra or {})}
    if spec.body:
        fields["body"] = spec.body
    page = parent.add_child(instance=model(**fields))
    page.save_revision(user=seeder.admin).publish(user=seeder.admin, skip_permission_checks=True)
    seeder.created += 1
    return page
