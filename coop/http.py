"""Ground-floor helpers every app's views share: the portal decorator and form errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.cache import never_cache

from coop.exceptions import DomainError


def portal_view(view):
    """Logged-in pages about people: never cached by a browser or proxy."""
    return login_required(never_cache(view))


def form_error(form, error: DomainError) -> None:
    """Show a refused service call on the form, on its field when the form has that field."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
