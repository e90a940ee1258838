"""``manage.py bench``: the performance bars of QUALITY.md, measured side by side in one run.

Serves the project with gunicorn (2 sync workers) on 127.0.0.1, loads the reference views H
(/bench/hello/) and L (/bench/rows/) and the project's pages one after the other, and compares
each page with L; then does the same at ten times the data in a database of its own and compares
each page's p50 and query count. Query counts are measured in-process with the test client
against the same database. Figures go to bench-results/bench.json; the work is in ``coop.bench``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coop.bench.run import BenchRun
from coop.env import env_bool

BENCH_SQLITE = settings.BASE_DIR / "bench.sqlite3"
# Set in the re-executed process, which has the bench database and reference views configured.
CHILD_FLAG = "COOP_BENCH_CHILD"


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Measure the QUALITY.md performance bars: gunicorn with 2 sync workers on 127.0.0.1 "
        "(a free port), reference views H and L, and the project's pages, side by side; then "
        "the same pages at ten times the data (skip with --no-growth or COOP_BENCH_GROWTH=0). "
        "Uses DATABASE_URL when set, otherwise bench.sqlite3 in the project root (never "
        "db.sqlite3); the grown data goes to a database of its own beside it (bench-10x.sqlite3, "
        "or <name>_10x on PostgreSQL). Migrates and seeds (seed_demo and the bench scale), "
        "then runs ANALYZE, unless --no-setup. Load generator: wrk when on the PATH, else "
        "Python threads. Writes bench-results/bench.json. Prints the bars it missed and exits "
        "non-zero when one is missed or the server does not start."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seconds", type=float, default=5.0, help="Load time per page (default 5)."
        )
        parser.add_argument(
            "--warmup", type=float, default=1.0, help="Warm-up time per page (default 1)."
        )
        parser.add_argument(
            "--concurrency", type=int, default=4, help="Open connections (default 4)."
        )
        parser.add_argument(
            "--generator",
            choices=("auto", "wrk", "python"),
            default="auto",
            help="Load generator: wrk if on the PATH (auto), or Python threads.",
        )
        parser.add_argument(
            "--no-setup",
            action="store_true",
            help="Skip migrate, createcachetable and the seeding (ANALYZE still runs).",
        )
        parser.add_argument(
            "--no-growth",
            dest="growth",
            action="store_false",
            default=env_bool("COOP_BENCH_GROWTH", True),
            help="Skip the ten-times-the-data phase (also: COOP_BENCH_GROWTH=0).",
        )
        parser.add_argument(
            "--associations",
            type=int,
            default=20,
            help="Associations of the bench scale (default 20, as QUALITY.md; at least 2); "
            "fewer for a quick trial run, whose figures do not count.",
        )
        # The growth phase, run by the bench itself in a process of its own.
        parser.add_argument(
            "--phase", choices=("main", "grown"), default="main", help=argparse.SUPPRESS
        )
        parser.add_argument("--out", default="", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        if settings.COOP_ENV == "production":
            raise CommandError("The benchmark never runs with COOP_ENV=production.")
        if not 0 < options["seconds"] <= 600 or not 0 <= options["warmup"] <= 60:
            raise CommandError("--seconds must be in (0, 600] and --warmup in [0, 60].")
        if not 1 <= options["concurrency"] <= 256:
            raise CommandError("--concurrency must be between 1 and 256.")
        if not 2 <= options["associations"] <= 20:
            raise CommandError("--associations must be between 2 and 20.")
        if options["phase"] == "grown" and not options["out"]:
            raise CommandError("--phase grown needs --out.")
        if os.environ.get(CHILD_FLAG) != "1":
            self.reexec(options)
        if not settings.COOP_BENCH_VIEWS:
            raise CommandError("COOP_BENCH_VIEWS did not take effect; the reference is missing.")
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            BenchRun(options, self.say).run()
        except KeyboardInterrupt:
            raise CommandError("Interrupted; gunicorn was stopped.") from None
        finally:
            signal.signal(signal.SIGTERM, previous)

    def reexec(self, options) -> None:
        """Start over with the bench database and the reference views switched on."""
        env = os.environ.copy()
        env[CHILD_FLAG] = "1"
        env["COOP_BENCH_VIEWS"] = "true"
        env["DJANGO_DEBUG"] = "false"  # measure with DEBUG off, as production runs
        env.setdefault("DATABASE_URL", f"sqlite:///{BENCH_SQLITE}")
        env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench"]
        argv += ["--seconds", str(options["seconds"]), "--warmup", str(options["warmup"])]
        argv += ["--concurrency", str(options["concurrency"]), "--generator", options["generator"]]
        argv += ["--associations", str(options["associations"])]
        argv += ["--verbosity", str(options["verbosity"])]
        if options["no_setup"]:
            argv.append("--no-setup")
        if not options["growth"]:
            argv.append("--no-growth")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 (this same command, new environment)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
