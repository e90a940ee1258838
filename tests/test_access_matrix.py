"""Every URL of the project has a row saying what each role of the cast gets (QUALITY 4).

The rows live beside each app's tests in ``tests/<app>/access_rows.py``; see tests/access.py.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import tests
from tests.access import NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, everyone, refused
from tests.conftest import ROLES


def _app_row_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.access_rows")
            except ModuleNotFoundError as error:
                if error.name != f"tests.{info.name}.access_rows":
                    raise


def _collect(attribute: str) -> dict:
    collected: dict = {}
    for module in _app_row_modules():
        rows = getattr(module, attribute, {})
        clash = set(rows) & set(collected)
        assert not clash, f"{module.__name__} repeats rows {clash}"
        collected.update(rows)
    return collected


ROWS: dict[str, Row] = _collect("ROWS")
OBJECT_ROWS: dict[str, Row] = _collect("OBJECT_ROWS")
WRONG_METHOD = _collect("WRONG_METHOD")

# Whole URL trees of third-party apps, covered by one sample URL each.
PREFIX_ROWS: dict[str, Row] = {
    "accounts/": Row(
        lambda c: reverse("account_login"),
        everyone(REDIRECT, anonymous=OK),
        reason="allauth's own pages (log-in, sign-up, e-mail, second factor), tested in "
        "tests/members/test_accounts.py; logged-in users are sent on from the log-in page.",
    ),
    "admin/": Row(
        lambda c: "/admin/",
        everyone(REDIRECT),
        reason="Wagtail admin, for trusted staff only: nobody in the cast has admin access, so "
        "everyone is sent to log in.",
    ),
    "django-admin/": Row(
        lambda c: "/django-admin/",
        everyone(REDIRECT),
        reason="Django admin for platform administrators; nobody in the cast is staff.",
    ),
    "documents/": Row(
        lambda c: "/documents/999/missing.pdf",
        everyone(NOT_FOUND),
        reason="Wagtail documents are served by id; a missing one is 404 for everyone.",
    ),
    "": Row(
        lambda c: "/",
        everyone(OK),
        reason="Wagtail serves the public pages; the home page is public.",
    ),
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            for name, sub in _walk(pattern.url_patterns, route):
                yield (f"{namespace}:{name}" if namespace and name else name), sub
        elif isinstance(pattern, URLPattern):
            yield pattern.name, route


def _row_for(name: str | None, route: str) -> str | None:
    if name in ROWS:
        return name
    for prefix in sorted(PREFIX_ROWS, key=len, reverse=True):
        if prefix and route.startswith(prefix):
            return prefix
    return "" if _served_by_wagtail(route) else None


def _served_by_wagtail(route: str) -> bool:
    """Wagtail's page serving and page-privacy helpers, mounted at the root."""
    return route.startswith(("^((?:", "_util/"))


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = [
        (name, route)
        for name, route in _walk(get_resolver().url_patterns)
        if _row_for(name, route) is None
    ]
    assert missing == [], f"URLs without a row in the access matrix: {missing}"


ALL_ROWS = {**ROWS, **OBJECT_ROWS, **{f"prefix {k!r}": v for k, v in PREFIX_ROWS.items()}}


@pytest.mark.parametrize("row_name", sorted(ALL_ROWS))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(row_name, role, cast, client_for):
    row = ALL_ROWS[row_name]
    url = row.url(cast)
    client = client_for(role)
    response = getattr(client, row.method)(url, row.extra)
    expected = row.roles[role]
    assert response.status_code == expected, (
        f"{role} on {row_name} ({url}): {response.status_code}, expected {expected}"
    )
    if role == "anonymous" and ":" in row_name and expected == REDIRECT:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(WRONG_METHOD))
def test_views_refuse_the_wrong_method(name, cast, client_for):
    wrong = WRONG_METHOD[name]
    response = getattr(client_for(wrong.role), wrong.method)(wrong.url(cast))
    assert response.status_code == NOT_ALLOWED


def test_every_portal_view_has_a_wrong_method_test():
    names = {name for name in ROWS if ":" in name}
    assert names <= set(WRONG_METHOD), f"no wrong-method test: {names - set(WRONG_METHOD)}"


# -- a POST is refused like a GET -----------------------------------------------------------

_HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _methods(view) -> set[str]:
    """The methods ``require_http_methods`` (or ``require_GET``/``require_POST``) lets through
    to ``view``; every method when it has none of them."""
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            value = cell.cell_contents
            if (
                isinstance(value, list | tuple | set | frozenset)
                and value
                and all(isinstance(m, str) and m in _HTTP_METHODS for m in value)
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return set(_HTTP_METHODS)


def _views_by_name() -> dict[str, object]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, pattern.callback

    return dict(walk(get_resolver().url_patterns))


_VIEWS = _views_by_name()

# Portal pages that show a form on GET and act on POST: each role the GET refuses tries a POST.
# The rows for other objects are tried too (their URL names are only known once the cast
# exists; a GET-only view among them must answer the POST with 405).
GET_AND_POST_ROWS = {
    name: row
    for name, row in ROWS.items()
    if row.method == "get" and name in _VIEWS and {"GET", "POST"} <= _methods(_VIEWS[name])
}
POST_TRIES = {
    **GET_AND_POST_ROWS,
    **{name: row for name, row in OBJECT_ROWS.items() if row.method == "get"},
}
# A POST a permitted role could act on: confirmed, and with the most common action.
_POST = {"confirmed": "yes", "action": "confirm"}


def _row_counts() -> dict[str, int]:
    """How many rows each of the project's own tables holds, audit log included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {"coop", "members", "vacancies", "activities"}
    }


def test_the_get_and_post_views_are_tried_with_a_post():
    # The portal's form pages: the refused POSTs below cover each of them.
    assert {
        "portal:association_members",
        "portal:decision_sign",
        "vacancies:vacancy_withdraw",
        "vacancies:nomination_detail",
        "activities:activity_cancel",
        "activities:occurrence_move",
    } <= set(GET_AND_POST_ROWS)
    assert all(refused(row) for row in POST_TRIES.values())


@pytest.mark.parametrize("row_name", sorted(POST_TRIES))
def test_a_refused_role_s_post_is_refused_like_its_get_and_changes_nothing(
    row_name, cast, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    row = POST_TRIES[row_name]
    url = row.url(cast)
    takes_post = "POST" in _methods(resolve(url).func)
    before = _row_counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for role in refused(row):
            response = client_for(role).post(url, _POST)
            expected = row.roles[role] if takes_post else NOT_ALLOWED
            assert response.status_code == expected, (
                f"{role} POSTs to {row_name} ({url}): {response.status_code}, expected {expected}"
            )
            if role == "anonymous" and takes_post:
                assert response["Location"].startswith("/accounts/login/")
    assert _row_counts() == before
    assert callbacks == []
    assert mailoutbox == []
