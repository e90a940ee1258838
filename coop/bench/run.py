"""One bench run: set up the data, measure every page in-process and under load, report.

Runs in the process ``manage.py bench`` re-executes with the bench database and the reference
views. The growth phase (ten times the data) is the same run again in a process of its own on a
database of its own (``bench-10x.sqlite3``, or ``<name>_10x`` on PostgreSQL), so the bench
database never holds the grown data; this process compares the two.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from coop.bench import report
from coop.bench.data import (
    BENCH_CARE,
    BENCH_CARE_LOGIN,
    BENCH_CORPORATION,
    BENCH_MEMBER_LOGIN,
    BENCH_STAFF_LOGIN,
)
from coop.bench.load import (
    HOST,
    WORKERS,
    Gunicorn,
    Load,
    PythonLoad,
    Target,
    WrkLoad,
    fetch,
    free_port,
)
from coop.bench.seed import GROWTH_FACTOR, seed_bench, seed_growth
from coop.generation import new_generation
from coop.models import Organisation, User
from members.models import Member
from vacancies.models import Vacancy, VotingRound
from vacancies.pages import VacancyIndexPage

RESULTS_DIR = settings.BASE_DIR / "bench-results"
_TRANSACTION_CONTROL = re.compile(
    r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.IGNORECASE
)
# One CSRF secret for the whole run, sent as cookie and form field with every POST.
CSRF_SECRET = get_random_string(32)


def grown_database_url(url: str) -> str:
    """The database of the growth phase beside the bench's own: ``-10x`` on a SQLite file,
    ``_10x`` on a PostgreSQL database name."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(unquote(parts.path))
        grown = path.with_name(f"{path.stem}-10x{path.suffix}")
        return urlunsplit(parts._replace(path=quote(str(grown))))
    name = unquote(parts.path.lstrip("/"))
    return urlunsplit(parts._replace(path="/" + quote(f"{name}_10x")))


class BenchRun:
    """The bench in this process; ``options`` are the command's."""

    def __init__(self, options: dict, say: Callable[[str], None]) -> None:
        self.options = options
        self.say = say

    # -- data

    def setup_database(self, *, grown: bool) -> None:
        logging.disable(logging.INFO)
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("seed_demo", "--quiet")
            today = timezone.localdate()
            seed_bench(today=today, associations=self.options["associations"])
            if grown:
                seed_growth(
                    today=today, associations=self.options["associations"], factor=GROWTH_FACTOR
                )
        finally:
            logging.disable(logging.NOTSET)

    def analyze(self) -> None:
        """Planner statistics after a bulk load: without them the first run measures the
        planner's guesses (issue seen: a 4.4 s p95 on PostgreSQL right after seeding)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def grown_data_present(self) -> bool:
        return Organisation.objects.filter(slug__startswith=f"{BENCH_CORPORATION[0]}-").exists()

    # -- pages

    def targets(self) -> list[Target]:
        member = (
            Member.objects.active()
            .filter(user__email=BENCH_MEMBER_LOGIN.email)
            .select_related("association")
            .first()
        )
        staff = (BENCH_STAFF_LOGIN.email, BENCH_CARE_LOGIN.email)
        if member is None or User.objects.filter(email__in=staff).count() < len(staff):
            raise CommandError(
                "No bench data in this database: run without --no-setup, or "
                "`manage.py seed_demo --scale bench`."
            )
        return [
            Target("H", "/bench/hello/", "reference"),
            Target("L", "/bench/rows/", "reference"),
            Target("home", "/", "public"),
            Target("dashboard", "/portal/", "member", BENCH_MEMBER_LOGIN.email),
            Target(
                "association",
                f"/portal/associations/{member.association.slug}/",
                "member",
                BENCH_MEMBER_LOGIN.email,
            ),
            Target(
                "calendar",
                f"/portal/associations/{member.association.slug}/calendar/",
                "member",
                BENCH_MEMBER_LOGIN.email,
            ),
            Target("hours", "/portal/hours/", "member", BENCH_MEMBER_LOGIN.email),
            Target(
                "corporation",
                f"/portal/organisations/{BENCH_CORPORATION[0]}/",
                "member",
                BENCH_STAFF_LOGIN.email,
            ),
            # The omklap overviews: 200 contracts with their moments and decisions.
            Target(
                "omklap",
                f"/portal/organisations/{BENCH_CORPORATION[0]}/contracts/",
                "member",
                BENCH_STAFF_LOGIN.email,
            ),
            Target(
                "caseload",
                f"/portal/organisations/{BENCH_CARE[0]}/caseload/",
                "member",
                BENCH_CARE_LOGIN.email,
            ),
            # Every association against every commitment of its agreement (all rule types).
            Target(
                "compliance",
                f"/portal/organisations/{BENCH_CORPORATION[0]}/compliance/",
                "compliance",
                BENCH_STAFF_LOGIN.email,
            ),
            *self.vacancy_targets(member),
        ]

    def vacancy_targets(self, member: Member) -> list[Target]:
        """The vacancy page (the bench member is on the selection committee), the ballot of
        the open round, the cast itself, and the public page of a vacancy taking applications."""
        voting_round = (
            VotingRound.objects.filter(
                vacancy__association=member.association, status=VotingRound.Status.OPEN
            )
            .select_related("vacancy")
            .first()
        )
        if voting_round is None:
            raise CommandError("The bench data has no open voting round: seed it again.")
        ids = list(voting_round.candidates.order_by("pk").values_list("pk", flat=True))
        form = {
            VotingRound.Method.YES_NO: {
                f"c{pk}": "yes" if i == 0 else "no" for i, pk in enumerate(ids)
            },
            VotingRound.Method.APPROVAL: {f"c{pk}": "on" for pk in ids[:2]},
            VotingRound.Method.RANKED: {f"c{pk}": str(i + 1) for i, pk in enumerate(ids)},
        }[voting_round.method]
        login = BENCH_MEMBER_LOGIN.email
        targets = [
            Target("vacancy", f"/portal/vacancies/{voting_round.vacancy_id}/", "member", login),
            Target("ballot", f"/portal/rounds/{voting_round.pk}/", "member", login),
            Target("cast", f"/portal/rounds/{voting_round.pk}/cast/", "cast", login, form, ok=302),
        ]
        page = VacancyIndexPage.objects.live().first()
        vacancies = Vacancy.objects.accepting_applications()
        if page is not None and page.association_id:
            vacancies = vacancies.filter(association_id=page.association_id)
        vacancy = vacancies.first()
        if page is not None and vacancy is not None:
            targets.append(Target("vacancy-pub", f"{page.url}{vacancy.pk}/", "public"))
        return targets

    def session_for(self, email: str) -> str:
        client = Client()
        client.force_login(User.objects.get(email=email))
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    def count_queries(self, target: Target) -> int:
        """Queries of one request after a warm-up one, in-process against the same database."""
        client = Client()
        if target.login:
            client.force_login(User.objects.get(email=target.login))

        def fetch_in_process():
            if target.form is None:
                return client.get(target.path)
            return client.post(target.path, target.form)

        fetch_in_process()
        with CaptureQueriesContext(connection) as captured:
            response = fetch_in_process()
        if response.status_code != target.ok:
            raise CommandError(
                f"{target.key} {target.path} answered {response.status_code} in-process "
                f"{response.get('Location', '')}; expected {target.ok}."
            )
        if target.login:
            Session.objects.filter(session_key=client.session.session_key).delete()
        # Transaction control (BEGIN, COMMIT, savepoints) is not a query of the page.
        return sum(1 for q in captured.captured_queries if not _TRANSACTION_CONTROL.match(q["sql"]))

    def built(self, target: Target, times: int = 5) -> tuple[float, int]:
        """The page when its kept parts must be built again (a new data generation before each
        request, as after any write): the median time of one request in-process, after a
        warm-up one, and the queries of one such request without the cache's own statements
        (its round trips, which Redis answers outside the database) and transaction control."""
        client = Client()
        client.force_login(User.objects.get(email=target.login))
        client.get(target.path)
        took = []
        for _ in range(times):
            new_generation()
            started = time.perf_counter()
            response = client.get(target.path)
            took.append((time.perf_counter() - started) * 1000)
            if response.status_code != target.ok:
                raise CommandError(f"{target.key} {target.path} answered {response.status_code}.")
        new_generation()
        with CaptureQueriesContext(connection) as captured:
            client.get(target.path)
        Session.objects.filter(session_key=client.session.session_key).delete()
        cache_table = f"{settings.CACHES['default'].get('LOCATION')}"
        queries = sum(
            1
            for q in captured.captured_queries
            if not _TRANSACTION_CONTROL.match(q["sql"]) and cache_table not in q["sql"]
        )
        return round(statistics.median(took), 1), queries

    # -- load

    def generator(self, scratch: Path):
        choice = self.options["generator"]
        wrk = shutil.which("wrk")
        if choice == "wrk" and wrk is None:
            raise CommandError("wrk is not on the PATH (Debian: apt-get install -y wrk).")
        if choice in ("auto", "wrk") and wrk is not None:
            return WrkLoad(wrk, scratch)
        return PythonLoad()

    def serve_and_load(self, targets: list[Target], sessions: dict, generator) -> dict[str, Load]:
        RESULTS_DIR.mkdir(exist_ok=True)
        server = Gunicorn(free_port(), RESULTS_DIR / "gunicorn.log")
        seconds, warmup = self.options["seconds"], self.options["warmup"]
        conc = self.options["concurrency"]
        loads: dict[str, Load] = {}
        try:
            server.start()
            server.wait_ready()
            for target in targets:
                cookie = (
                    f"{settings.SESSION_COOKIE_NAME}={sessions[target.login]}"
                    if target.login
                    else None
                )
                body = None
                if target.form is not None:
                    body = target.body(CSRF_SECRET)
                    cookie = f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
                self.check_ok(server, target, cookie, body)
                if warmup > 0:
                    generator.run(server.port, target.path, cookie, warmup, conc, body, target.ok)
                load = generator.run(
                    server.port, target.path, cookie, seconds, conc, body, target.ok
                )
                self.check_ok(server, target, cookie, body)
                loads[target.key] = load
                self.say(
                    f"  {target.key:<12} {load.rps:8.1f} req/s  p50 {load.p50_ms:7.1f} ms  "
                    f"p95 {load.p95_ms:7.1f} ms  ({load.requests} requests)"
                )
        finally:
            server.stop()
        return loads

    def check_ok(
        self, server: Gunicorn, target: Target, cookie: str | None, body: str | None = None
    ) -> None:
        status, location = fetch(server.port, target.path, cookie, body=body)
        if status != target.ok:
            where = f" -> {location}" if location else ""
            raise CommandError(
                f"FAIL: {target.key} {target.path} answered {status}{where}; "
                f"expected {target.ok}.\n"
                f"{server.log_tail()}"
            )

    # -- one scale

    def measure(self, *, grown: bool) -> tuple[list[report.Row], str]:
        """Set up (unless --no-setup), ANALYZE, count each page's queries, load each page."""
        # The in-process client builds the middleware; static files are not collected for this.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        db = connection.settings_dict
        self.say(f"Database: {connection.vendor} {db['NAME']}")
        if not self.options["no_setup"]:
            started = time.monotonic()
            self.setup_database(grown=grown)
            self.say(f"Set-up (migrate, cache table, seed): {time.monotonic() - started:.1f} s")
        if not grown and self.grown_data_present():
            raise CommandError(
                f"{db['NAME']} holds the grown data (the copies of {BENCH_CORPORATION[0]}): "
                "the bench scale needs a database without them."
            )
        started = time.monotonic()
        self.analyze()
        self.say(f"ANALYZE: {time.monotonic() - started:.1f} s")
        targets = self.targets()
        sessions = {t.login: self.session_for(t.login) for t in targets if t.login is not None}
        scratch = None
        try:
            queries = {t.key: self.count_queries(t) for t in targets}
            built = {t.key: self.built(t) for t in targets if t.kind in ("member", "compliance")}
            connections.close_all()
            scratch = tempfile.TemporaryDirectory(prefix="coop-bench-")
            generator = self.generator(Path(scratch.name))
            self.say(
                f"Load: {generator.name}, {self.options['concurrency']} connections, "
                f"{self.options['seconds']:g} s per page after {self.options['warmup']:g} s "
                f"warm-up; gunicorn {WORKERS} sync workers on {HOST}. With {os.cpu_count()} CPU "
                "cores the load generator competes with the server: compare ratios, not "
                "absolute figures."
            )
            loads = self.serve_and_load(targets, sessions, generator)
        finally:
            Session.objects.filter(session_key__in=list(sessions.values())).delete()
            if scratch is not None:
                scratch.cleanup()
        rows = report.page_rows(targets, loads, queries, vendor=connection.vendor, built=built)
        return rows, generator.name

    # -- the whole run

    def run(self) -> None:
        if self.options["phase"] == "grown":
            rows, _generator = self.measure(grown=True)
            Path(self.options["out"]).write_text(json.dumps([asdict(r) for r in rows]))
            return
        rows, generator = self.measure(grown=False)
        growth = None
        if self.options["growth"]:
            self.say("")
            self.say(
                f"Growth: the same pages at {GROWTH_FACTOR}x the data, in a database of its own."
            )
            growth = report.growth_rows(rows, self.grown_rows())
        self.report(rows, growth, generator)

    def grown_rows(self) -> list[report.Row]:
        """The grown phase in a process of its own, on the grown database."""
        url = grown_database_url(os.environ["DATABASE_URL"])
        if connection.vendor == "postgresql":
            self.create_database(unquote(urlsplit(url).path.lstrip("/")))
        with tempfile.TemporaryDirectory(prefix="coop-bench-") as scratch:
            out = Path(scratch) / "grown.json"
            argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench"]
            argv += ["--phase", "grown", "--out", str(out)]
            for option in ("seconds", "warmup", "concurrency", "generator", "associations"):
                argv += [f"--{option}", str(self.options[option])]
            env = {**os.environ, "DATABASE_URL": url}
            sys.stdout.flush()
            done = subprocess.run(argv, env=env, check=False)  # noqa: S603 (this same command)
            if done.returncode != 0 or not out.exists():
                raise CommandError(f"The growth phase failed (exit {done.returncode}).")
            return [report.Row(**row) for row in json.loads(out.read_text())]

    def create_database(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')

    def report(
        self, rows: list[report.Row], growth: list[report.GrowthRow] | None, generator: str
    ) -> None:
        self.say("")
        self.say(report.page_table(rows))
        if growth is not None:
            self.say("")
            self.say(report.growth_table(growth, GROWTH_FACTOR))
        self.say(report.bars_line(rows))
        missed = report.missed_bars(rows, growth)
        result = {
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": connection.vendor,
                "name": str(connection.settings_dict["NAME"]),
            },
            "server": {"gunicorn_workers": WORKERS, "worker_class": "sync", "host": HOST},
            "generator": generator,
            "concurrency": self.options["concurrency"],
            "seconds": self.options["seconds"],
            "warmup": self.options["warmup"],
            "associations": self.options["associations"],
            "cpu_count": os.cpu_count(),
            "bars": {
                "min_throughput_vs_l": report.MIN_THROUGHPUT_VS_L,
                "min_cast_throughput_vs_l": report.MIN_CAST_THROUGHPUT_VS_L,
                "max_p95_vs_l": report.MAX_P95_VS_L,
                "query_ceiling": report.QUERY_CEILING,
                "max_growth_p50": report.MAX_GROWTH_P50,
                "max_compliance_render_ms": report.MAX_COMPLIANCE_RENDER_MS,
            },
            "h_over_l": round(rows[0].rps / rows[1].rps, 2) if rows[1].rps else None,
            "pages": [asdict(r) for r in rows],
            "growth": None if growth is None else [asdict(g) for g in growth],
            "growth_factor": None if growth is None else GROWTH_FACTOR,
            "missed": missed,
        }
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / "bench.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        self.say(f"Figures written to {path.relative_to(settings.BASE_DIR)}.")
        if missed:
            raise CommandError("Missed bars:\n  " + "\n  ".join(missed))
        self.say("All bars met.")
