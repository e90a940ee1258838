"""``manage.py bench``: the performance bars of QUALITY.md, measured side by side in one run.

Serves the project with gunicorn (2 sync workers) on 127.0.0.1, loads the reference views H
(/bench/hello/) and L (/bench/rows/) and the project's pages one after the other, and compares
each page with L. Query counts are measured in-process with the test client against the same
database. Figures go to bench-results/bench.json.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import logging
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from coop.bench.data import (
    BENCH_CARE,
    BENCH_CARE_LOGIN,
    BENCH_CORPORATION,
    BENCH_MEMBER_LOGIN,
    BENCH_STAFF_LOGIN,
)
from coop.models import User
from members.models import Member
from vacancies.models import Vacancy, VotingRound
from vacancies.pages import VacancyIndexPage

# Loopback only: the load generator never talks to any other host.
HOST = "127.0.0.1"
WORKERS = 2
BASE_DIR: Path = settings.BASE_DIR
RESULTS_DIR = BASE_DIR / "bench-results"
BENCH_SQLITE = BASE_DIR / "bench.sqlite3"
# Set in the re-executed process, which has the bench database and reference views configured.
CHILD_FLAG = "COOP_BENCH_CHILD"

# QUALITY.md, performance 1 to 3.
MIN_THROUGHPUT_VS_L = 0.5
MIN_CAST_THROUGHPUT_VS_L = 0.4
MAX_P95_VS_L = 2.0
QUERY_CEILING = {"public": 5, "member": 8, "cast": 10}
_TRANSACTION_CONTROL = re.compile(
    r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.IGNORECASE
)
# One CSRF secret for the whole run, sent as cookie and form field with every POST.
CSRF_SECRET = get_random_string(32)

WRK_POST = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""

WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local not_ok_total = 0
  for _, t in ipairs(threads) do not_ok_total = not_ok_total + t:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "not_ok": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "timeouts": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, not_ok_total, e.connect, e.read, e.write, e.timeout))
end
"""


@dataclass
class Target:
    key: str
    path: str
    kind: str  # "reference", "public", "member" or "cast"
    login: str | None = None  # e-mail address of the user the page is loaded as
    form: dict[str, str | list[str]] | None = None  # a POST with this form (and a CSRF token)

    @property
    def method(self) -> str:
        return "GET" if self.form is None else "POST"

    def body(self, csrf: str) -> str:
        return urlencode({**(self.form or {}), "csrfmiddlewaretoken": csrf}, doseq=True)


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    not_ok: int  # responses other than 200
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Row:
    key: str
    path: str
    kind: str
    queries: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    not_ok: int
    socket_errors: int
    rps_vs_l: float = 0.0
    p95_vs_l: float = 0.0
    verdict: str = ""
    missed: list[str] = field(default_factory=list)


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get(
    port: int, path: str, cookie: str | None, timeout: float = 10, body: str | None = None
) -> tuple[int, str]:
    """One GET (or POST of ``body``) on loopback, no redirects followed: (status, Location)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(*_request(path, body), headers=_headers(cookie, body))
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def _request(path: str, body: str | None) -> tuple:
    return ("GET", path) if body is None else ("POST", path, body.encode())


def _headers(cookie: str | None, body: str | None = None) -> dict[str, str]:
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return headers


class WrkLoad:
    """wrk with a Lua script: exact p50/p95/p99 and a count of non-200 responses."""

    def __init__(self, wrk: str, script_dir: Path) -> None:
        self.wrk = wrk
        self.script_dir = script_dir
        version = subprocess.run(  # noqa: S603 (fixed arguments)
            [wrk, "--version"], capture_output=True, text=True, check=False
        )
        self.name = (version.stdout or version.stderr).split(" [")[0].strip() or "wrk"

    def script(self, body: str | None) -> Path:
        path = self.script_dir / ("post.lua" if body is not None else "get.lua")
        prelude = "" if body is None else WRK_POST.format(body=json.dumps(body))
        path.write_text(prelude + WRK_SCRIPT)
        return path

    def run(
        self,
        port: int,
        path: str,
        cookie: str | None,
        seconds: float,
        conc: int,
        body: str | None = None,
    ) -> Load:
        duration = max(1, math.ceil(seconds))
        command = [self.wrk, "-t", "1", "-c", str(conc), "-d", f"{duration}s"]
        command += ["--timeout", "10s", "-s", str(self.script(body))]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        command.append(f"http://{HOST}:{port}{path}")
        done = subprocess.run(  # noqa: S603 (wrk from PATH, loopback URL)
            command, capture_output=True, text=True, timeout=duration + 60, check=False
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if done.returncode != 0 or line is None:
            raise CommandError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
        data = json.loads(line.removeprefix("BENCH_JSON "))
        return Load(
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p95_ms=data["p95_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000,
            not_ok=data["not_ok"],
            socket_errors=data["connect_errors"]
            + data["read_errors"]
            + data["write_errors"]
            + data["timeouts"],
        )


class PythonLoad:
    """Threads with http.client; reconnects when the server closes (sync workers always do)."""

    name = "python http.client threads"

    def run(
        self,
        port: int,
        path: str,
        cookie: str | None,
        seconds: float,
        conc: int,
        body: str | None = None,
    ) -> Load:
        headers = _headers(cookie, body)
        start = time.perf_counter()
        deadline = start + seconds
        results: list[tuple[list[float], Counter, int]] = []
        lock = threading.Lock()

        def worker() -> None:
            latencies: list[float] = []
            statuses: Counter = Counter()
            errors = 0
            conn: http.client.HTTPConnection | None = None
            while time.perf_counter() < deadline:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(HOST, port, timeout=10)
                    began = time.perf_counter()
                    conn.request(*_request(path, body), headers=headers)
                    response = conn.getresponse()
                    response.read()
                    latencies.append(time.perf_counter() - began)
                    statuses[response.status] += 1
                    if response.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException):
                    errors += 1
                    if conn is not None:
                        conn.close()
                    conn = None
            if conn is not None:
                conn.close()
            with lock:
                results.append((latencies, statuses, errors))

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(conc)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 30)
        elapsed = time.perf_counter() - start
        latencies = sorted(x for r in results for x in r[0])
        statuses = sum((r[1] for r in results), Counter())
        return Load(
            requests=len(latencies),
            seconds=elapsed,
            p50_ms=_percentile(latencies, 50) * 1000,
            p95_ms=_percentile(latencies, 95) * 1000,
            p99_ms=_percentile(latencies, 99) * 1000,
            max_ms=(latencies[-1] * 1000) if latencies else 0.0,
            not_ok=sum(n for status, n in statuses.items() if status != 200),
            socket_errors=sum(r[2] for r in results),
        )


class Gunicorn:
    """gunicorn in its own process group, so that stopping it stops every worker."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "coop.wsgi:application"]
        command += ["--bind", f"{HOST}:{self.port}", "--workers", str(WORKERS)]
        command += ["--worker-class", "sync", "--timeout", "60", "--log-level", "warning"]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
                command,
                cwd=BASE_DIR,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if _get(self.port, "/bench/hello/", None, timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Measure the QUALITY.md performance bars: gunicorn with 2 sync workers on 127.0.0.1 "
        "(a free port), reference views H and L, and the project's pages, side by side. "
        "Uses DATABASE_URL when set, otherwise bench.sqlite3 in the project root (never "
        "db.sqlite3); migrates and seeds it (seed_demo and seed_demo --scale bench) unless "
        "--no-setup. Load generator: wrk when on the PATH, else Python threads. Writes "
        "bench-results/bench.json. Exits non-zero when the server does not start or a page "
        "does not answer 200; a missed bar is printed as MISSED but does not fail the run."
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
            help="Skip migrate, createcachetable and the seeding.",
        )

    def handle(self, *args, **options) -> None:
        if settings.COOP_ENV == "production":
            raise CommandError("The benchmark never runs with COOP_ENV=production.")
        if not 0 < options["seconds"] <= 600 or not 0 <= options["warmup"] <= 60:
            raise CommandError("--seconds must be in (0, 600] and --warmup in [0, 60].")
        if not 1 <= options["concurrency"] <= 256:
            raise CommandError("--concurrency must be between 1 and 256.")
        if os.environ.get(CHILD_FLAG) != "1":
            self.reexec(options)
        if not settings.COOP_BENCH_VIEWS:
            raise CommandError("COOP_BENCH_VIEWS did not take effect; the reference is missing.")
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            self.run(options)
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
        argv = [sys.executable, str(BASE_DIR / "manage.py"), "bench"]
        argv += ["--seconds", str(options["seconds"]), "--warmup", str(options["warmup"])]
        argv += ["--concurrency", str(options["concurrency"]), "--generator", options["generator"]]
        argv += ["--verbosity", str(options["verbosity"])]
        if options["no_setup"]:
            argv.append("--no-setup")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 (this same command, new environment)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def run(self, options) -> None:
        # The in-process client builds the middleware; static files are not collected for this.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        db = connection.settings_dict
        self.say(f"Database: {connection.vendor} {db['NAME']}")
        if not options["no_setup"]:
            started = time.monotonic()
            self.setup_database()
            self.say(f"Set-up (migrate, cache table, seed): {time.monotonic() - started:.1f} s")
        targets = self.targets()
        sessions = {t.login: self.session_for(t.login) for t in targets if t.login is not None}
        scratch = None
        try:
            queries = {t.key: self.count_queries(t) for t in targets}
            connections.close_all()
            scratch = tempfile.TemporaryDirectory(prefix="coop-bench-")
            generator = self.generator(options["generator"], Path(scratch.name))
            self.say(
                f"Load: {generator.name}, {options['concurrency']} connections, "
                f"{options['seconds']:g} s per page after {options['warmup']:g} s warm-up; "
                f"gunicorn {WORKERS} sync workers on {HOST}. With {os.cpu_count()} CPU cores the "
                "load generator competes with the server: compare ratios, not absolute figures."
            )
            loads = self.serve_and_load(targets, sessions, generator, options)
        finally:
            Session.objects.filter(session_key__in=list(sessions.values())).delete()
            if scratch is not None:
                scratch.cleanup()
        rows = self.rows(targets, loads, queries)
        self.report(rows, generator.name, options)

    def setup_database(self) -> None:
        logging.disable(logging.INFO)
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("seed_demo", "--quiet")
            call_command("seed_demo", "--scale", "bench", "--quiet")
        finally:
            logging.disable(logging.NOTSET)

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
            Target("cast", f"/portal/rounds/{voting_round.pk}/cast/", "cast", login, form=form),
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

        def fetch():
            if target.form is None:
                return client.get(target.path)
            return client.post(target.path, target.form)

        fetch()
        with CaptureQueriesContext(connection) as captured:
            response = fetch()
        if response.status_code != 200:
            raise CommandError(
                f"{target.key} {target.path} answered {response.status_code} in-process "
                f"{response.get('Location', '')}; expected 200."
            )
        if target.login:
            Session.objects.filter(session_key=client.session.session_key).delete()
        # Transaction control (BEGIN, COMMIT, savepoints) is not a query of the page.
        return sum(1 for q in captured.captured_queries if not _TRANSACTION_CONTROL.match(q["sql"]))

    def generator(self, choice: str, scratch: Path):
        wrk = shutil.which("wrk")
        if choice == "wrk" and wrk is None:
            raise CommandError("wrk is not on the PATH (Debian: apt-get install -y wrk).")
        if choice in ("auto", "wrk") and wrk is not None:
            return WrkLoad(wrk, scratch)
        return PythonLoad()

    def serve_and_load(self, targets, sessions, generator, options) -> dict[str, Load]:
        RESULTS_DIR.mkdir(exist_ok=True)
        server = Gunicorn(_free_port(), RESULTS_DIR / "gunicorn.log")
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
                if options["warmup"] > 0:
                    generator.run(
                        server.port,
                        target.path,
                        cookie,
                        options["warmup"],
                        options["concurrency"],
                        body,
                    )
                load = generator.run(
                    server.port,
                    target.path,
                    cookie,
                    options["seconds"],
                    options["concurrency"],
                    body,
                )
                self.check_ok(server, target, cookie, body)
                loads[target.key] = load
                self.say(
                    f"  {target.key:<12} {load.rps:8.1f} req/s  p95 {load.p95_ms:7.1f} ms"
                    f"  ({load.requests} requests)"
                )
        finally:
            server.stop()
        return loads

    def check_ok(
        self, server: Gunicorn, target: Target, cookie: str | None, body: str | None = None
    ) -> None:
        status, location = _get(server.port, target.path, cookie, body=body)
        if status != 200:
            where = f" -> {location}" if location else ""
            raise CommandError(
                f"FAIL: {target.key} {target.path} answered {status}{where}; expected 200.\n"
                f"{server.log_tail()}"
            )

    def rows(self, targets, loads: dict[str, Load], queries: dict[str, int]) -> list[Row]:
        ref = loads["L"]
        rows = []
        for target in targets:
            load = loads[target.key]
            row = Row(
                key=target.key,
                path=target.path,
                kind=target.kind,
                queries=queries[target.key],
                rps=round(load.rps, 1),
                p50_ms=round(load.p50_ms, 2),
                p95_ms=round(load.p95_ms, 2),
                p99_ms=round(load.p99_ms, 2),
                requests=load.requests,
                not_ok=load.not_ok,
                socket_errors=load.socket_errors,
                rps_vs_l=round(load.rps / ref.rps, 2) if ref.rps else 0.0,
                p95_vs_l=round(load.p95_ms / ref.p95_ms, 2) if ref.p95_ms else 0.0,
            )
            if target.kind == "cast":
                if row.rps_vs_l < MIN_CAST_THROUGHPUT_VS_L:
                    row.missed.append(
                        f"throughput {row.rps_vs_l:.2f} L < {MIN_CAST_THROUGHPUT_VS_L}"
                    )
                if connection.vendor != "postgresql":
                    row.missed.append("the cast bar is for PostgreSQL: run with DATABASE_URL")
            if target.kind == "member":
                if row.rps_vs_l < MIN_THROUGHPUT_VS_L:
                    row.missed.append(f"throughput {row.rps_vs_l:.2f} L < {MIN_THROUGHPUT_VS_L}")
                if row.p95_vs_l > MAX_P95_VS_L:
                    row.missed.append(f"p95 {row.p95_vs_l:.2f}x L > {MAX_P95_VS_L:g}x")
            ceiling = QUERY_CEILING.get(target.kind)
            if ceiling is not None and row.queries > ceiling:
                row.missed.append(f"queries {row.queries} > {ceiling}")
            if target.kind == "reference":
                row.verdict = "reference"
            else:
                row.verdict = "MISSED: " + "; ".join(row.missed) if row.missed else "ok"
            rows.append(row)
        return rows

    def report(self, rows: list[Row], generator: str, options) -> None:
        header = (
            f"{'page':<12} {'path':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'xL req/s':>9} {'xL p95':>7} {'queries':>7}  verdict"
        )
        lines = [header, "-" * len(header)]
        for r in rows:
            lines.append(
                f"{r.key:<12} {r.path:<40} {r.rps:>8.1f} {r.p50_ms:>8.2f} {r.p95_ms:>8.2f} "
                f"{r.rps_vs_l:>9.2f} {r.p95_vs_l:>7.2f} {r.queries:>7}  {r.verdict}"
            )
        self.say("")
        self.say("\n".join(lines))
        self.say(
            f"Bars (QUALITY.md): member pages >= {MIN_THROUGHPUT_VS_L} L req/s and p95 <= "
            f"{MAX_P95_VS_L:g}x L p95; vote cast (POST, PostgreSQL) >= "
            f"{MIN_CAST_THROUGHPUT_VS_L} L req/s; queries <= {QUERY_CEILING['public']} (public "
            f"Wagtail page, its only bar), <= {QUERY_CEILING['member']} (member page), <= "
            f"{QUERY_CEILING['cast']} (vote cast). H/L = "
            f"{rows[0].rps / rows[1].rps if rows[1].rps else 0:.1f}."
        )
        errors = [
            f"{r.key}: {r.not_ok} responses other than 200, {r.socket_errors} socket errors"
            for r in rows
            if r.not_ok or r.socket_errors
        ]
        result = {
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": connection.vendor,
                "name": str(connection.settings_dict["NAME"]),
            },
            "server": {"gunicorn_workers": WORKERS, "worker_class": "sync", "host": HOST},
            "generator": generator,
            "concurrency": options["concurrency"],
            "seconds": options["seconds"],
            "warmup": options["warmup"],
            "cpu_count": os.cpu_count(),
            "bars": {
                "min_throughput_vs_l": MIN_THROUGHPUT_VS_L,
                "max_p95_vs_l": MAX_P95_VS_L,
                "query_ceiling": QUERY_CEILING,
            },
            "h_over_l": round(rows[0].rps / rows[1].rps, 2) if rows[1].rps else None,
            "pages": [asdict(r) for r in rows],
            "missed": {r.key: r.missed for r in rows if r.missed},
            "errors": errors,
        }
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / "bench.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        self.say(f"Figures written to {path.relative_to(BASE_DIR)}.")
        missed = [r.key for r in rows if r.missed]
        if missed:
            self.say(self.style.WARNING(f"MISSED bars: {', '.join(missed)}"))
        else:
            self.say(self.style.SUCCESS("All bars met."))
        if errors:
            raise CommandError("Pages answered with errors under load: " + "; ".join(errors))
