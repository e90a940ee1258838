"""Closing accounts after leaving spares the same accounts that an invitation never reopens:
the platform administrator's and the site staff's (Django admin). A site staff member who left
their association keeps the account, instead of losing it for good."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coop.models import User
from members import tasks
from members.selectors.membership import closed_accounts
from members.services import member_move_out

pytestmark = pytest.mark.frozen_at("2026-06-10T10:00+02:00")

TODAY = dt.date(2026, 6, 10)


def test_a_site_staff_member_who_left_keeps_the_account(cast, settings):
    settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING = 0
    User.objects.filter(pk=cast.drager.pk).update(is_staff=True)
    for member in (cast.drager_member, cast.vrager_member):
        member_move_out(actor=cast.board, tenancy=member.tenancies.get(), ends_on=TODAY)
    with time_machine.travel(dt.datetime(2026, 6, 12, 1, 0, tzinfo=dt.UTC)):
        assert tasks.membership_changes_apply()["closed"] == 1  # the vrager's only
    cast.drager.refresh_from_db()
    cast.vrager.refresh_from_db()
    assert cast.drager.is_active
    assert not cast.vrager.is_active
    assert list(closed_accounts()) == [cast.vrager]  # the one closed can come back
