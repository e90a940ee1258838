"""Account rules that hold on every page: second factor for staff roles, idle timeout."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.access import viewer_for

# Pages a user who still has to set up a second factor may reach: the account pages
# (set-up, log-out, e-mail verification), the language switch and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/invitation/")


def _is_open(path: str) -> bool:
    return path.startswith(_OPEN_PREFIXES)


class SecondFactorRequiredMiddleware:
    """Board, care and corporation users see nothing until they have set up a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not _is_open(request.path_info):
            viewer = viewer_for(request)
            if viewer.needs_second_factor and not viewer.has_second_factor:
                messages.warning(
                    request,
                    _("Your role gives access to sensitive data. Set up a second factor first."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Log out users with staff roles after a short idle time."""

    SESSION_KEY = "coop_last_seen"
    # Write the session at most once a minute, not on every request.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path_info.startswith("/static/"):
            viewer = viewer_for(request)
            if viewer.needs_second_factor:
                now = int(time.time())
                last_seen = request.session.get(self.SESSION_KEY)
                if last_seen is not None and now - last_seen > settings.COOP_STAFF_IDLE_SECONDS:
                    logout(request)
                    messages.info(request, _("You were logged out after a period of inactivity."))
                    return redirect_to_login(request.get_full_path())
                if last_seen is None or now - last_seen >= self.TOUCH_EVERY:
                    request.session[self.SESSION_KEY] = now
        return self.get_response(request)
