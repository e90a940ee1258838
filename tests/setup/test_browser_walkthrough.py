"""A new installation set up from an empty database in a real browser, through the pages only:
the platform administrator sets up a corporation and a care organisation and invites their
first staff member; the corporation sets up an association and imports its buildings and units;
the first board member imports the residents, assigns roles and invites everyone; the care
organisation assigns a care worker and starts an omklap contract; the board records a move-out
and reports the vacancy. Nothing is made in the shell except the superuser with its second
factor, as ``createsuperuser`` and the authenticator app would."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from coop.models import Association, Building, Organisation, StaffLink, Unit, User
from members.models import (
    AssociationRole,
    CareAssignment,
    Invitation,
    Member,
    OmklapContract,
    Role,
    Tenancy,
)
from vacancies.models import Vacancy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een-lang-nieuw-wachtwoord-73"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Two buildings of 20 units: in each, units 1-4 are omklap homes and 5-8 drager homes.
BUILDINGS = (
    ("Lindehof", "Lindeweg 1", "3511 AA", "Utrecht"),
    ("Eikenhof", "Eikenlaan 2", "3511 AB", "Utrecht"),
)


def _kind(number: int) -> str:
    return "omklap" if number <= 4 else "drager" if number <= 8 else "regulier"


def code_for(secret: str) -> str:
    """What an authenticator app holding ``secret`` shows right now; close to the end of a
    period it waits for the next code, so the code is still the current one when it arrives."""
    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(3)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _workbook(headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def units_file() -> bytes:
    rows = [
        [name, street, postcode, city, str(number), _kind(number), 550 + 10 * number]
        for name, street, postcode, city in BUILDINGS
        for number in range(1, 21)
    ]
    return _workbook(["Gebouw", "Adres", "Postcode", "Plaats", "Huisnummer", "Soort", "Huur"], rows)


def residents_file(starts_on: dt.date) -> bytes:
    """30 residents: units 1-15 of both buildings, the omklap homes let to vragers."""
    rows = []
    for name, *_ in BUILDINGS:
        for number in range(1, 16):
            kind = _kind(number)
            group = {"omklap": "vrager", "drager": "drager"}.get(kind, "regulier")
            tenancy = "omklap" if kind == "omklap" else "regulier"
            person = f"{name[:4]}bewoner {number}"
            email = f"{name.lower()}.{number}@example.net"
            rows.append(
                [person, email, name, str(number), starts_on.isoformat(), tenancy, group, "en"]
            )
    return _workbook(
        ["Naam", "E-mail", "Gebouw", "Woning", "Huur vanaf", "Soort huur", "Groep", "Taal"], rows
    )


def _last_mail_to(email: str) -> str:
    bodies = [m.body for m in mail.outbox if email in m.to]
    assert bodies, f"no e-mail to {email}"
    return bodies[-1]


def _path(body: str, pattern: str) -> str:
    """The path of the first link in an e-mail that matches ``pattern`` (the e-mail names the
    configured site address, the test's server listens elsewhere)."""
    match = re.search(rf"https?://\S*{pattern}\S*", body)
    assert match, body
    return urlsplit(match.group(0)).path


def _person(browser, base_url: str):
    """A browser of their own for every person, in English."""
    context = browser.new_context(base_url=base_url)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _submit(page, name: str | None = None) -> None:
    """Press a form's button (the account pages' only one when no name is given) and wait for
    the page the server answers with."""
    main = page.locator("main")
    button = main.get_by_role("button", name=name) if name else main.locator("form button")
    with page.expect_navigation():
        button.first.click()


def _second_factor(page, password: str) -> None:
    """Set up the authenticator app the product asks for: read the secret shown on the page
    as the app would, confirm with its code."""
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "reauthenticate" in page.url:
        page.locator("input[name=password]").fill(password)
        _submit(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.get_by_label("Secret for the app").input_value()
    page.locator("input[name=code]").fill(code_for(secret))
    _submit(page, "Turn on")
    assert "/activate/" not in page.url, page.locator("main").inner_text()


def _staff_starts(browser, base_url: str, email: str):
    """A new staff member follows the e-mail's link, chooses a password, logs in and sets up
    the second factor their work requires."""
    page = _person(browser, base_url)
    page.goto(_path(_last_mail_to(email), "/accounts/password/reset/key/"))
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    _submit(page)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    _submit(page)
    _second_factor(page, PASSWORD)
    return page


def _invite_first_staff(page, organisation: str, first: str, last: str, email: str) -> None:
    page.get_by_role("link", name=f"Invite the first staff member {organisation}").click()
    _field(page, "First name").fill(first)
    _field(page, "Last name").fill(last)
    _field(page, "E-mail address").fill(email)
    _field(page, "Language of the e-mails").select_option("en")
    _submit(page, "Invite")
    expect(page.locator("main")).to_contain_text(f"{email} has access to {organisation}")


def _field(page, label: str):
    """A form field by its label (Django writes it with a colon)."""
    return page.get_by_label(f"{label}:", exact=True)


def _choose(select, text: str) -> None:
    """Choose the option whose text contains ``text``."""
    option = select.locator("option", has_text=text)
    expect(option).to_have_count(1)
    select.select_option(option.get_attribute("value"))


def _set_up_organisation(page, name: str, kind: str, slug: str) -> None:
    page.goto(reverse("setup:platform"))
    _field(page, "Name").fill(name)
    _field(page, "Kind").select_option(kind)
    _field(page, "Short name in web addresses").fill(slug)
    _submit(page, "Set up")
    expect(page.locator("main")).to_contain_text(f"{name} is set up.")
    page.goto(reverse("setup:platform"))


def _import(page, url: str, filename: str, content: bytes, summary: str) -> None:
    """Upload a spreadsheet, check the preview's summary, confirm."""
    page.goto(url)
    _field(page, "Spreadsheet (XLSX or CSV)").set_input_files(
        files=[{"name": filename, "mimeType": XLSX, "buffer": content}]
    )
    _submit(page, "Show the preview")
    main = page.locator("main")
    expect(main).to_contain_text(summary)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Import").click()


def test_a_new_installation_is_set_up_through_the_pages(browser, live_page, mailoutbox):
    base = live_page.base_url
    today = timezone.localdate()
    moved_in = today - dt.timedelta(days=300)

    # The platform administrator, made by createsuperuser, with an authenticator app.
    secret = generate_totp_secret()
    admin = User.objects.create_superuser(email="beheer@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    TOTP.activate(admin, secret)

    page = _person(browser, base)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(admin.email)
    page.locator("input[name=password]").fill(PASSWORD)
    _submit(page)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(code_for(secret))
    _submit(page)

    _set_up_organisation(page, "Woonstichting Linde", "corporation", "linde")
    _invite_first_staff(page, "Woonstichting Linde", "Carla", "Corporatie", "carla@example.net")
    _set_up_organisation(page, "Zorgstichting Eik", "care", "eik")
    _invite_first_staff(page, "Zorgstichting Eik", "Zeynep", "Zorg", "zeynep@example.net")
    assert StaffLink.objects.count() == 2

    # Corporation staff: the association, its buildings and units, the first board member.
    corporation = _staff_starts(browser, base, "carla@example.net")
    corporation.goto(reverse("setup:home", args=["linde"]))
    corporation.get_by_role("link", name="Add an association").click()
    _field(corporation, "Name").fill("Woonvereniging De Linde")
    _field(corporation, "Short name in web addresses").fill("de-linde")
    _field(corporation, "Kind").select_option("cooperative")
    _submit(corporation, "Add the association")
    expect(corporation.locator("main")).to_contain_text("Woonvereniging De Linde is set up.")
    _import(
        corporation,
        reverse("setup:units_import", args=["linde", "de-linde"]),
        "woningen.xlsx",
        units_file(),
        "40 rows: 40 new",
    )
    units = corporation.get_by_role("table", name="Units")
    expect(units.locator("tbody tr")).to_have_count(40)
    corporation.get_by_role("link", name="Invite the first board member").click()
    _field(corporation, "Name").fill("Bea Bestuur")
    _field(corporation, "E-mail address").fill("bea@example.net")
    _field(corporation, "Group in the mix").select_option("regular")
    _field(corporation, "Member since").fill(moved_in.isoformat())
    _field(corporation, "Language of the invitation").select_option("en")
    _submit(corporation, "Register and send invitation")
    expect(corporation.locator("main")).to_contain_text("Bea Bestuur is registered on the board")

    # The board member accepts, signs up, sets up the second factor and imports the residents.
    board = _person(browser, base)
    board.goto(_path(_last_mail_to("bea@example.net"), "/invitation/"))
    board.wait_for_url(re.compile(r"/accounts/signup/"))
    board.locator("input[name=email]").fill("bea@example.net")
    board.locator("input[name=password1]").fill(PASSWORD)
    board.locator("input[name=password2]").fill(PASSWORD)
    _submit(board, "Create account")
    _second_factor(board, PASSWORD)
    _import(
        board,
        reverse("register:residents_import", args=["de-linde"]),
        "bewoners.xlsx",
        residents_file(moved_in),
        "30 rows: 30 new",
    )
    expect(board.locator("main")).to_contain_text(
        "30 members have no account yet and cannot vote online."
    )
    residents = board.get_by_role("table", name="Residents")
    expect(residents.locator("tbody tr")).to_have_count(31)  # Bea and the 30 imported
    expect(
        residents.get_by_role("row", name=re.compile(r"^Lindbewoner 1 Lindehof 1 vrager"))
    ).to_have_count(1)
    for name, role in (
        ("Lindbewoner 10", "selection committee"),
        ("Eikebewoner 11", "activity coordinator"),
    ):
        board.get_by_role("link", name=name, exact=True).click()
        _field(board, "Role").select_option(label=role)
        _submit(board, "Assign the role")
        expect(board.locator("main")).to_contain_text("The role is assigned.")
        board.get_by_role("link", name="Member register").click()
    before = len(mail.outbox)
    _submit(board, "Invite all 30 members")
    expect(board.locator("main")).to_contain_text("30 invitations were sent.")
    invited = sorted(m.to[0] for m in mail.outbox[before:])
    assert invited == sorted(
        f"{name.lower()}.{number}@example.net" for name, *_ in BUILDINGS for number in range(1, 16)
    )

    # The board records a move-out and follows the offered link to report the vacancy.
    board.goto(reverse("register:register", args=["de-linde"]))
    board.get_by_role("link", name="Record move-out Lindbewoner 12").click()
    _submit(board, "Record move-out")
    with board.expect_navigation():
        board.get_by_role("link", name="Report the vacancy").click()
    _submit(board, "Report the vacancy")
    expect(board.locator("h1")).to_contain_text("Lindehof 12")

    # What the pages did, counted in the database.
    association = Association.objects.get(slug="de-linde")
    assert Organisation.objects.count() == 2
    assert Building.objects.filter(association=association).count() == 2
    assert Unit.objects.filter(building__association=association).count() == 40
    assert Tenancy.objects.filter(member__association=association).count() == 30
    assert Member.objects.filter(association=association).count() == 31
    invitations = Invitation.objects.filter(association=association)
    # Bea's, accepted; 30 to the residents, one withdrawn when its resident moved out.
    assert invitations.count() == 31
    assert invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).count() == 29
    roles = AssociationRole.objects.filter(member__association=association)
    assert set(roles.values_list("role", flat=True)) == {
        Role.BOARD,
        Role.SELECTION,
        Role.COORDINATOR,
    }
    vacancy = Vacancy.objects.get(unit__building__name="Lindehof", unit__number="12")
    assert vacancy.available_from == today
    assert Member.objects.get(name="Lindbewoner 12").status == Member.Status.LEFT

    # The corporation names the care organisation in its agreement with the association (the
    # three-party agreement): from then on the care organisation works there. Care staff assign
    # a care worker to a vrager and start the omklap contract.
    corporation.goto(reverse("compliance:agreement_detail", args=["de-linde"]))
    _field(corporation, "Title").fill("Samenwerkingsovereenkomst De Linde")
    _field(corporation, "Care organisation").select_option(label="Zorgstichting Eik")
    _submit(corporation, "Start the agreement")
    care = _staff_starts(browser, base, "zeynep@example.net")
    care.goto(reverse("setup:care", args=["eik"]))
    _choose(_field(care, "Resident"), "Lindbewoner 1 ·")
    _field(care, "Care worker").select_option(label="Zeynep Zorg")
    _submit(care, "Assign")
    expect(care.locator("main")).to_contain_text("Zeynep Zorg guides Lindbewoner 1")
    care.get_by_role("link", name="Start an omklap contract").click()
    _choose(_field(care, "Resident and home"), "Lindbewoner 1 ·")
    care.get_by_role("checkbox").first.check()
    _submit(care, "Start the contract")
    expect(care.locator("main")).to_contain_text("The omklap contract of Lindbewoner 1 runs until")
    assert CareAssignment.objects.filter(member__name="Lindbewoner 1").count() == 1
    contract = OmklapContract.objects.get(tenancy__member__name="Lindbewoner 1")
    assert contract.moments.count() >= 4
