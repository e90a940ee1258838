"""What every page's menu needs to know about the logged-in user."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from members.access import viewer_for


def menu(request) -> dict:
    """The viewer, loaded only when a template asks (the portal has it loaded already)."""
    if not hasattr(request, "user") or not request.user.is_authenticated:
        return {}
    return {"menu_viewer": SimpleLazyObject(lambda: viewer_for(request))}
