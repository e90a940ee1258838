"""Dutch demo data: ``manage.py seed_demo`` (small, with a login per role) or ``--scale bench``.

Both scales are idempotent: everything is looked up by slug, e-mail address or number first,
and a second run changes nothing. The small scale (``coop.demo``) goes through the services, so
the audit log tells the story; the bench scale (``coop.bench``, QUALITY.md, performance 4)
writes in bulk and skips the audit.
"""

from __future__ import annotations

import argparse
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coop.bench.data import BENCH_CARE_LOGIN, BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN, BenchData
from coop.bench.seed import seed_bench
from coop.demo.base import Seeder
from coop.demo.logins import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS, SITE_URL, DemoLogin
from coop.demo.seed import seed


class Command(BaseCommand):
    help = (
        "Fill the database with Dutch demo data and print the demo logins. Idempotent: a second "
        "run changes nothing. --scale bench adds the benchmark scale of QUALITY.md instead "
        "(one corporation, 20 associations, 60 buildings, 3,000 units and members)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=("small", "bench"), default="small")
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")
        # Only for fast tests of the bench scale.
        parser.add_argument("--bench-associations", type=int, default=20, help=argparse.SUPPRESS)

    def handle(self, *args, scale: str, quiet: bool, bench_associations: int, **options) -> None:
        if options["verbosity"] < 2:
            # Wagtail and the task backend log every page and search-index update at INFO.
            logging.disable(logging.INFO)
        try:
            self.seed(scale=scale, quiet=quiet, bench_associations=bench_associations)
        finally:
            logging.disable(logging.NOTSET)

    def seed(self, *, scale: str, quiet: bool, bench_associations: int) -> None:
        today = timezone.localdate()
        if scale == "bench":
            if bench_associations < 1:
                raise CommandError("--bench-associations must be at least 1.")
            data = seed_bench(today=today, associations=bench_associations)
            if not quiet:
                self.bench_report(data)
            return
        seeder = seed(today=today)
        if not quiet:
            self.small_report(seeder)

    def bench_report(self, data: BenchData | None) -> None:
        if data is None:
            self.stdout.write("Bench data already present; nothing changed.")
            return
        rows = ", ".join(f"{n:,} {name}" for name, n in data.rows.items())
        self.stdout.write(self.style.SUCCESS(f"Bench data created: {rows}."))
        self.print_logins([BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN, BENCH_CARE_LOGIN])

    def small_report(self, seeder: Seeder) -> None:
        if seeder.created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"Site: {SITE_URL}   (admin: {SITE_URL}/admin/)")
        self.print_logins(list(LOGINS.values()))

    def print_logins(self, logins: list[DemoLogin]) -> None:
        width = max(len(login.email) for login in logins)
        self.stdout.write(f"{'role':<24} {'e-mail':<{width}} {'password':<22} second factor")
        for login in logins:
            hint = f"make code EMAIL={login.email}" if login.second_factor else "-"
            self.stdout.write(f"{login.role:<24} {login.email:<{width}} {DEMO_PASSWORD:<22} {hint}")
        if any(login.second_factor for login in logins):
            self.stdout.write(
                f"Second factor: TOTP secret {DEMO_TOTP_SECRET} for every demo account, or "
                "`manage.py demo_code <email>` for the current code."
            )
