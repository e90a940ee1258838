"""The named cast every test can use: two associations and one person per role."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from coop.models import Association, Building, Organisation, StaffLink, Unit, User
from members.models import AssociationRole, CareAssignment, Member, MixGroupPeriod, Role, Tenancy

PASSWORD = "correct-horse-battery"


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _clock_shift(text: str) -> dt.timedelta:
    """``+400d``, ``-90d``, ``+3y``, ``+36h``: how far the suite's clock is moved."""
    text = text.strip()
    units = {"h": "hours", "d": "days", "y": None}
    sign, amount, unit = text[0], text[1:-1], text[-1]
    if sign not in "+-" or unit not in units or not amount.isdigit():
        raise pytest.UsageError(
            f"COOP_TEST_CLOCK_SHIFT={text!r}: expected a signed amount with h, d or y, e.g. +400d"
        )
    days = int(amount) * 365 if unit == "y" else None
    shift = (
        dt.timedelta(days=days) if days is not None else dt.timedelta(**{units[unit]: int(amount)})
    )
    return shift if sign == "+" else -shift


def pytest_configure(config):
    """``COOP_TEST_CLOCK_SHIFT=+400d pytest`` runs the whole suite with the clock moved, so a
    test whose outcome depends on the day it runs fails here rather than on a later date (CI
    runs the suite once this way). Tests that pin their own time keep it: time_machine nests."""
    text = os.environ.get("COOP_TEST_CLOCK_SHIFT", "")
    if not text:
        return
    shift = _clock_shift(text)
    traveller = time_machine.travel(dt.datetime.now(tz=dt.UTC) + shift, tick=True)
    traveller.start()
    config._coop_clock = traveller
    print(f"The clock of this test run is moved by {text} ({shift}).")


def pytest_unconfigure(config):
    traveller = getattr(config, "_coop_clock", None)
    if traveller is not None:
        traveller.stop()


@pytest.fixture(autouse=True)
def _frozen_at(request):
    """``@pytest.mark.frozen_at("2026-06-01T10:00+02:00")`` pins the clock for the whole test,
    its fixtures (the cast's join dates) included, for tests whose outcome depends on where
    "today" falls (a weekday, a month's end, a season)."""
    marker = request.node.get_closest_marker("frozen_at")
    if marker is None:
        yield
        return
    moment = dt.datetime.fromisoformat(marker.args[0])
    assert moment.tzinfo is not None, "frozen_at needs an aware moment"
    with time_machine.travel(moment, tick=marker.kwargs.get("tick", False)):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless (STACK.md pitfall 9); `.ci/run` installs it.

    Playwright's sync API keeps an event loop running in the test thread from here on; the
    tests' own ORM calls stay synchronous, so Django's async guard is lifted for the rest of
    the session (STACK.md pitfall 8)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


MISSING_TOOLS_HELP = {
    "chromium": "Chromium is not installed at /usr/bin/chromium: install it with "
    "`sudo apt-get install chromium` (Debian/Ubuntu), then run `make test` again",
    "gettext": "gettext (xgettext, msgattrib) is not installed: install it with "
    "`sudo apt-get install gettext`, then run `make test` again",
    "pdftotext": "pdftotext is not installed: install it with "
    "`sudo apt-get install poppler-utils` (Debian/Ubuntu), then run `make test` again",
    "redis": "Redis is not running on 127.0.0.1:6379: install it with "
    "`sudo apt-get install redis-server` (Debian/Ubuntu), then run `make test` again",
}
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def missing_tool(tool: str) -> str | None:
    """Why the tests that need ``tool`` cannot run here, or None when they can."""
    if tool == "chromium":
        found = os.access(CHROMIUM, os.X_OK)
    elif tool == "redis":
        found = _redis_running()
    elif tool == "pdftotext":
        found = shutil.which("pdftotext") is not None
    else:
        found = all(shutil.which(name) for name in ("xgettext", "msgattrib"))
    return None if found else MISSING_TOOLS_HELP[tool]


def skip_or_fail_without(tool: str) -> None:
    """On a newcomer's machine a missing system tool skips the tests that need it (and the
    run says so loudly at the end); with COOP_REQUIRE_ALL_TESTS=1, as CI sets it, it fails."""
    reason = missing_tool(tool)
    if reason is None:
        return
    if os.environ.get("COOP_REQUIRE_ALL_TESTS") == "1":
        pytest.fail(f"{reason} (COOP_REQUIRE_ALL_TESTS=1 forbids skipping these tests)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _needs_chromium(request):
    if request.node.get_closest_marker("browser"):
        skip_or_fail_without("chromium")


def pytest_terminal_summary(terminalreporter):
    """A skipped browser or translation test must not pass unnoticed."""
    skipped = [
        report.longrepr[2]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
    ]
    for reason in MISSING_TOOLS_HELP.values():
        count = sum(1 for text in skipped if text.endswith(reason))
        if count:
            terminalreporter.write_sep("!", "TESTS SKIPPED", red=True, bold=True)
            terminalreporter.write_line(f"{count} tests were SKIPPED: {reason}.", red=True)


def pytest_collection_modifyitems(items):
    """Tests that commit (live server, threads) run last: the database is flushed after each
    of them, and the tests that use the plain ``db`` fixture must run before that."""

    def commits(item) -> bool:
        marker = item.get_closest_marker("django_db")
        return "live_server" in getattr(item, "fixturenames", ()) or bool(
            marker and marker.kwargs.get("transaction")
        )

    items.sort(key=commits)


@pytest.fixture
def flushable_protected_rows(transactional_db):
    """Lets the flush after a committing test empty the tables whose rows the database
    protects (audit entries, ballots of closed rounds). SQLite flushes with DELETE, which
    their triggers refuse, so they are dropped, the rows removed and the triggers restored.
    PostgreSQL truncates, which row triggers let through, but the ballot tables also refuse
    TRUNCATE while they hold rows of a closed round (vacancies migration 0005): their rows are
    deleted first with their triggers disabled, in one transaction that enables them again."""
    yield
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # Tables with a TRUNCATE trigger (bit 5 of tgtype), named by the catalogue itself.
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgtype & 32 <> 0"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _table, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        # Only tables whose triggers refuse DELETE need emptying here (a closed round refuses
        # only a status change, and deleting it before its electors would break their keys).
        # The table names come from sqlite_master itself, not from input.
        guarded = {table for _name, table, sql in triggers if _refuses_delete(sql)}
        for table in sorted(guarded):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        for _name, _table, sql in triggers:
            cursor.execute(sql)


def _refuses_delete(trigger_sql: str) -> bool:
    return re.search(r"\bBEFORE\s+DELETE\b", trigger_sql, re.IGNORECASE) is not None


@pytest.fixture
def live_page(page, live_server, flushable_protected_rows):
    """A Chromium page against the live server, for tests marked ``browser`` and
    ``django_db(transaction=True, serialized_rollback=True)`` (the public pages come from a
    data migration and must survive the flush)."""
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page


def browser_login(page, email: str, password: str = "", second_factor=None) -> None:
    """Log in through allauth's own form, as a person would; ``second_factor()`` gives the
    current TOTP code for accounts that need one."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    if second_factor is not None:
        page.wait_for_url(f"{page.base_url}/accounts/2fa/authenticate/")
        page.fill("input[name=code]", second_factor())
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{page.base_url}/portal/**")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The shared database cache (rate limits) needs its table in the test database."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


def make_user(email: str, *, first: str = "", last: str = "", second_factor: bool = False) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, first_name=first, last_name=last
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if second_factor:
        add_totp(user)
    return user


def add_totp(user: User) -> Authenticator:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    return TOTP.activate(user, generate_totp_secret()).instance


@pytest.fixture
def superuser(db) -> User:
    """A superuser as ``manage.py createsuperuser`` makes one, with a second factor."""
    user = User.objects.create_superuser(email="beheer@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    add_totp(user)
    return user


@dataclass
class Cast:
    corporation: Organisation
    care: Organisation
    other_care: Organisation
    association: Association
    other_association: Association
    building: Building
    other_building: Building
    units: list[Unit]
    board: User
    selection: User
    coordinator: User
    vrager: User
    drager: User
    care_worker: User
    other_care_worker: User
    corporation_staff: User
    outsider: User
    board_member: Member
    vrager_member: Member
    drager_member: Member
    outsider_member: Member

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def _member(association, user, name, group, joined, *, unit=None, kind="regular", role=None):
    member = Member.objects.create(
        association=association,
        user=user,
        name=name,
        email=user.email if user else "",
        joined_on=joined,
    )
    MixGroupPeriod.objects.create(member=member, group=group, starts_on=joined)
    if unit is not None:
        Tenancy.objects.create(member=member, unit=unit, kind=kind, starts_on=joined)
    if role is not None:
        AssociationRole.objects.create(member=member, role=role, starts_on=joined)
    return member


@pytest.fixture
def cast(db) -> Cast:
    joined = timezone.localdate() - dt.timedelta(days=400)
    corporation = Organisation.objects.create(
        name="Woonstichting Lindenhof", kind=Organisation.Kind.CORPORATION, slug="lindenhof"
    )
    care = Organisation.objects.create(
        name="Stichting Onderdak", kind=Organisation.Kind.CARE, slug="onderdak"
    )
    other_care = Organisation.objects.create(
        name="Zorggroep Vecht", kind=Organisation.Kind.CARE, slug="vecht"
    )
    association = Association.objects.create(
        name="Woonvereniging De Kapel",
        slug="de-kapel",
        kind=Association.Kind.ASSOCIATION,
        corporation=corporation,
    )
    other_association = Association.objects.create(
        name="Wooncoöperatie Het Erf",
        slug="het-erf",
        kind=Association.Kind.COOPERATIVE,
        corporation=corporation,
    )
    building = Building.objects.create(
        association=association,
        name="Kapelgebouw",
        street_address="Kapelstraat 1",
        postal_code="3511 AB",
        city="Utrecht",
    )
    other_building = Building.objects.create(
        association=other_association,
        name="Erfhuis",
        street_address="Erfweg 2",
        postal_code="8011 CD",
        city="Zwolle",
    )
    units = [
        Unit.objects.create(
            building=building,
            number=str(n),
            kind=Unit.Kind.OMKLAP if n <= 2 else Unit.Kind.REGULAR,
            rent=Decimal("650.00"),
        )
        for n in range(1, 7)
    ]
    other_unit = Unit.objects.create(
        building=other_building, number="1", kind=Unit.Kind.REGULAR, rent=Decimal("700.00")
    )

    board = make_user("bestuur@example.org", first="Bram", last="Bestuur", second_factor=True)
    selection = make_user(
        "selectie@example.org", first="Sanne", last="Selectie", second_factor=True
    )
    coordinator = make_user("coordinator@example.org", first="Cor", last="Coördinator")
    vrager = make_user("vrager@example.org", first="Vera", last="Vrager")
    drager = make_user("drager@example.org", first="Dirk", last="Drager")
    care_worker = make_user("zorg@example.org", first="Zoë", last="Zorg", second_factor=True)
    other_care_worker = make_user(
        "zorg2@example.org", first="Zeger", last="Zorgvecht", second_factor=True
    )
    corporation_staff = make_user(
        "corporatie@example.org", first="Kees", last="Corporatie", second_factor=True
    )
    outsider = make_user("buiten@example.org", first="Olga", last="Buiten")

    board_member = _member(
        association, board, "Bram Bestuur", "regular", joined, unit=units[2], role=Role.BOARD
    )
    _member(
        association,
        selection,
        "Sanne Selectie",
        "regular",
        joined,
        unit=units[3],
        role=Role.SELECTION,
    )
    _member(
        association,
        coordinator,
        "Cor Coördinator",
        "drager",
        joined,
        unit=units[4],
        role=Role.COORDINATOR,
    )
    vrager_member = _member(
        association, vrager, "Vera Vrager", "vrager", joined, unit=units[0], kind="omklap"
    )
    drager_member = _member(association, drager, "Dirk Drager", "drager", joined, unit=units[5])
    outsider_member = _member(
        other_association,
        outsider,
        "Olga Buiten",
        "regular",
        joined,
        unit=other_unit,
        role=Role.BOARD,
    )
    # The outsider sits on the other association's board, so they need a second factor too.
    add_totp(outsider)

    StaffLink.objects.create(organisation=care, user=care_worker, starts_on=joined)
    StaffLink.objects.create(organisation=other_care, user=other_care_worker, starts_on=joined)
    StaffLink.objects.create(organisation=corporation, user=corporation_staff, starts_on=joined)
    CareAssignment.objects.create(
        member=vrager_member, organisation=care, worker=care_worker, starts_on=joined
    )

    return Cast(
        corporation=corporation,
        care=care,
        other_care=other_care,
        association=association,
        other_association=other_association,
        building=building,
        other_building=other_building,
        units=units,
        board=board,
        selection=selection,
        coordinator=coordinator,
        vrager=vrager,
        drager=drager,
        care_worker=care_worker,
        other_care_worker=other_care_worker,
        corporation_staff=corporation_staff,
        outsider=outsider,
        board_member=board_member,
        vrager_member=vrager_member,
        drager_member=drager_member,
        outsider_member=outsider_member,
    )


ROLES = (
    "anonymous",
    "vrager",
    "drager",
    "board",
    "selection",
    "coordinator",
    "care_worker",
    "corporation_staff",
    "outsider",
)


@pytest.fixture
def client_for(client, cast):
    """A test client logged in as the named role of the cast (or anonymous)."""

    def _client(role: str):
        client.logout()
        user = cast.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return _client
