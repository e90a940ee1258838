"""Top-floor views: the dashboard that reads every app, admin log-in routing and the
benchmark's reference views."""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from activities import selectors as activity_selectors
from activities.access import CalendarAccess
from coop.http import portal_view
from coop.models import Unit
from coop.site.tasks_for_you import tasks_for
from members import selectors as member_selectors
from members.access import AssociationAccess, viewer_for
from members.models import Role
from vacancies.selectors import rounds_for_member


@require_GET
@portal_view
def dashboard(request):
    """The member's overview: one card per app, each filled from that app's selectors."""
    viewer = viewer_for(request)
    member = viewer.member
    now = timezone.now()
    # The cards are a part kept under the data generation (templates/site/dashboard.html): what
    # fills them is computed only when the part is built.
    context = {
        "viewer": viewer,
        "member": member,
        "association": member.association if member else None,
        "home": SimpleLazyObject(lambda: member_selectors.current_home(member)) if member else None,
        "roles": [Role(r).label for r in sorted(viewer.roles)],
        "organisations": sorted(viewer.organisations.values(), key=lambda o: o.name),
        "rounds": SimpleLazyObject(lambda: list(rounds_for_member(member))) if member else [],
        "access": AssociationAccess(viewer, member.association) if member else None,
        "now": now,
        "tasks": SimpleLazyObject(lambda: tasks_for(viewer, now=now)),
    }
    if member:
        context["activities"] = SimpleLazyObject(
            lambda: activity_selectors.dashboard_summary(member)
        )
        context["calendar"] = CalendarAccess(viewer)
    elif not context["organisations"]:
        # Someone with neither a home nor an organisation here, such as a content editor.
        context["may_edit_site"] = request.user.has_perm("wagtailadmin.access_admin")
    return render(request, "site/dashboard.html", context)


ADMIN_HOMES = {"/admin/login/": "/admin/", "/django-admin/login/": "/django-admin/"}


def admin_login(request):
    """Every admin log-in goes through the one log-in that enforces the second factor."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ADMIN_HOMES.get(request.path, "/")
    if request.user.is_authenticated and request.path in ADMIN_HOMES:
        # Logged in and still sent here: the account has no admin access. The log-in would send
        # it straight back to the admin, which sends it here (the browser's redirect loop).
        if _may_enter_admin(request.user, request.path):
            return redirect(next_url)
        return render(request, "site/admin_refused.html", status=403)
    return redirect_to_login(next_url)


def _may_enter_admin(user, login_path: str) -> bool:
    """Whether the admin behind this log-in path lets the user in (Django's or Wagtail's)."""
    if login_path == "/django-admin/login/":
        return user.is_active and user.is_staff
    return user.has_perm("wagtailadmin.access_admin")


def admin_password_reset(request, rest: str = ""):
    """Wagtail's password reset is not rate limited: every step of it goes to allauth's."""
    return redirect("account_reset_password")


def bench_hello(request):
    """Reference H: a bare view returning a short text."""
    return HttpResponse("ok", content_type="text/plain")


def bench_rows(request):
    """Reference L: a bare view rendering 50 ORM rows in a template."""
    units = Unit.objects.order_by("pk")[:50]
    return render(request, "bench/rows.html", {"units": units})
