"""Parts of pages kept under the data generation: every committed write makes a new one, a
rolled-back one does not, and a kept part is per session, per day, short-lived and encrypted.

The suite's ordinary tests run inside a transaction that never commits, where nothing is kept;
the tests here commit (``transaction=True``), as the site does."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import pickle
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.template import RequestContext, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from activities import services as activity_services
from activities.models import Category
from activities.services import ActivityData
from coop.generation import GENERATION_KEY, PART_SECONDS, part_key, remembered
from coop.models import Organisation, User
from members.models import Invitation, Member
from tests.activities.conftest import at, next_weekday
from tests.helpers import count_queries
from vacancies.models import Ballot, VoteRecord

# These tests commit. Like every committing test of the suite they restore the data the
# migrations made (the public pages, the content types under their first ids) after their
# flush, so the committing tests that run after them find it as it was.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DASHBOARD = "portal:dashboard"
# A page's first load in a session loads and keeps the viewer, builds the part and keeps it; the
# second reads the session, the user, the viewer and the part (generation and entry in one).
# SQLite and PostgreSQL count the same.
DASHBOARD_FIRST_LOAD = 21
OVERVIEW_FIRST_LOAD = 26
SECOND_LOAD = 4


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache table is not emptied with the database between committing tests."""
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.clear()
    yield
    cache.clear()


class Build:
    """A part's build that counts its calls; each build returns a value of its own."""

    def __init__(self, name: str = "part") -> None:
        self.name = name
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"{self.name} #{self.calls}"


def _remember(build: Build, *values) -> str:
    # The key is made at each call, as a page does on each request (it holds today's date).
    return remembered(part_key("probe", build.name, *values), build)


def _generation() -> str:
    """The current generation, started by a kept part if there is none."""
    _remember(Build("starter"))
    generation = cache.get(GENERATION_KEY)
    assert generation is not None
    return generation


def _organisation(name: str = "Stichting Proef") -> Organisation:
    return Organisation.objects.create(name=name, kind=Organisation.Kind.CARE, slug="proef")


# -- 1. which writes make a new generation ----------------------------------------------------


def _save(org):
    org.name = "Stichting Proef Twee"
    org.save()


def _update(org):
    Organisation.objects.filter(pk=org.pk).update(name="Stichting Proef Drie")


def _bulk_create(org):
    Organisation.objects.bulk_create(
        [Organisation(name="Stichting Bulk", kind=Organisation.Kind.CARE, slug="bulk")]
    )


def _bulk_create_ignoring_conflicts(org):
    # The slug is taken: the row is ignored, and the statement is a write all the same.
    Organisation.objects.bulk_create(
        [
            Organisation(name="Stichting Nieuw", kind=Organisation.Kind.CARE, slug="nieuw"),
            Organisation(name="Stichting Dubbel", kind=Organisation.Kind.CARE, slug="proef"),
        ],
        ignore_conflicts=True,
    )
    assert Organisation.objects.filter(slug="nieuw").exists()


def _many_to_many_add(org):
    user = User.objects.create_user(email="groep@example.org", password="x")
    group = Group.objects.create(name="Redactie")
    before = _generation()
    user.groups.add(group)
    assert user.groups.filter(pk=group.pk).exists()
    return before


def _delete(org):
    Organisation.objects.filter(pk=org.pk).delete()


def _raw_update(org):
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        # Lower case and unquoted, as a hand-written statement might be.
        cursor.execute(f"update {table} set name = %s where id = %s", ["Rauw", org.pk])  # noqa: S608


WRITES = {
    "save": _save,
    "update": _update,
    "bulk_create": _bulk_create,
    "bulk_create_ignore_conflicts": _bulk_create_ignoring_conflicts,
    "many_to_many_add": _many_to_many_add,
    "delete": _delete,
    "raw_update": _raw_update,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_committed_write_makes_a_new_generation(write):
    org = _organisation()
    before = _generation()
    # A write that first sets up rows of its own starts from the generation after them.
    before = write(org) or before
    assert cache.get(GENERATION_KEY) != before


def _session_saved():
    store = SessionStore()
    store["seen"] = True
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now())
    assert Session.objects.filter(session_key=store.session_key).exists()


def _cache_written():
    cache.set("coop:test:other", "value", 60)
    cache.delete("coop:test:other")
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET expires = expires')  # noqa: S608
        assert cursor.rowcount >= 1


def _task_queue_written():
    Schedule.objects.create(func="math.floor", args="1", schedule_type=Schedule.ONCE)
    Schedule.objects.all().delete()


def _ballot_written():
    # Sealed ballots are never shown by a kept part (vacancies/apps.py unwatches their table).
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [0])  # noqa: S608


UNWATCHED = {
    "session": _session_saved,
    "cache": _cache_written,
    "task_queue": _task_queue_written,
    "ballot": _ballot_written,
}


@pytest.mark.parametrize("write", UNWATCHED.values(), ids=UNWATCHED.keys())
def test_writes_to_the_sessions_the_cache_and_the_task_queue_keep_the_generation(write):
    before = _generation()
    write()
    assert cache.get(GENERATION_KEY) == before


def test_a_vote_record_beside_the_ballots_does_make_a_new_generation():
    # Whether a member voted shows on their dashboard: that table stays watched.
    before = _generation()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {VoteRecord._meta.db_table} WHERE round_id = %s", [0])  # noqa: S608
    assert cache.get(GENERATION_KEY) != before


def test_a_write_in_a_transaction_makes_the_new_generation_when_it_commits():
    before = _generation()
    with transaction.atomic():
        _organisation()
        assert cache.get(GENERATION_KEY) == before
    assert cache.get(GENERATION_KEY) != before


# -- 2. a transaction that rolls back -----------------------------------------------------------


class Rollback(Exception):
    pass


def test_a_transaction_that_wrote_keeps_nothing_and_its_rollback_leaves_the_kept_parts(
    django_assert_num_queries,
):
    kept, other = Build("kept"), Build("other")
    assert _remember(kept) == "kept #1"
    generation = cache.get(GENERATION_KEY)
    with pytest.raises(Rollback), transaction.atomic():
        # Before it writes, the transaction is served what is kept.
        assert _remember(kept) == "kept #1"
        _organisation()
        # After, every call builds, without as much as reading the cache.
        with django_assert_num_queries(0):
            assert _remember(kept) == "kept #2"
            assert _remember(kept) == "kept #3"
            assert _remember(other) == "other #1"
            assert _remember(other) == "other #2"
        raise Rollback
    assert not Organisation.objects.filter(slug="proef").exists()
    assert cache.get(GENERATION_KEY) == generation
    assert _remember(kept) == "kept #1"
    assert kept.calls == 3
    # Nothing built inside the transaction was kept.
    assert _remember(other) == "other #3"


def test_a_rolled_back_savepoint_leaves_its_transaction_reading_the_kept_parts():
    kept = Build("kept")
    _remember(kept)
    generation = cache.get(GENERATION_KEY)
    with transaction.atomic():
        with pytest.raises(Rollback), transaction.atomic():
            _organisation()
            assert _remember(kept) == "kept #2"
            raise Rollback
        assert _remember(kept) == "kept #1"
    assert cache.get(GENERATION_KEY) == generation
    assert kept.calls == 2


def test_a_savepoint_that_wrote_and_was_released_keeps_its_transaction_from_the_cache():
    kept = Build("kept")
    _remember(kept)
    generation = cache.get(GENERATION_KEY)
    with transaction.atomic():
        with transaction.atomic():
            _organisation()
        assert _remember(kept) == "kept #2"
    assert cache.get(GENERATION_KEY) != generation
    assert _remember(kept) == "kept #3"


# -- 3. remembered: served, then rebuilt on a write, a new day or after PART_SECONDS -----------


def test_a_part_is_built_once_and_then_served_by_one_cache_read(django_assert_num_queries):
    build = Build()
    assert _remember(build) == "part #1"
    with django_assert_num_queries(1):
        assert _remember(build) == "part #1"
    assert build.calls == 1
    # Another value it varies on is another part.
    assert _remember(build, "page 2") == "part #2"
    assert _remember(build) == "part #1"


def test_a_committed_write_rebuilds_the_part():
    build = Build()
    _remember(build)
    _organisation()
    assert _remember(build) == "part #2"
    assert _remember(build) == "part #2"


def test_the_part_is_rebuilt_on_the_next_day_even_within_its_seconds():
    build = Build()
    with time_machine.travel(dt.datetime(2026, 6, 1, 23, 59, 30, tzinfo=AMSTERDAM), tick=False):
        assert _remember(build) == "part #1"
    with time_machine.travel(dt.datetime(2026, 6, 1, 23, 59, 50, tzinfo=AMSTERDAM), tick=False):
        assert _remember(build) == "part #1"
    # Forty seconds after it was built, but the day in Amsterdam has turned.
    with time_machine.travel(dt.datetime(2026, 6, 2, 0, 0, 10, tzinfo=AMSTERDAM), tick=False):
        assert _remember(build) == "part #2"


def test_the_part_is_rebuilt_after_part_seconds():
    build = Build()
    built = dt.datetime(2026, 6, 1, 12, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(built, tick=False):
        assert _remember(build) == "part #1"
    with time_machine.travel(built + dt.timedelta(seconds=PART_SECONDS - 1), tick=False):
        assert _remember(build) == "part #1"
    with time_machine.travel(built + dt.timedelta(seconds=PART_SECONDS + 1), tick=False):
        assert _remember(build) == "part #2"


# -- 4. pages: a part is per session, and a committed change shows on the next load -----------


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, name: str = DASHBOARD, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_each_session_is_served_its_own_dashboard_and_a_committed_change_on_the_next_load(cast):
    dirk, vera = _logged_in(cast.drager), _logged_in(cast.vrager)
    for _ in range(2):
        for client, own, other in ((dirk, "Dirk Drager", "Vera"), (vera, "Vera Vrager", "Dirk")):
            html = _page(client)
            assert f"Welkom, {own}" in html
            assert other not in html
    User.objects.filter(pk=cast.drager.pk).update(first_name="Dirkje")
    assert "Welkom, Dirkje Drager" in _page(dirk)
    assert "Welkom, Vera Vrager" in _page(vera)


def _render_part(method: str, value: str, session_key: str = "s" * 32) -> str:
    request = getattr(RequestFactory(), method.lower())("/portal/somewhere/")
    request.session = SessionStore(session_key=session_key)
    template = Template('{% load parts %}{% part "probe" %}{{ value }}{% endpart %}')
    return template.render(RequestContext(request, {"value": value}))


def test_a_part_is_kept_for_a_get_and_never_for_a_post():
    _generation()
    assert _render_part("GET", "first") == "first"
    assert _render_part("GET", "second") == "first"  # kept
    assert _render_part("POST", "third") == "third"
    assert _render_part("POST", "fourth") == "fourth"
    assert _render_part("GET", "fifth", session_key="t" * 32) == "fifth"  # another session


def test_parts_and_viewers_kept_under_another_secret_key_are_built_again(cast):
    dirk = _logged_in(cast.drager)
    for _ in range(2):
        assert "Welkom, Dirk Drager" in _page(dirk)
    # A rotated secret key (the old one kept as a fallback, so the session holds) cannot open
    # what was sealed under the old one: the page is built again rather than failing.
    with override_settings(
        SECRET_KEY="another secret key for the platform, 50 characters",
        SECRET_KEY_FALLBACKS=[settings.SECRET_KEY],
    ):
        assert "Welkom, Dirk Drager" in _page(dirk)


def test_a_sign_up_through_its_form_shows_on_the_dashboard_on_the_next_load(
    cast, flushable_protected_rows
):
    activity_services.categories_ensure(association=cast.association)
    day = next_weekday(1)
    activity = activity_services.activity_plan(
        actor=cast.coordinator,
        association=cast.association,
        data=ActivityData(
            title="Koffieochtend",
            category=Category.objects.get(association=cast.association, key="coffee_morning"),
            location="Gemeenschappelijke ruimte",
            starts_at=at(day, 10),
            ends_at=at(day, 12),
            organisers=[Member.objects.get(user=cast.coordinator)],
        ),
    )
    occurrence = activity.occurrences.get()
    client = _logged_in(cast.drager)
    for _ in range(2):
        html = _page(client)
        assert "Nog geen aanmeldingen." in html
        assert "Koffieochtend" not in html
    signup = reverse("activities:occurrence_signup", args=[occurrence.pk])
    assert client.post(signup).status_code == 302
    html = _page(client)
    assert "Nog geen aanmeldingen." not in html
    assert "Koffieochtend" in html


# -- 5. queries: a kept dashboard costs the session, the user, the viewer and the part ---------


def _first_and_second_load(client: Client, url: str) -> tuple[int, int, str]:
    first, first_sql, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    second, second_sql, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    return first, second, "\n".join([*first_sql, "-- the second load:", *second_sql])


def test_the_second_load_of_the_dashboard_needs_only_the_cache_reads(cast):
    client = _logged_in(cast.drager)
    # Another session's first page fills the process's own caches (content types, site root).
    _page(_logged_in(cast.vrager))
    first, second, sql = _first_and_second_load(client, reverse(DASHBOARD))
    assert (first, second) == (DASHBOARD_FIRST_LOAD, SECOND_LOAD), f"{first}, {second}:\n{sql}"


def test_the_second_load_of_the_compliance_overview_needs_only_the_cache_reads(cast):
    overview = reverse("compliance:corporation_overview", args=[cast.corporation.slug])
    client = _logged_in(cast.corporation_staff)
    _logged_in(cast.corporation_staff).get(overview)
    first, second, sql = _first_and_second_load(client, overview)
    assert (first, second) == (OVERVIEW_FIRST_LOAD, SECOND_LOAD), f"{first}, {second}:\n{sql}"


def _csrf_token(html: str, action: str) -> str:
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html)
    assert form is not None, f"no form posting to {action}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    assert token is not None
    return token.group(1)


def test_the_same_member_in_two_sessions_posts_each_session_s_kept_csrf_token(
    cast, flushable_protected_rows
):
    Member.objects.create(
        association=cast.association,
        name="Nieuw Lid",
        email="nieuw@example.org",
        joined_on=timezone.localdate(),
    )
    invite_all = reverse("register:invite_all", args=[cast.association.slug])
    phone, laptop = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (phone, laptop):
        client.force_login(cast.board)
    tokens = {client: _csrf_token(_page(client), invite_all) for client in (phone, laptop)}
    assert tokens[phone] != tokens[laptop]
    # The second load of each session is its kept part, token and all.
    assert {client: _csrf_token(_page(client), invite_all) for client in tokens} == tokens
    assert phone.post(invite_all, {"csrfmiddlewaretoken": tokens[laptop]}).status_code == 403
    assert not Invitation.objects.exists()
    assert laptop.post(invite_all, {"csrfmiddlewaretoken": tokens[laptop]}).status_code == 302
    assert Invitation.objects.filter(member__name="Nieuw Lid").count() == 1


# -- 6. what the cache table holds -------------------------------------------------------------


def _cache_rows() -> dict[str, tuple[bytes, object]]:
    """Every entry of the cache table: the pickle Django's database cache stores (in base64),
    and what it unpickles to."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    return {
        key: (raw, pickle.loads(raw))  # noqa: S301 (the test's own cache)
        for key, raw in ((key, base64.b64decode(value)) for key, value in rows)
    }


def _holds(entry: tuple[bytes, object], text: str) -> bool:
    raw, value = entry
    return text.encode() in raw or text in repr(value) or text in str(value)


def test_the_kept_parts_hold_no_personal_data_and_their_keys_no_session(cast):
    member = _logged_in(cast.drager)
    staff = _logged_in(cast.corporation_staff)
    dashboard = _page(member)
    overview = _page(staff, "compliance:corporation_overview", cast.corporation.slug)
    # What the parts show, which a part kept as rendered would hold in clear.
    assert "Welkom, Dirk Drager" in dashboard and "Kapelstraat 1" in dashboard
    assert cast.other_association.name in overview
    unseen = [
        "Dirk Drager",
        cast.drager.email,
        cast.drager_member.email,
        "Kees Corporatie",
        cast.corporation_staff.email,
        "Kapelstraat 1",
        cast.other_association.name,
    ]
    rows = _cache_rows()
    sessions = {member.session.session_key, staff.session.session_key}
    parts = {key: value for key, (_raw, value) in rows.items() if ":coop:part:" in key}
    assert len(parts) == 2
    for key, (generation, sealed) in parts.items():
        assert not any(session in key for session in sessions)
        assert generation == rows[f":1:{GENERATION_KEY}"][1]
        assert sealed.startswith("p2:")
    # The session's viewer has an entry of its own (members/viewer_cache.py), sealed too.
    viewers = {key for key in rows if key.startswith(":1:coop:viewer:")}
    assert len(viewers) == 3  # the version and the two sessions' viewers
    for key in viewers - {":1:coop:viewer:version"}:
        assert rows[key][1]["viewer"].startswith("v1:")
    for key, entry in rows.items():
        for text in unseen:
            assert not _holds(entry, text), f"{text!r} in the cache entry {key}"


def test_a_missing_cache_table_is_reported_once_not_once_per_write(caplog, monkeypatch):
    """``migrate`` on an empty database writes before ``createcachetable``: one warning."""
    from coop import generation

    monkeypatch.setattr(generation, "_told", set())
    caplog.set_level(logging.DEBUG, logger="coop.generation")
    missing = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coop_cache_not_created",
        }
    }
    with override_settings(CACHES=missing):
        generation.new_generation()
        generation.new_generation()
    levels = [r.levelno for r in caplog.records if "cannot be written" in r.getMessage()]
    assert levels == [logging.WARNING, logging.DEBUG]
