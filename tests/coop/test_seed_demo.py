"""The demo data: a login per role, idempotent runs, the bench scale and the demo codes."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, PageLogEntry, Revision, Site

from coop.bench.data import BENCH_CORPORATION, BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN
from coop.demo.logins import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS
from coop.models import (
    Association,
    AuditEntry,
    Building,
    ContentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    Organisation,
    StaffLink,
    Unit,
    User,
)
from members.access import load_viewer
from members.models import (
    AssociationRole,
    CareAssignment,
    Member,
    MixGroupPeriod,
    Role,
    Tenancy,
)
from members.selectors import association_mix
from vacancies.models import VotingRound
from vacancies.selectors import verify_tally

MODELS = (
    User,
    EmailAddress,
    Authenticator,
    Organisation,
    Association,
    Building,
    Unit,
    StaffLink,
    Member,
    MixGroupPeriod,
    Tenancy,
    AssociationRole,
    CareAssignment,
    AuditEntry,
    Page,
    Revision,
    PageLogEntry,
    Site,
)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def user(key: str) -> User:
    return User.objects.get(email=LOGINS[key].email)


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_it_creates_a_verified_login_for_every_role(seeded):
    for login in LOGINS.values():
        account = User.objects.get(email=login.email)
        assert account.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=account, email=login.email, verified=True, primary=True
        ).exists()
        has_totp = Authenticator.objects.filter(user=account, type=Authenticator.Type.TOTP).exists()
        assert has_totp == login.second_factor, login.email
    # The content editor is a Wagtail editor, not a superuser: superusers only come from
    # createsuperuser.
    editor = user("admin")
    assert not editor.is_superuser and not editor.is_staff
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.has_perm("coop.change_user") and not editor.has_perm("auth.change_group")


def test_the_content_editor_reaches_the_page_editor_but_not_the_user_screens(seeded, client):
    client.force_login(user("admin"))

    assert client.get("/admin/pages/").status_code == 200
    assert client.get("/admin/users/").status_code == 302
    assert client.get("/django-admin/").status_code == 302


def test_each_login_holds_its_role(seeded):
    today_roles = {
        key: load_viewer(user(key))
        for key in ("vrager", "drager", "board", "selection", "coordinator")
    }
    assert today_roles["board"].roles == {Role.BOARD}
    assert today_roles["selection"].roles == {Role.SELECTION}
    assert today_roles["coordinator"].roles == {Role.COORDINATOR}
    assert today_roles["vrager"].roles == frozenset()
    vrager = today_roles["vrager"].member
    home = Tenancy.objects.current().get(member=vrager)
    assert home.kind == Tenancy.Kind.OMKLAP and home.unit.kind == Unit.Kind.OMKLAP
    assert CareAssignment.objects.current().filter(member=vrager, worker=user("care_worker"))
    care = load_viewer(user("care_worker"))
    assert {o.kind for o in care.organisations.values()} == {Organisation.Kind.CARE}
    corporation = load_viewer(user("corporation_staff"))
    assert {o.kind for o in corporation.organisations.values()} == {Organisation.Kind.CORPORATION}


def test_every_login_reaches_the_portal_without_a_detour(seeded, client):
    for key in LOGINS:
        client.force_login(user(key))
        assert client.get("/portal/").status_code == 200, key
        client.logout()


def test_the_mix_leans_toward_the_target_and_has_history(seeded):
    utrecht = Association.objects.get(slug="de-zonnewijzer")
    assert utrecht.buildings.count() == 2
    assert Unit.objects.filter(building__association=utrecht).count() == 24
    mix = association_mix(utrecht).mix
    assert mix.total == 22 and mix.unknown == 0
    assert mix.max_deviation < 5
    assert Association.objects.get(slug="het-weverhof").buildings.get().city == "Zwolle"
    changed = MixGroupPeriod.objects.filter(ends_on__isnull=False).values("member").distinct()
    assert changed.count() >= 3


def test_state_changes_went_through_the_services(seeded):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "member.registered",
        "member.group_changed",
        "tenancy.started",
        "role.assigned",
        "staff.linked",
        "care.assigned",
    } <= actions


def test_the_public_site_has_its_pages(seeded, client):
    home = HomePage.objects.get()
    assert home.intro and home.live
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    titles = set(ContentPage.objects.live().child_of(home).values_list("title", flat=True))
    assert titles == {"Over ons", "Zo kun je bij ons wonen", "Huisregels"}
    news = NewsIndexPage.objects.live().child_of(home).get()
    assert NewsPage.objects.live().child_of(news).count() == 3
    # The default site answers for a host name it does not list.
    response = client.get("/", headers={"host": "127.0.0.1:8000"})
    assert response.status_code == 200
    assert "De Zonnewijzer" in response.content.decode()
    assert client.get("/huisregels/").status_code == 200


def test_it_prints_the_logins_and_their_second_factor_hint(seeded):
    assert "http://127.0.0.1:8000" in seeded
    for login in LOGINS.values():
        assert login.email in seeded
    assert f"make code EMAIL={LOGINS['board'].email}" in seeded
    assert "make code EMAIL=" + LOGINS["vrager"].email not in seeded


def test_a_second_run_changes_nothing(seeded):
    before = counts()
    home_revision = HomePage.objects.get().latest_revision_id
    output = seed()
    assert counts() == before
    assert HomePage.objects.get().latest_revision_id == home_revision
    assert "nothing changed" in output


def test_quiet_prints_nothing(db):
    assert seed("--quiet") == ""


def test_the_bench_scale_is_bulk_and_idempotent(db):
    seed("--scale", "bench", "--bench-associations", "2", "--quiet")
    corporation = Organisation.objects.get(slug=BENCH_CORPORATION[0])
    associations = Association.objects.filter(corporation=corporation)
    assert associations.count() == 2
    assert Building.objects.filter(association__in=associations).count() == 6
    members = Member.objects.filter(association__in=associations)
    assert members.count() == 300
    assert Tenancy.objects.current().filter(member__in=members).count() == 300
    # Every member has exactly one open group period, matching the kind of tenancy.
    assert MixGroupPeriod.objects.filter(member__in=members, ends_on__isnull=True).count() == 300
    assert not Tenancy.objects.filter(member__in=members, kind="omklap").exclude(
        member__group_periods__group="vrager"
    )
    mix = association_mix(associations.first()).mix
    assert mix.total == 150 and mix.max_deviation < 5
    # The bulk data writes no audit entries; only the agreements go through the compliance
    # services (so they are signed as real ones are), and those are audited.
    assert not AuditEntry.objects.exclude(action__startswith="compliance.").exists()

    member_viewer = load_viewer(User.objects.get(email=BENCH_MEMBER_LOGIN.email))
    assert member_viewer.member.association == associations.order_by("slug").first()
    # The bench member sits on the selection committee, so the vacancy page can be measured.
    assert member_viewer.roles == frozenset({"selection"})
    closed = VotingRound.objects.filter(
        vacancy__association__in=associations, status=VotingRound.Status.CLOSED
    )
    assert closed.count() == 100
    assert all(verify_tally(r) for r in closed[:5])
    assert VotingRound.objects.filter(
        vacancy__association=member_viewer.member.association, status=VotingRound.Status.OPEN
    ).exists()
    staff_viewer = load_viewer(User.objects.get(email=BENCH_STAFF_LOGIN.email))
    assert list(staff_viewer.organisations) == [corporation.pk]
    assert staff_viewer.has_second_factor

    before = counts()
    assert "nothing changed" in seed("--scale", "bench", "--bench-associations", "2")
    assert counts() == before


def test_demo_code_prints_a_code_that_validates_against_the_stored_secret(seeded):
    out = StringIO()
    call_command("demo_code", LOGINS["board"].email, stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = Authenticator.objects.get(user=user("board"), type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    assert secret == DEMO_TOTP_SECRET
    assert validate_totp_code(secret, code)


def test_demo_code_refuses_accounts_outside_the_demo_domain(seeded):
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_code", "bestuur@example.org")


def test_demo_code_refuses_accounts_without_a_second_factor(seeded):
    with pytest.raises(CommandError, match="no TOTP"):
        call_command("demo_code", LOGINS["vrager"].email)


def test_demo_code_refuses_to_run_in_production(seeded, settings):
    settings.COOP_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo_code", LOGINS["board"].email)


def test_the_demo_shows_the_vacancy_page_an_open_vacancy_and_a_decided_vote(seeded, client):
    from vacancies.models import Candidate, Nomination, Vacancy, VotingRound
    from vacancies.pages import VacancyIndexPage

    page = VacancyIndexPage.objects.live().get()
    assert page.selection_criteria and page.procedure
    open_vacancy = Vacancy.objects.accepting_applications().get()
    assert open_vacancy.candidates.count() == 3
    assert client.get(f"/{page.slug}/").status_code == 200
    detail = client.get(f"/{page.slug}/{open_vacancy.pk}/")
    assert detail.status_code == 200
    assert open_vacancy.profile in detail.content.decode()
    decided = VotingRound.objects.get(status=VotingRound.Status.CLOSED)
    assert decided.outcome == VotingRound.Outcome.ELECTED
    assert Nomination.objects.get(round=decided).status == Nomination.Status.PENDING
    assert Candidate.objects.filter(status=Candidate.Status.NOT_SHORTLISTED).count() == 1
    before = (Vacancy.objects.count(), Candidate.objects.count(), VacancyIndexPage.objects.count())
    seed()
    after = (Vacancy.objects.count(), Candidate.objects.count(), VacancyIndexPage.objects.count())
    assert after == before
