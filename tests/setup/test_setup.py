"""Corporation staff set up an association in the portal: the association, its buildings and
units, its first board member; an organisation's staff give and end their colleagues' access."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import Association, AuditEntry, Building, StaffLink, Unit, User
from coop.site.setup import services
from members.access import load_viewer
from members.models import AssociationRole, Invitation, Member, Role
from members.services import staff_invite, staff_link_end
from tests.helpers import assert_flat_query_count
from tests.setup.access_rows import _colleague_link


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _refused(call, code: str, **kwargs) -> DomainError:
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.code == code
    assert AuditEntry.objects.count() == entries
    return raised.value


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


# -- services: buildings and units ------------------------------------------------------------


def test_a_building_is_added_with_its_address_and_audited(cast):
    building = services.building_create(
        actor=cast.corporation_staff,
        association=cast.association,
        name="  Nieuwe   Hof ",
        street_address="Hofweg 3",
        postal_code="3511 ab",
        city="Utrecht",
    )
    assert (building.name, building.postal_code) == ("Nieuwe Hof", "3511 AB")
    entry = AuditEntry.objects.get(action="building.created")
    assert entry.association_id == cast.association.pk
    assert entry.actor == cast.corporation_staff


def test_a_building_name_is_unique_in_its_association_whatever_the_case(cast):
    error = _refused(
        services.building_create,
        "building_name_taken",
        actor=cast.corporation_staff,
        association=cast.association,
        name="KAPELGEBOUW",
        street_address="Kapelstraat 1",
        postal_code="3511 AB",
        city="Utrecht",
    )
    assert error.field == "name"
    assert cast.association.buildings.count() == 1


def test_a_building_needs_every_part_of_its_address(cast):
    _refused(
        services.building_create,
        "required",
        actor=cast.corporation_staff,
        association=cast.association,
        name="Nieuwe Hof",
        street_address="   ",
        postal_code="3511 AB",
        city="Utrecht",
    )
    assert not Building.objects.filter(name="Nieuwe Hof").exists()


def test_a_unit_is_added_of_a_kind_with_its_rent(cast):
    unit = services.unit_create(
        actor=cast.corporation_staff,
        building=cast.building,
        number="21",
        kind=Unit.Kind.DRAGER,
        rent="712.5",
        rent_above_cap=True,
    )
    unit.refresh_from_db()
    assert (unit.kind, unit.rent, unit.rent_above_cap) == ("drager", Decimal("712.50"), True)
    entry = AuditEntry.objects.get(action="unit.created")
    assert entry.association_id == cast.association.pk
    assert entry.data == {
        "building": cast.building.pk,
        "number": "21",
        "kind": "drager",
        "rent": "712.50",
    }


@pytest.mark.parametrize(
    "number, kind, rent, code",
    [
        ("3", "regular", "600", "unit_number_taken"),
        ("21", "penthouse", "600", "unit_kind_invalid"),
        ("21", "regular", "-1", "rent_out_of_range"),
        ("21", "regular", "65000", "rent_out_of_range"),
        ("21", "regular", "veel", "rent_invalid"),
        ("", "regular", "600", "required"),
    ],
)
def test_a_unit_with_bad_input_is_refused_and_nothing_is_written(cast, number, kind, rent, code):
    units = Unit.objects.count()
    _refused(
        services.unit_create,
        code,
        actor=cast.corporation_staff,
        building=cast.building,
        number=number,
        kind=kind,
        rent=rent,
    )
    assert Unit.objects.count() == units


# -- services: the first board member -----------------------------------------------------------


def test_the_corporation_registers_and_invites_the_first_board_member(
    cast, today, django_capture_on_commit_callbacks
):
    association = Association.objects.create(
        name="Vereniging Nieuw", slug="nieuw", kind="association", corporation=cast.corporation
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.board_first_member_invite(
            actor=cast.corporation_staff,
            association=association,
            name="Bea Bestuur",
            email="bea@example.net",
            group="regular",
            joined_on=today,
            language="en",
        )
    member = invitation.member
    assert (member.association, member.name) == (association, "Bea Bestuur")
    assert AssociationRole.objects.current().get(member=member).role == Role.BOARD
    assert invitation.invited_by == cast.corporation_staff
    [message] = mail.outbox
    assert message.to == ["bea@example.net"]
    assert message.subject == "Invitation to Vereniging Nieuw"
    assert list(
        AuditEntry.objects.filter(association=association)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["member.registered", "role.assigned", "invitation.sent"]


def test_a_second_first_board_member_is_refused(cast, today):
    members = Member.objects.count()
    _refused(
        services.board_first_member_invite,
        "board_exists",
        actor=cast.corporation_staff,
        association=cast.association,
        name="Bea Bestuur",
        email="bea@example.net",
        group="regular",
        joined_on=today,
    )
    assert Member.objects.count() == members
    assert not Invitation.objects.exists()


# -- services: colleagues ---------------------------------------------------------------------


def test_a_new_colleague_gets_an_account_and_a_link_to_choose_a_password(
    cast, today, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = staff_invite(
            actor=cast.corporation_staff,
            organisation=cast.corporation,
            email="Nieuwe.Collega@Example.org",
            first_name="Nina",
            last_name="Nieuw",
            language="en",
            starts_on=today,
        )
    user = User.objects.get(email="nieuwe.collega@example.org")
    assert link.user == user and link.organisation == cast.corporation and link.ends_on is None
    assert not user.has_usable_password()
    assert user.language == "en"
    assert EmailAddress.objects.get(user=user).verified
    assert list(
        AuditEntry.objects.filter(target_type="coop.stafflink", target_id=str(link.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["staff.linked", "staff.invited"]
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == ("Your access to Woonstichting Lindenhof on the residents' platform")
    url = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert url, message.body
    # allauth takes the key and asks for the new password.
    response = client.get(url.group(1), follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


def test_an_existing_account_gets_access_and_is_told_to_log_in(
    cast, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = staff_invite(
            actor=cast.corporation_staff,
            organisation=cast.corporation,
            email=cast.care_worker.email,
            first_name="ignored",
            last_name="ignored",
            language="en",
            starts_on=today,
        )
    assert link.user == cast.care_worker
    assert cast.corporation.pk in load_viewer(cast.care_worker).organisations
    [message] = mail.outbox
    assert "/accounts/login/" in message.body
    assert "password/reset" not in message.body


def test_a_colleague_is_not_given_access_twice(cast, today):
    _refused(
        staff_invite,
        "staff_already_linked",
        actor=cast.corporation_staff,
        organisation=cast.corporation,
        email=cast.corporation_staff.email,
        first_name="Kees",
        last_name="Corporatie",
        language="nl",
        starts_on=today,
    )


@pytest.mark.parametrize(
    "email, language, code",
    [("geen-adres", "nl", "email_invalid"), ("a@example.org", "fr", "language_invalid")],
)
def test_a_colleague_with_bad_input_is_refused(cast, today, email, language, code):
    users = User.objects.count()
    _refused(
        staff_invite,
        code,
        actor=cast.corporation_staff,
        organisation=cast.corporation,
        email=email,
        first_name="A",
        last_name="B",
        language=language,
        starts_on=today,
    )
    assert User.objects.count() == users


def test_a_colleagues_access_ends_on_a_date_and_is_audited(cast, today):
    link = _colleague_link(cast)
    staff_link_end(actor=cast.corporation_staff, link=link, ends_on=today)
    link.refresh_from_db()
    assert link.ends_on == today
    assert cast.corporation.pk not in load_viewer(link.user).organisations
    entry = AuditEntry.objects.get(action="staff.link_ended")
    assert entry.actor == cast.corporation_staff
    assert entry.data == {"organisation": cast.corporation.pk, "ends_on": today.isoformat()}


def test_ending_ones_own_access_an_ended_one_or_before_the_start_is_refused(cast, today):
    own = StaffLink.objects.get(user=cast.corporation_staff)
    _refused(
        staff_link_end, "staff_link_own", actor=cast.corporation_staff, link=own, ends_on=today
    )
    link = _colleague_link(cast)
    _refused(
        staff_link_end,
        "ends_before_start",
        actor=cast.corporation_staff,
        link=link,
        ends_on=link.starts_on,
    )
    staff_link_end(actor=cast.corporation_staff, link=link, ends_on=today)
    _refused(
        staff_link_end, "already_ended", actor=cast.corporation_staff, link=link, ends_on=today
    )


# -- views ------------------------------------------------------------------------------------


def _association_data(**overrides) -> dict:
    return {
        "name": "Woonvereniging De Linde",
        "slug": "de-linde",
        "kind": "association",
        "target_vrager": "30",
        "target_drager": "20",
        "target_regular": "50",
        "monthly_hours": "12.5",
        "omklap_length_months": "18",
        "monitoring_interval_months": "3",
        "final_evaluation_weeks": "6",
        **overrides,
    }


def test_corporation_staff_set_up_an_association_its_building_unit_and_board(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = _en(client_for("corporation_staff"))
    slug = cast.corporation.slug
    response = client.post(reverse("setup:association_new", args=[slug]), _association_data())
    association = Association.objects.get(slug="de-linde")
    page = reverse("setup:association", args=[slug, "de-linde"])
    assert response.status_code == 302 and response["Location"] == page
    assert (association.corporation, association.target_drager) == (cast.corporation, 20)
    assert (association.monthly_hours, association.omklap_length_months) == (Decimal("12.5"), 18)
    assert association.monitoring_interval_months == 3

    response = client.post(
        reverse("setup:building_new", args=[slug, "de-linde"]),
        {"name": "Lindehof", "street_address": "Lindeweg 1", "postal_code": "1011 AA", "city": "A"},
    )
    assert response.status_code == 302
    building = association.buildings.get()
    response = client.post(
        reverse("setup:unit_new", args=[slug, "de-linde"]),
        {"building": building.pk, "number": "1A", "kind": "omklap", "rent": "640"},
    )
    assert response.status_code == 302
    assert building.units.get().kind == "omklap"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("setup:board_invite", args=[slug, "de-linde"]),
            {
                "name": "Bea Bestuur",
                "email": "bea@example.net",
                "group": "vrager",
                "joined_on": timezone.localdate().isoformat(),
                "language": "nl",
            },
        )
    assert response.status_code == 302
    assert Member.objects.get(association=association).name == "Bea Bestuur"
    assert [m.to for m in mail.outbox] == [["bea@example.net"]]

    text = client.get(page).content.decode()
    assert "Lindehof" in text and "1A" in text and "Bea Bestuur" in text
    assert "invited, no account yet" in text
    assert reverse("setup:board_invite", args=[slug, "de-linde"]) not in text


def test_a_refused_association_shows_the_reason_and_writes_nothing(cast, client_for):
    client = _en(client_for("corporation_staff"))
    url = reverse("setup:association_new", args=[cast.corporation.slug])
    response = client.post(url, _association_data(target_regular="60"))
    assert response.status_code == 400
    assert "must add up to 100%" in response.content.decode()
    response = client.post(url, _association_data(slug="de-kapel"))
    assert response.status_code == 400
    assert "Another association already uses this address." in response.content.decode()
    assert not Association.objects.filter(name="Woonvereniging De Linde").exists()


def test_a_unit_can_only_be_added_to_a_building_of_the_association(cast, client_for):
    client = _en(client_for("corporation_staff"))
    url = reverse("setup:unit_new", args=[cast.corporation.slug, cast.association.slug])
    response = client.post(
        url, {"building": cast.other_building.pk, "number": "99", "kind": "regular", "rent": "1"}
    )
    assert response.status_code == 400
    assert not Unit.objects.filter(number="99").exists()


def test_staff_give_a_colleague_access_and_end_it_from_the_colleagues_page(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = _en(client_for("corporation_staff"))
    url = reverse("setup:staff", args=[cast.corporation.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "first_name": "Nina",
                "last_name": "Nieuw",
                "email": "nina@example.org",
                "language": "nl",
                "starts_on": timezone.localdate().isoformat(),
            },
        )
    assert response.status_code == 302
    link = StaffLink.objects.get(user__email="nina@example.org")
    assert len(mail.outbox) == 1
    text = client.get(url).content.decode()
    end_url = reverse("setup:staff_end", args=[cast.corporation.slug, link.pk])
    assert end_url in text
    own = StaffLink.objects.get(user=cast.corporation_staff)
    assert reverse("setup:staff_end", args=[cast.corporation.slug, own.pk]) not in text
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(end_url, {"ends_on": tomorrow.isoformat()})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ends_on == tomorrow


def test_ending_ones_own_access_on_the_page_shows_the_refusal(cast, client_for):
    own = StaffLink.objects.get(user=cast.corporation_staff)
    client = _en(client_for("corporation_staff"))
    response = client.post(
        reverse("setup:staff_end", args=[cast.corporation.slug, own.pk]),
        {"ends_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "You cannot end your own access" in response.content.decode()
    own.refresh_from_db()
    assert own.ends_on is None


# -- list pages keep a flat query count ---------------------------------------------------------


# The rows are added with bulk_create: no signal marks the viewer's standing as changed.


def test_the_set_up_overview_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")

    def grow(n: int) -> None:
        have = Association.objects.filter(corporation=cast.corporation).count()
        associations = Association.objects.bulk_create(
            Association(
                name=f"Vereniging {i:03}",
                slug=f"v-{i}",
                kind="association",
                corporation=cast.corporation,
            )
            for i in range(have, n)
        )
        Building.objects.bulk_create(
            Building(
                association=a,
                name="Hof",
                street_address="Weg 1",
                postal_code="1000 AA",
                city="Stad",
            )
            for a in associations
        )

    # session, user, viewer (one cache read), the associations with their counts
    assert_flat_query_count(
        lambda: client.get(reverse("setup:home", args=[cast.corporation.slug])), grow, queries=4
    )


def test_the_association_set_up_page_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")

    def grow(n: int) -> None:
        have = Unit.objects.filter(building=cast.building).count()
        Unit.objects.bulk_create(
            Unit(building=cast.building, number=f"x{i}", kind="regular", rent=Decimal("500"))
            for i in range(have, n)
        )

    url = reverse("setup:association", args=[cast.corporation.slug, cast.association.slug])
    # session, user, viewer (one cache read), the association, its board, its buildings,
    # its units with their current tenant
    assert_flat_query_count(lambda: client.get(url), grow, queries=7)


def test_the_colleagues_page_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")

    def grow(n: int) -> None:
        have = StaffLink.objects.filter(organisation=cast.corporation).count()
        users = User.objects.bulk_create(
            User(email=f"collega{i}@example.org") for i in range(have, n)
        )
        StaffLink.objects.bulk_create(
            StaffLink(organisation=cast.corporation, user=u, starts_on=timezone.localdate())
            for u in users
        )

    # session, user, viewer (one cache read), the links with their users
    assert_flat_query_count(
        lambda: client.get(reverse("setup:staff", args=[cast.corporation.slug])), grow, queries=4
    )
