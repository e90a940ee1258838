"""Bad input (QUALITY 9): odd, oversized or malformed input is refused or valid, never a crash."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coop.exceptions import DomainError
from coop.models import AuditEntry
from members import services
from members.forms import InviteMemberForm
from members.models import Invitation, Member, MixGroup, MixGroupPeriod

pytestmark = pytest.mark.django_db

PHONE = r"[0-9 +()\-]{6,30}"
FIELDS = ("name", "email", "phone", "group", "joined_on")

with_fixtures = settings(
    max_examples=50,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
)

any_text = st.one_of(st.text(max_size=40), st.text(min_size=190, max_size=400))
names = st.one_of(
    st.just("Nina Nieuw"),
    st.text(alphabet=st.characters(categories=("L", "Zs")), min_size=1, max_size=40),
    st.text(alphabet="ab ", min_size=195, max_size=260),
    any_text,
)
emails = st.one_of(
    st.emails(),
    st.builds(lambda n: "a" * n + "@example.org", st.integers(230, 300)),
    st.text(max_size=60),
    st.text(max_size=20).map(lambda t: t + "@example.org"),
)
phones = st.one_of(
    st.just(""),
    st.from_regex(PHONE, fullmatch=True),
    st.from_regex(r"[0-9]{31,40}", fullmatch=True),
    st.text(max_size=40),
)
groups = st.one_of(st.sampled_from(MixGroup.values), st.text(max_size=20))
dates = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 12, 31)).map(
        lambda d: d.strftime("%d-%m-%Y")
    ),
    st.text(max_size=20),
    st.integers().map(str),
)
form_data = st.fixed_dictionaries(
    {"name": names, "email": emails, "group": groups, "joined_on": dates},
    optional={"phone": phones},
)


def assert_valid_data(data: dict) -> None:
    """What the form lets through fits the database; the service applies the domain's rules."""
    assert 1 <= len(data["name"]) <= 200
    assert data["name"] == data["name"].strip()
    assert "\x00" not in data["name"]
    assert len(data["email"]) <= 254
    validate_email(data["email"])
    assert data["phone"] == "" or re.fullmatch(PHONE, data["phone"])
    assert data["group"] in MixGroup.values
    assert isinstance(data["joined_on"], dt.date)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Member, MixGroupPeriod, Invitation, AuditEntry)
    )


@settings(max_examples=50, deadline=None)
@given(data=form_data)
def test_the_invite_form_refuses_bad_input_or_gives_valid_data(data):
    form = InviteMemberForm(data)

    event("valid" if form.is_valid() else "refused")
    if form.is_valid():
        assert_valid_data(form.cleaned_data)
    else:
        assert form.errors
        assert set(form.errors) <= {*FIELDS, "__all__"}


@settings(max_examples=50, deadline=None)
@given(data=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300)))
def test_the_invite_form_never_crashes_on_missing_or_arbitrary_fields(data):
    form = InviteMemberForm(data)

    if form.is_valid():
        assert_valid_data(form.cleaned_data)
    else:
        assert form.errors


@settings(max_examples=50, deadline=None)
@given(extra=st.integers(1, 500), padding=st.sampled_from(["", " ", "  \t"]))
def test_the_invite_form_refuses_an_oversized_name(extra, padding):
    form = InviteMemberForm(
        {
            "name": padding + "N" * (200 + extra) + padding,
            "email": "nina@example.org",
            "group": "vrager",
            "joined_on": "2024-01-01",
        }
    )

    assert not form.is_valid()
    assert "name" in form.errors


@settings(max_examples=50, deadline=None)
@given(local=st.integers(243, 600))
def test_the_invite_form_refuses_an_oversized_email_address(local):
    form = InviteMemberForm(
        {
            "name": "Nina Nieuw",
            "email": "n" * local + "@example.org",
            "group": "vrager",
            "joined_on": "2024-01-01",
        }
    )

    assert not form.is_valid()
    assert "email" in form.errors


@settings(max_examples=50, deadline=None)
@given(phone=st.one_of(st.from_regex(r"[0-9]{31,60}", fullmatch=True), st.text(min_size=1)))
def test_the_invite_form_refuses_an_oversized_or_malformed_phone_number(phone):
    form = InviteMemberForm(
        {
            "name": "Nina Nieuw",
            "email": "nina@example.org",
            "phone": phone,
            "group": "vrager",
            "joined_on": "2024-01-01",
        }
    )

    if form.is_valid():
        assert re.fullmatch(PHONE, form.cleaned_data["phone"]) or form.cleaned_data["phone"] == ""
    else:
        assert set(form.errors) == {"phone"}


@with_fixtures
@given(
    joined_on=st.one_of(
        st.dates(max_value=dt.date(1949, 12, 31)),
        st.dates(min_value=dt.date.today() + dt.timedelta(days=368)),
    )
)
def test_registering_refuses_a_joining_day_out_of_range_and_stores_nothing(cast, joined_on):
    before = counts()

    with pytest.raises(DomainError) as raised:
        services.member_register(
            actor=cast.board,
            association=cast.association,
            name="Nina Nieuw",
            email="nina@example.org",
            group="vrager",
            joined_on=joined_on,
        )

    assert raised.value.field == "joined_on"
    assert raised.value.code in {"joined_too_early", "date_too_far_ahead"}
    assert counts() == before


@settings(max_examples=50, deadline=None)
@given(group=st.text(max_size=30).filter(lambda g: g.strip() not in MixGroup.values))
def test_the_invite_form_refuses_a_group_outside_the_mix(group):
    form = InviteMemberForm(
        {
            "name": "Nina Nieuw",
            "email": "nina@example.org",
            "group": group,
            "joined_on": "2024-01-01",
        }
    )

    assert not form.is_valid()
    assert set(form.errors) == {"group"}


@with_fixtures
@given(data=form_data)
def test_a_refused_invitation_form_creates_no_member_through_the_view(
    cast, client, django_capture_on_commit_callbacks, data
):
    client.force_login(cast.board)
    url = reverse("portal:association_members", args=[cast.association.slug])
    before = counts()
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, data)

    event(f"status {response.status_code}")
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert response.context["form"].errors
        assert counts() == before
        assert callbacks == []
        assert len(mail.outbox) == sent
    else:
        member = Member.objects.latest("pk")
        assert counts()[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
        assert member.email == data["email"].strip().lower()
        assert len(mail.outbox) == sent + 1
        assert mail.outbox[-1].to == [member.email]


valid_input = st.fixed_dictionaries(
    {
        "name": st.text(alphabet=st.characters(categories=("L", "Zs")), min_size=2, max_size=250),
        "email": st.emails(),
        "phone": st.one_of(st.just(""), st.from_regex(PHONE, fullmatch=True)),
        "group": st.sampled_from(MixGroup.values),
        "joined_on": st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date.today()).map(
            dt.date.isoformat
        ),
    }
)


@with_fixtures
@given(data=valid_input)
def test_registering_what_the_form_accepts_stores_valid_data_or_refuses(cast, data):
    form = InviteMemberForm(data)
    event("valid" if form.is_valid() else "refused")
    if not form.is_valid():
        assert form.errors
        return
    before = counts()

    try:
        with transaction.atomic():
            member = services.member_register(
                actor=cast.board, association=cast.association, **form.cleaned_data
            )
    except DomainError as error:
        event(f"refused by the service: {error.code}")
        # A name of one letter once spaces are collapsed, or an address in use.
        assert (error.field, error.code) in {
            ("name", "name_too_short"),
            ("email", "member_email_taken"),
        }
        assert counts() == before
    else:
        event("registered")
        member.refresh_from_db()
        member.full_clean()
        # The service keeps one plain space between words (a no-break space included).
        assert member.name == " ".join(form.cleaned_data["name"].split())
        assert member.email == form.cleaned_data["email"].lower()
        assert member.group_periods.get().group == form.cleaned_data["group"]
        assert counts()[:2] == (before[0] + 1, before[1] + 1)


@with_fixtures
@given(group=st.text(max_size=40))
def test_registering_refuses_any_group_outside_the_mix_and_stores_nothing(cast, group):
    before = counts()

    try:
        with transaction.atomic():
            member = services.member_register(
                actor=cast.board,
                association=cast.association,
                name="Nina Nieuw",
                email="",
                group=group,
                joined_on=timezone.localdate(),
            )
    except DomainError as error:
        assert group not in MixGroup.values
        assert error.field == "group"
        assert counts() == before
    else:
        assert group in MixGroup.values
        assert member.group_periods.get().group == group


@with_fixtures
@given(
    email=st.emails(),
    variant=st.sampled_from([str.upper, str.lower, str.title, lambda e: f"  {e}\t"]),
)
def test_registering_refuses_a_second_active_member_with_the_same_address_in_any_case(
    cast, email, variant
):
    association = cast.other_association
    if not association.members.active().filter(email=email.lower()).exists():
        services.member_register(
            actor=None,
            association=association,
            name="Eerste",
            email=email,
            group="vrager",
            joined_on=timezone.localdate(),
        )
    before = counts()

    with pytest.raises(DomainError) as raised, transaction.atomic():
        services.member_register(
            actor=None,
            association=association,
            name="Tweede",
            email=variant(email),
            group="drager",
            joined_on=timezone.localdate(),
        )
    assert raised.value.code == "member_email_taken"

    assert raised.value.field == "email"
    assert counts() == before
