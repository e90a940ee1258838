"""Ground-floor web helpers every app shares: the portal decorator, form errors, full addresses."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.utils.functional import SimpleLazyObject, new_method_proxy
from django.views.decorators.cache import never_cache

from coop.exceptions import DomainError


def portal_view(view):
    """Logged-in pages about people: never cached by a browser or proxy."""
    return login_required(never_cache(view))


def form_error(form, error: DomainError) -> None:
    """Show a refused service call on the form, on its field when the form has that field.

    A form whose fields are named apart from the service's arguments maps them in
    ``service_fields`` (the activity's ``ends_at`` is the form's ``end_time``).
    """
    field = getattr(form, "service_fields", {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def absolute_url(path: str) -> str:
    """The full address of a site path, on the configured site address (BASE_URL).

    E-mails and calendar feeds leave the request behind, and a request's own host can be an
    internal name behind the proxy: every full address starts from the one setting.
    """
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def deferred(build: Callable[[], dict[str, Any]], *names: str) -> dict[str, Any]:
    """Context values that are computed when a template first reads one of them, all by one call
    of ``build``: a page part served from the cache (``{% part %}``) never computes them."""
    once = cache(build)

    def item(name: str) -> Deferred:
        return Deferred(lambda: once()[name])

    return {name: item(name) for name in names}


class Deferred(SimpleLazyObject):
    """A lazy value that also formats and counts as what it wraps (numbers in templates)."""

    __format__ = new_method_proxy(format)
    __int__ = new_method_proxy(int)
    __float__ = new_method_proxy(float)
    __round__ = new_method_proxy(round)
    __add__ = new_method_proxy(operator.add)
    __sub__ = new_method_proxy(operator.sub)
    __mul__ = new_method_proxy(operator.mul)
    __truediv__ = new_method_proxy(operator.truediv)
