"""Serving the project and loading it: gunicorn on loopback, wrk or Python threads."""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError

# Loopback only: the load generator never talks to any other host.
HOST = "127.0.0.1"
WORKERS = 2

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
  if status ~= {ok} then not_ok = not_ok + 1 end
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
    kind: str  # "reference", "public", "member", "cast" or "compliance"
    login: str | None = None  # e-mail address of the user the page is loaded as
    form: dict[str, str | list[str]] | None = None  # a POST with this form (and a CSRF token)
    ok: int = 200  # the status of a right answer (a cast redirects to its receipt)

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
    not_ok: int  # responses other than the target's right status
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(
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

    def script(self, body: str | None, ok: int) -> Path:
        path = self.script_dir / ("post.lua" if body is not None else "get.lua")
        prelude = "" if body is None else WRK_POST.format(body=json.dumps(body))
        path.write_text(prelude + WRK_SCRIPT.replace("{ok}", str(ok)))
        return path

    def run(
        self,
        port: int,
        path: str,
        cookie: str | None,
        seconds: float,
        conc: int,
        body: str | None = None,
        ok: int = 200,
    ) -> Load:
        duration = max(1, math.ceil(seconds))
        command = [self.wrk, "-t", "1", "-c", str(conc), "-d", f"{duration}s"]
        command += ["--timeout", "10s", "-s", str(self.script(body, ok))]
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
        ok: int = 200,
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
            p50_ms=percentile(latencies, 50) * 1000,
            p95_ms=percentile(latencies, 95) * 1000,
            p99_ms=percentile(latencies, 99) * 1000,
            max_ms=(latencies[-1] * 1000) if latencies else 0.0,
            not_ok=sum(n for status, n in statuses.items() if status != ok),
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
                cwd=settings.BASE_DIR,
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
                if fetch(self.port, "/bench/hello/", None, timeout=2)[0] == 200:
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
