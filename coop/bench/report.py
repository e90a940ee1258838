"""The bars of QUALITY.md (performance 1 to 3 and 6), which of them a run missed, and its report.

Everything here is arithmetic on measured figures, so it is tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coop.bench.load import Load, Target

# QUALITY.md, performance 1 to 3: ratios to the reference view L measured in the same run.
MIN_THROUGHPUT_VS_L = 0.5
MIN_CAST_THROUGHPUT_VS_L = 0.4
MAX_P95_VS_L = 2.0
QUERY_CEILING = {"public": 5, "member": 8, "cast": 10, "compliance": 15}
# QUALITY.md, performance 4: the corporation's compliance overview renders in under a second
# (the median of single requests in-process: under load a request also waits for a worker).
MAX_COMPLIANCE_RENDER_MS = 1000.0
# QUALITY.md, performance 6: a page's p50 at ten times the data, against its p50 at bench scale.
MAX_GROWTH_P50 = 1.25


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
    # In-process, with the page's kept parts built again (as after any write): the median time
    # and the queries without the cache's own statements. The compliance overview's render bar
    # and every page's query ceiling hold for these too.
    render_ms: float | None = None
    built_queries: int | None = None


@dataclass
class GrowthRow:
    key: str
    p50_ms: float  # at bench scale
    p50_grown_ms: float  # at ``factor`` times the bench scale
    ratio: float
    queries: int
    queries_grown: int
    missed: list[str] = field(default_factory=list)


def page_rows(
    targets: list[Target],
    loads: dict[str, Load],
    queries: dict[str, int],
    *,
    vendor: str,
    built: dict[str, tuple[float, int]] | None = None,
) -> list[Row]:
    """One row a page with its ratios to L and the bars it missed (H and L come first);
    ``built`` holds, per page, the in-process time and queries with its parts built again."""
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
        if built and target.key in built:
            row.render_ms, row.built_queries = built[target.key]
        note = ""
        if target.kind == "cast":
            # The cast's bar is PostgreSQL's: SQLite writes one transaction at a time.
            if vendor == "postgresql":
                if row.rps_vs_l < MIN_CAST_THROUGHPUT_VS_L:
                    row.missed.append(
                        f"throughput {row.rps_vs_l:.2f} L < {MIN_CAST_THROUGHPUT_VS_L}"
                    )
            else:
                note = " (the cast's throughput bar is PostgreSQL's)"
        if target.kind in ("member", "compliance"):
            if row.rps_vs_l < MIN_THROUGHPUT_VS_L:
                row.missed.append(f"throughput {row.rps_vs_l:.2f} L < {MIN_THROUGHPUT_VS_L}")
            if row.p95_vs_l > MAX_P95_VS_L:
                row.missed.append(f"p95 {row.p95_vs_l:.2f}x L > {MAX_P95_VS_L:g}x")
        if target.kind == "compliance":
            if row.render_ms is None:
                row.missed.append("render time not measured")
            elif row.render_ms >= MAX_COMPLIANCE_RENDER_MS:
                row.missed.append(
                    f"renders in {row.render_ms:.0f} ms >= {MAX_COMPLIANCE_RENDER_MS:.0f} ms"
                )
        ceiling = QUERY_CEILING.get(target.kind)
        if ceiling is not None and row.queries > ceiling:
            row.missed.append(f"queries {row.queries} > {ceiling}")
        if ceiling is not None and row.built_queries is not None and row.built_queries > ceiling:
            row.missed.append(f"queries when built {row.built_queries} > {ceiling}")
        if row.not_ok or row.socket_errors:
            row.missed.append(
                f"errors under load: {row.not_ok} responses other than 200, "
                f"{row.socket_errors} socket errors"
            )
        if target.kind == "reference" and not row.missed:
            row.verdict = "reference"
        else:
            row.verdict = "MISSED: " + "; ".join(row.missed) if row.missed else "ok" + note
        rows.append(row)
    return rows


def growth_rows(rows: list[Row], grown: list[Row]) -> list[GrowthRow]:
    """Each page's p50 and query count at bench scale against the grown data."""
    by_key = {r.key: r for r in grown}
    result = []
    for row in rows:
        if row.kind == "reference":
            continue
        other = by_key.get(row.key)
        if other is None:
            result.append(
                GrowthRow(row.key, row.p50_ms, 0.0, 0.0, row.queries, 0, ["not measured grown"])
            )
            continue
        ratio = round(other.p50_ms / row.p50_ms, 2) if row.p50_ms else 0.0
        growth = GrowthRow(row.key, row.p50_ms, other.p50_ms, ratio, row.queries, other.queries)
        if ratio > MAX_GROWTH_P50:
            growth.missed.append(f"p50 grew {ratio:.2f}x > {MAX_GROWTH_P50:g}x")
        if other.queries != row.queries:
            growth.missed.append(f"queries {row.queries} became {other.queries}")
        result.append(growth)
    return result


def missed_bars(rows: list[Row], growth: list[GrowthRow] | None = None) -> list[str]:
    """Every missed bar as one line, ``page: what``; empty when the run passed."""
    lines = [f"{r.key}: {m}" for r in rows for m in r.missed]
    lines += [f"{g.key} (growth): {m}" for g in growth or () for m in g.missed]
    return lines


def page_table(rows: list[Row]) -> str:
    width = max([40, *(len(r.path) for r in rows)])
    header = (
        f"{'page':<12} {'path':<{width}} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'xL req/s':>9} {'xL p95':>7} {'queries':>7} {'built ms':>9} {'built q':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        built_ms = "" if r.render_ms is None else f"{r.render_ms:.1f}"
        built_q = "" if r.built_queries is None else str(r.built_queries)
        lines.append(
            f"{r.key:<12} {r.path:<{width}} {r.rps:>8.1f} {r.p50_ms:>8.2f} {r.p95_ms:>8.2f} "
            f"{r.rps_vs_l:>9.2f} {r.p95_vs_l:>7.2f} {r.queries:>7} {built_ms:>9} {built_q:>7}  "
            f"{r.verdict}"
        )
    return "\n".join(lines)


def growth_table(growth: list[GrowthRow], factor: int) -> str:
    header = (
        f"{'page':<12} {'p50 ms 1x':>10} {f'p50 ms {factor}x':>11} {'ratio':>6} "
        f"{'queries':>8} {f'at {factor}x':>7}  verdict"
    )
    lines = [header, "-" * len(header)]
    for g in growth:
        verdict = "MISSED: " + "; ".join(g.missed) if g.missed else "ok"
        lines.append(
            f"{g.key:<12} {g.p50_ms:>10.2f} {g.p50_grown_ms:>11.2f} {g.ratio:>6.2f} "
            f"{g.queries:>8} {g.queries_grown:>7}  {verdict}"
        )
    return "\n".join(lines)


def bars_line(rows: list[Row]) -> str:
    h_over_l = rows[0].rps / rows[1].rps if rows[1].rps else 0
    return (
        f"Bars (QUALITY.md): member pages >= {MIN_THROUGHPUT_VS_L} L req/s and p95 <= "
        f"{MAX_P95_VS_L:g}x L p95; vote cast (POST, PostgreSQL) >= "
        f"{MIN_CAST_THROUGHPUT_VS_L} L req/s; no errors under load; queries <= "
        f"{QUERY_CEILING['public']} (public Wagtail page, its only bar), <= "
        f"{QUERY_CEILING['member']} (member page), <= {QUERY_CEILING['cast']} (vote cast), <= "
        f"{QUERY_CEILING['compliance']} and rendered in-process in < "
        f"{MAX_COMPLIANCE_RENDER_MS:.0f} ms (compliance overview, besides the member page "
        f"bars); at ten "
        f"times the data p50 <= {MAX_GROWTH_P50:g}x and the same queries. H/L = {h_over_l:.1f}."
    )
