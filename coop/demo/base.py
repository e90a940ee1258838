"""What the small demo's steps share: the day, the hashed password, the logins, a tally."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.contrib.auth.hashers import make_password

from coop.demo.logins import DEMO_PASSWORD
from coop.models import User


class Seeder:
    """The state the small demo's steps pass along; every step skips what already exists."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.created = 0
        self.password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        self.users: dict[str, User] = {}
        self.admin: User | None = None

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run a step of the demo's story at the moment it happened: the services read the clock
    themselves, so a vote of last month is cast with the clock at last month, and every record
    it leaves (audit entries included) carries that time."""
    with time_machine.travel(moment, tick=False):
        yield
