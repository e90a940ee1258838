"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch: Callable[[], object]) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as context:
        result = fetch()
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries], result


def assert_flat_query_count(
    fetch: Callable[[], object],
    grow_to: Callable[[int], None],
    *,
    queries: int | dict[str, int],
    small: int = 10,
    large: int = 500,
) -> int:
    """The page needs exactly ``queries`` queries, with ``small`` and with ``large`` rows.

    ``grow_to(n)`` makes sure there are ``n`` rows of the kind the page lists; ``fetch``
    loads the page and must answer 200. The count is exact, not a maximum, so a page cannot
    drift from 5 to 8 queries unnoticed; ``queries`` is a dict by database vendor where
    SQLite and PostgreSQL differ.
    """
    grow_to(small)
    fetch()  # warm-up: content types, site root and similar per-process caches
    n_small, sql_small, response = count_queries(fetch)
    assert response.status_code == 200
    grow_to(large)
    fetch()  # growing may have changed a standing: the session's viewer is loaded again
    n_large, sql_large, response = count_queries(fetch)
    assert response.status_code == 200
    assert n_small == n_large, (
        f"{n_small} queries with {small} rows but {n_large} with {large}:\n" + "\n".join(sql_large)
    )
    expected = expected_queries(queries)
    assert n_small == expected, f"{n_small} queries, expected {expected}:\n" + "\n".join(sql_small)
    return n_small


def expected_queries(queries: int | dict[str, int]) -> int:
    """The exact count for the database under test (``{"sqlite": 6, "postgresql": 7}``)."""
    return queries if isinstance(queries, int) else queries[connection.vendor]


def roles_granted(cast, helper: Callable[..., object], *args, **kwargs) -> set[str]:
    """The cast's roles for whom a fetch-and-authorise helper answers (rather than 404)."""
    from django.http import Http404

    from members.access import load_viewer
    from tests.conftest import ROLES

    granted = set()
    for role in ROLES:
        try:
            helper(load_viewer(cast.user(role)), *args, **kwargs)
        except Http404:
            continue
        granted.add(role)
    return granted
