"""The benchmark without a server: its bars, its report, its exit, and its data at a tiny scale."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from activities.models import ContributionLog, SignUp
from coop.bench import report, run
from coop.bench.data import BENCH_CARE, BENCH_CORPORATION, BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN
from coop.bench.load import Load, Target
from coop.bench.seed import seed_bench, seed_growth
from coop.models import Association, AuditAction, AuditEntry, Organisation, User
from coop.site.compliance.models import AgreementVersion, RuleType
from members.access import load_viewer
from members.models import Member, Role
from tests.helpers import count_queries
from vacancies.models import VotingRound
from vacancies.selectors import verify_tally
from vacancies.services import round_electorate

TARGETS = [
    Target("H", "/bench/hello/", "reference"),
    Target("L", "/bench/rows/", "reference"),
    Target("home", "/", "public"),
    Target("dashboard", "/portal/", "member", "a@example.org"),
    Target("cast", "/portal/rounds/1/cast/", "cast", "a@example.org", form={"c1": "yes"}),
]


def load(rps: float, p50: float, p95: float, *, not_ok: int = 0) -> Load:
    return Load(
        requests=int(rps * 5),
        seconds=5.0,
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p95,
        max_ms=p95,
        not_ok=not_ok,
        socket_errors=0,
    )


def rows_for(dashboard: Load, cast: Load, *, vendor="sqlite", queries=None) -> list[report.Row]:
    loads = {
        "H": load(1000, 1, 2),
        "L": load(100, 10, 20),
        "home": load(200, 5, 10),
        "dashboard": dashboard,
        "cast": cast,
    }
    counts = {"H": 0, "L": 1, "home": 4, "dashboard": 8, "cast": 9, **(queries or {})}
    return report.page_rows(TARGETS, loads, counts, vendor=vendor)


def by_key(rows) -> dict:
    return {r.key: r for r in rows}


def test_a_page_at_the_bars_passes():
    rows = rows_for(load(50, 20, 40), load(40, 20, 40))
    assert report.missed_bars(rows) == []
    assert by_key(rows)["dashboard"].rps_vs_l == 0.5
    assert by_key(rows)["dashboard"].p95_vs_l == 2.0
    assert by_key(rows)["dashboard"].verdict == "ok"


def test_a_member_page_below_half_of_l_or_slower_than_twice_its_p95_misses():
    rows = rows_for(load(49, 20, 41), load(40, 20, 40))
    assert report.missed_bars(rows) == [
        "dashboard: throughput 0.49 L < 0.5",
        "dashboard: p95 2.05x L > 2x",
    ]
    assert by_key(rows)["dashboard"].verdict.startswith("MISSED: throughput 0.49 L")


def test_the_cast_bar_is_postgresqls_and_errors_miss_on_every_database():
    slow_cast = load(39, 20, 40)
    assert report.missed_bars(rows_for(load(50, 20, 40), slow_cast, vendor="sqlite")) == []
    assert report.missed_bars(rows_for(load(50, 20, 40), slow_cast, vendor="postgresql")) == [
        "cast: throughput 0.39 L < 0.4"
    ]
    failing = load(45, 20, 40, not_ok=3)
    assert report.missed_bars(rows_for(load(50, 20, 40), failing, vendor="sqlite")) == [
        "cast: errors under load: 3 responses other than 200, 0 socket errors"
    ]


def test_a_page_over_its_query_ceiling_misses():
    rows = rows_for(load(50, 20, 40), load(40, 20, 40), queries={"dashboard": 9, "home": 6})
    assert report.missed_bars(rows) == ["home: queries 6 > 5", "dashboard: queries 9 > 8"]


def test_the_compliance_overview_has_the_member_bars_its_own_ceiling_and_one_second():
    targets = [
        *TARGETS[:2],
        Target("compliance", "/portal/organisations/x/compliance/", "compliance", "s@example.org"),
    ]
    ref = {"H": load(1000, 1, 2), "L": load(100, 10, 20)}

    def missed(overview: Load, queries: int, render: float | None = 400.0, ref=ref) -> list[str]:
        counts = {"H": 0, "L": 1, "compliance": queries}
        rows = report.page_rows(
            targets,
            {**ref, "compliance": overview},
            counts,
            vendor="sqlite",
            built={} if render is None else {"compliance": (render, queries)},
        )
        return report.missed_bars(rows)

    assert missed(load(50, 20, 40), 15) == []
    assert missed(load(49, 20, 41), 16) == [
        "compliance: throughput 0.49 L < 0.5",
        "compliance: p95 2.05x L > 2x",
        "compliance: queries 16 > 15",
        "compliance: queries when built 16 > 15",
    ]
    # Rendered in under a second, even where L is slow enough for the ratio bars to pass.
    slow_ref = {"H": load(20, 100, 200), "L": load(2, 500, 600)}
    assert missed(load(1, 900, 1000), 15, render=999.9, ref=slow_ref) == []
    assert missed(load(1, 900, 1000), 15, render=1000, ref=slow_ref) == [
        "compliance: renders in 1000 ms >= 1000 ms"
    ]
    assert missed(load(50, 20, 40), 15, render=None) == ["compliance: render time not measured"]


def test_a_page_whose_parts_need_more_queries_when_built_misses_its_ceiling():
    rows = report.page_rows(
        TARGETS,
        {t.key: load(50, 20, 40) for t in TARGETS},
        {t.key: 4 for t in TARGETS},
        vendor="sqlite",
        built={"dashboard": (12.0, 9)},
    )
    assert report.missed_bars(rows) == ["dashboard: queries when built 9 > 8"]
    assert "12.0" in report.page_table(rows)


def test_growth_compares_each_pages_p50_and_its_queries_but_not_the_references():
    rows = rows_for(load(50, 20, 40), load(40, 20, 40))
    grown = rows_for(load(50, 25, 40), load(40, 25.2, 40), queries={"home": 5})
    growth = report.growth_rows(rows, grown)
    assert [g.key for g in growth] == ["home", "dashboard", "cast"]
    assert by_key(growth)["dashboard"].ratio == 1.25
    assert report.missed_bars(rows, growth) == [
        "home (growth): queries 4 became 5",
        "cast (growth): p50 grew 1.26x > 1.25x",
    ]
    table = report.growth_table(growth, 10)
    assert "p50 ms 10x" in table and "MISSED: p50 grew 1.26x" in table


def test_a_page_missing_from_the_grown_run_misses():
    rows = rows_for(load(50, 20, 40), load(40, 20, 40))
    grown = [r for r in rows if r.key != "cast"]
    assert report.missed_bars(rows, report.growth_rows(rows, grown)) == [
        "cast (growth): not measured grown"
    ]


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(run.settings, "BASE_DIR", tmp_path.parent)
    return tmp_path


def bench_run(printed: list[str]) -> run.BenchRun:
    options = {"concurrency": 4, "seconds": 5.0, "warmup": 1.0, "associations": 20}
    return run.BenchRun(options, printed.append)


def test_the_report_prints_the_missed_bars_writes_them_and_fails_the_command(results):
    rows = rows_for(load(40, 20, 40), load(40, 20, 40))
    growth = report.growth_rows(rows, rows_for(load(40, 30, 40), load(40, 20, 40)))
    printed: list[str] = []

    with pytest.raises(CommandError) as failed:
        bench_run(printed).report(rows, growth, "wrk")

    assert str(failed.value) == (
        "Missed bars:\n  dashboard: throughput 0.40 L < 0.5\n"
        "  dashboard (growth): p50 grew 1.50x > 1.25x"
    )
    output = "\n".join(printed)
    assert "MISSED: throughput 0.40 L < 0.5" in output
    assert "All bars met." not in output
    written = json.loads((results / "bench.json").read_text())
    assert written["missed"] == [
        "dashboard: throughput 0.40 L < 0.5",
        "dashboard (growth): p50 grew 1.50x > 1.25x",
    ]
    assert written["growth"][1]["ratio"] == 1.5 and written["growth_factor"] == 10


def test_a_run_that_meets_every_bar_says_so_and_does_not_fail(results):
    rows = rows_for(load(50, 20, 40), load(40, 20, 40))
    printed: list[str] = []

    bench_run(printed).report(rows, report.growth_rows(rows, rows), "wrk")

    assert printed[-1] == "All bars met."
    assert json.loads((results / "bench.json").read_text())["missed"] == []


def test_the_grown_database_sits_beside_the_bench_database():
    assert (
        run.grown_database_url("sqlite:////srv/app/bench.sqlite3")
        == "sqlite:////srv/app/bench-10x.sqlite3"
    )
    assert (
        run.grown_database_url("postgres://coop:secret@127.0.0.1:5432/coop_bench?sslmode=disable")
        == "postgres://coop:secret@127.0.0.1:5432/coop_bench_10x?sslmode=disable"
    )


def overview_queries(client, url) -> int:
    """The overview's queries after a warm-up request (session and viewer cached)."""
    client.get(url)
    count, sql, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    # Every association against every commitment: one row each, none without an agreement.
    html = response.content.decode()
    assert html.count('class="state state-') == 2 * len(RuleType)
    assert "without a signed agreement" not in html
    # As with hand-built agreements (tests/compliance/test_views.py): at most 15.
    assert count == 14, "\n".join(sql)
    return count


def test_bench_agreements_are_signed_and_the_overview_reads_in_the_same_queries_grown(db, client):
    today = timezone.localdate()
    seed_bench(today=today, associations=2)
    corporation = Organisation.objects.get(slug=BENCH_CORPORATION[0])
    versions = AgreementVersion.objects.filter(agreement__corporation=corporation)
    assert versions.count() == 2
    for version in versions:
        assert version.in_force and version.corporation_signed_at and version.board_signed_at
        assert sorted(version.commitments.values_list("rule", flat=True)) == sorted(RuleType)
        signed = AuditEntry.objects.filter(
            action=AuditAction.COMPLIANCE_VERSION_SIGNED, association=version.agreement.association
        )
        assert signed.count() == 2
    # The bench member keeps only the role the bench measures it with.
    bench_member = Member.objects.get(user__email=BENCH_MEMBER_LOGIN.email)
    assert list(bench_member.roles.values_list("role", flat=True)) == [Role.SELECTION]
    client.force_login(User.objects.get(email=BENCH_STAFF_LOGIN.email))
    url = reverse("compliance:corporation_overview", args=[corporation.slug])
    bench_count = overview_queries(client, url)

    copies = seed_growth(today=today, associations=2, factor=2)

    assert overview_queries(client, url) == bench_count
    assert [c.copy for c in copies] == [1]
    assert (
        AgreementVersion.objects.filter(
            agreement__corporation__slug=f"{BENCH_CORPORATION[0]}-2", in_force=True
        ).count()
        == 2
    )
    grown = Organisation.objects.get(slug=f"{BENCH_CORPORATION[0]}-2")
    assert Organisation.objects.filter(slug=f"{BENCH_CARE[0]}-2").exists()
    assert Association.objects.filter(corporation=grown).count() == 2
    assert Member.objects.filter(association__corporation=grown).count() == 300
    closed = VotingRound.objects.filter(
        vacancy__association__corporation=grown, status=VotingRound.Status.CLOSED
    )
    assert closed.count() == 100
    assert all(verify_tally(r) for r in closed.order_by("pk")[:5])
    # Every member has an account, so the electorate is the vote service's, as in a real round.
    assert not Member.objects.filter(association__corporation=grown, user__isnull=True).exists()
    first = closed.select_related("vacancy__association").order_by("pk").first()
    electorate = round_electorate(first.vacancy.association)
    assert first.electorate_size == first.electors.count() == electorate.count() == 150
    assert set(first.electors.values_list("member", flat=True)) == set(
        electorate.values_list("pk", flat=True)
    )
    # Two associations get their share of the bench scale's 50,000 logs, written as rows.
    logs = ContributionLog.objects.filter(member__association__corporation=grown)
    assert logs.count() == 5_000
    assert logs.filter(status="pending", decided_at__isnull=True).exists()
    assert SignUp.objects.filter(member__association__corporation=grown).count() == 3 * 500
    # The bench's own logins see the bench corporation only, as before.
    assert Member.objects.get(user__email=BENCH_MEMBER_LOGIN.email) == bench_member
    staff = load_viewer(User.objects.get(email=BENCH_STAFF_LOGIN.email))
    assert list(staff.organisations) == [Organisation.objects.get(slug=BENCH_CORPORATION[0]).pk]
    # A second call makes nothing; ANALYZE runs on this database.
    assert seed_growth(today=today, associations=2, factor=2) == []
    bench = bench_run([])
    assert bench.grown_data_present()
    bench.analyze()
