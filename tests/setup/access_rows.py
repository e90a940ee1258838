"""Access-matrix rows for the set-up pages: a corporation's associations, buildings, units and
first board member, and an organisation's colleagues."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coop.models import Association, Organisation, StaffLink
from members.models import AssociationRole, CareAssignment, Role, Tenancy
from tests.access import Row, WrongMethod, only
from tests.conftest import Cast, make_user

CORPORATION = ("corporation_staff",)


def _setup_url(name: str):
    return lambda c: reverse(f"setup:{name}", args=[c.corporation.slug, c.association.slug])


def _colleague_link(cast: Cast, organisation: Organisation | None = None) -> StaffLink:
    """A colleague of the corporation (or of ``organisation``) with open access."""
    colleague = make_user("collega@example.org", first="Coby", last="Collega")
    return StaffLink.objects.create(
        organisation=organisation or cast.corporation,
        user=colleague,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )


def _other_corporations_association(cast: Cast) -> Association:
    other = Organisation.objects.create(
        name="Woonstichting Elders", kind=Organisation.Kind.CORPORATION, slug="elders"
    )
    return Association.objects.create(
        name="Vereniging Elders", slug="elders-vereniging", kind="association", corporation=other
    )


ROWS: dict[str, Row] = {
    "setup:home": Row(
        lambda c: reverse("setup:home", args=[c.corporation.slug]), only(CORPORATION)
    ),
    "setup:association_new": Row(
        lambda c: reverse("setup:association_new", args=[c.corporation.slug]), only(CORPORATION)
    ),
    "setup:association": Row(_setup_url("association"), only(CORPORATION)),
    "setup:building_new": Row(_setup_url("building_new"), only(CORPORATION)),
    "setup:unit_new": Row(_setup_url("unit_new"), only(CORPORATION)),
    "setup:board_invite": Row(_setup_url("board_invite"), only(CORPORATION)),
    "setup:staff": Row(
        lambda c: reverse("setup:staff", args=[c.corporation.slug]), only(CORPORATION)
    ),
    "setup:staff_end": Row(
        lambda c: reverse("setup:staff_end", args=[c.corporation.slug, _colleague_link(c).pk]),
        only(CORPORATION),
    ),
}

OBJECT_ROWS: dict[str, Row] = {
    "set-up of a care organisation": Row(
        lambda c: reverse("setup:home", args=[c.care.slug]), only(())
    ),
    "colleagues of a care organisation": Row(
        lambda c: reverse("setup:staff", args=[c.care.slug]), only(("care_worker",))
    ),
    "association of another corporation": Row(
        lambda c: reverse(
            "setup:association",
            args=[c.corporation.slug, _other_corporations_association(c).slug],
        ),
        only(()),
    ),
    "a board for an association of another corporation": Row(
        lambda c: reverse(
            "setup:board_invite",
            args=[c.corporation.slug, _other_corporations_association(c).slug],
        ),
        only(()),
    ),
    "a colleague of another organisation": Row(
        lambda c: reverse(
            "setup:staff_end", args=[c.corporation.slug, _colleague_link(c, c.care).pk]
        ),
        only(()),
    ),
}


# The board's member register (coop/site/register).
BOARD = ("board",)


def _tenancy(cast: Cast, association=None) -> int:
    member = cast.drager_member if association is None else cast.outsider_member
    return Tenancy.objects.get(member=member).pk


ROWS.update(
    {
        "register:register": Row(
            lambda c: reverse("register:register", args=[c.association.slug]), only(BOARD)
        ),
        "register:resident_new": Row(
            lambda c: reverse("register:resident_new", args=[c.association.slug]), only(BOARD)
        ),
        "register:invite_all": Row(
            lambda c: reverse("register:invite_all", args=[c.association.slug]),
            only(BOARD, status_ok=302),
            method="post",
        ),
        "register:move_out": Row(
            lambda c: reverse("register:move_out", args=[_tenancy(c)]), only(BOARD)
        ),
    }
)


def _coordinator_role(cast: Cast) -> int:
    return AssociationRole.objects.get(
        role=Role.COORDINATOR, member__association=cast.association
    ).pk


def _member_url(name: str):
    return lambda c: reverse(f"register:{name}", args=[c.drager_member.pk])


_TODAY = timezone.localdate().isoformat()

ROWS.update(
    {
        "register:member": Row(_member_url("member"), only(BOARD)),
        "register:member_group": Row(
            _member_url("member_group"),
            only(BOARD, status_ok=302),
            method="post",
            extra={"group": "vrager", "starts_on": _TODAY},
        ),
        "register:member_role": Row(
            _member_url("member_role"),
            only(BOARD, status_ok=302),
            method="post",
            extra={"role": "coordinator", "starts_on": _TODAY},
        ),
        "register:role_end": Row(
            lambda c: reverse("register:role_end", args=[_coordinator_role(c)]), only(BOARD)
        ),
    }
)

OBJECT_ROWS.update(
    {
        "a member of another association in the register": Row(
            lambda c: reverse("register:member", args=[c.outsider_member.pk]),
            only(("outsider",)),
        ),
        "register of another association": Row(
            lambda c: reverse("register:register", args=[c.other_association.slug]),
            only(("outsider",)),
        ),
        "move-out in another association": Row(
            lambda c: reverse("register:move_out", args=[_tenancy(c, c.other_association)]),
            only(("outsider",)),
        ),
    }
)


# A care organisation's clients, care workers and omklap contracts (coop/site/setup).
CARE = ("care_worker",)


def _assignment(cast: Cast, organisation: Organisation | None = None) -> int:
    """The care worker's assignment to the vrager, or one of ``organisation``."""
    if organisation is None:
        return CareAssignment.objects.get(worker=cast.care_worker).pk
    return CareAssignment.objects.create(
        member=cast.vrager_member,
        organisation=organisation,
        worker=cast.other_care_worker,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    ).pk


ROWS.update(
    {
        "setup:care": Row(lambda c: reverse("setup:care", args=[c.care.slug]), only(CARE)),
        "setup:care_end": Row(
            lambda c: reverse("setup:care_end", args=[c.care.slug, _assignment(c)]), only(CARE)
        ),
        "setup:contract_new": Row(
            lambda c: reverse("setup:contract_new", args=[c.care.slug]), only(CARE)
        ),
    }
)

OBJECT_ROWS.update(
    {
        "clients of another care organisation": Row(
            lambda c: reverse("setup:care", args=[c.other_care.slug]), only(())
        ),
        "clients of a corporation": Row(
            lambda c: reverse("setup:care", args=[c.corporation.slug]), only(())
        ),
        "contracts started by a corporation's page": Row(
            lambda c: reverse("setup:contract_new", args=[c.corporation.slug]), only(())
        ),
        "an assignment of another care organisation": Row(
            lambda c: reverse("setup:care_end", args=[c.care.slug, _assignment(c, c.other_care)]),
            only(()),
        ),
    }
)


# Spreadsheet imports (coop/site/imports): units by the corporation, residents by the board.
# A preview under an unknown key sends the allowed role back to the upload (302).
_NO_PREVIEW = "no-such-preview"

ROWS.update(
    {
        "setup:units_import": Row(_setup_url("units_import"), only(CORPORATION)),
        "setup:units_import_template": Row(_setup_url("units_import_template"), only(CORPORATION)),
        "setup:units_import_preview": Row(
            lambda c: reverse(
                "setup:units_import_preview",
                args=[c.corporation.slug, c.association.slug, _NO_PREVIEW],
            ),
            only(CORPORATION, status_ok=302),
        ),
        "register:residents_import": Row(
            lambda c: reverse("register:residents_import", args=[c.association.slug]), only(BOARD)
        ),
        "register:residents_import_template": Row(
            lambda c: reverse("register:residents_import_template", args=[c.association.slug]),
            only(BOARD),
        ),
        "register:residents_import_preview": Row(
            lambda c: reverse(
                "register:residents_import_preview", args=[c.association.slug, _NO_PREVIEW]
            ),
            only(BOARD, status_ok=302),
        ),
    }
)

OBJECT_ROWS.update(
    {
        "units import for an association of another corporation": Row(
            lambda c: reverse(
                "setup:units_import",
                args=[c.corporation.slug, _other_corporations_association(c).slug],
            ),
            only(()),
        ),
        "units import under another corporation's address": Row(
            lambda c: reverse(
                "setup:units_import",
                args=[_other_corporations_association(c).corporation.slug, c.association.slug],
            ),
            only(()),
        ),
        "units import of a care organisation": Row(
            lambda c: reverse("setup:units_import", args=[c.care.slug, c.association.slug]),
            only(()),
        ),
        "residents import of another association": Row(
            lambda c: reverse("register:residents_import", args=[c.other_association.slug]),
            only(("outsider",)),
        ),
        "residents import preview of another association": Row(
            lambda c: reverse(
                "register:residents_import_preview", args=[c.other_association.slug, _NO_PREVIEW]
            ),
            only(("outsider",), status_ok=302),
        ),
    }
)


# The platform administrator's pages: no role of the cast is a superuser, so all refuse
# (the administrator's own tests are in tests/setup/test_platform.py).
ROWS.update(
    {
        "setup:platform": Row(lambda c: reverse("setup:platform"), only(())),
        "setup:platform_staff": Row(
            lambda c: reverse("setup:platform_staff", args=[c.care.slug]), only(())
        ),
    }
)


def _wrong(name: str, method: str = "put") -> WrongMethod:
    return WrongMethod(method, lambda c: ROWS[name].url(c), role="corporation_staff")


WRONG_METHOD: dict[str, WrongMethod] = {
    "setup:home": _wrong("setup:home", "post"),
    "setup:association_new": _wrong("setup:association_new"),
    "setup:association": _wrong("setup:association", "post"),
    "setup:building_new": _wrong("setup:building_new"),
    "setup:unit_new": _wrong("setup:unit_new"),
    "setup:board_invite": _wrong("setup:board_invite"),
    "setup:staff": _wrong("setup:staff"),
    "setup:staff_end": _wrong("setup:staff_end", "delete"),
    "register:register": WrongMethod("post", lambda c: ROWS["register:register"].url(c)),
    "register:resident_new": WrongMethod("put", lambda c: ROWS["register:resident_new"].url(c)),
    "register:invite_all": WrongMethod("get", lambda c: ROWS["register:invite_all"].url(c)),
    "register:move_out": WrongMethod("put", lambda c: ROWS["register:move_out"].url(c)),
    "register:member": WrongMethod("post", lambda c: ROWS["register:member"].url(c)),
    "register:member_group": WrongMethod("get", lambda c: ROWS["register:member_group"].url(c)),
    "register:member_role": WrongMethod("get", lambda c: ROWS["register:member_role"].url(c)),
    "register:role_end": WrongMethod("put", lambda c: ROWS["register:role_end"].url(c)),
    "setup:care": WrongMethod("put", lambda c: ROWS["setup:care"].url(c), role="care_worker"),
    "setup:care_end": WrongMethod(
        "delete", lambda c: ROWS["setup:care_end"].url(c), role="care_worker"
    ),
    "setup:contract_new": WrongMethod(
        "put", lambda c: ROWS["setup:contract_new"].url(c), role="care_worker"
    ),
    "setup:units_import": _wrong("setup:units_import"),
    "setup:units_import_template": _wrong("setup:units_import_template", "post"),
    "setup:units_import_preview": _wrong("setup:units_import_preview", "delete"),
    "register:residents_import": WrongMethod(
        "put", lambda c: ROWS["register:residents_import"].url(c)
    ),
    "register:residents_import_template": WrongMethod(
        "post", lambda c: ROWS["register:residents_import_template"].url(c)
    ),
    "register:residents_import_preview": WrongMethod(
        "delete", lambda c: ROWS["register:residents_import_preview"].url(c)
    ),
    "setup:platform": _wrong("setup:platform"),
    "setup:platform_staff": _wrong("setup:platform_staff", "delete"),
}
