"""Project-level views: admin log-in routing and the benchmark's reference views."""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from coop.models import Unit


def admin_login(request):
    """Every admin log-in goes through the one log-in that enforces the second factor."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = {"/admin/login/": "/admin/", "/django-admin/login/": "/django-admin/"}.get(
            request.path, "/"
        )
    return redirect_to_login(next_url)


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
