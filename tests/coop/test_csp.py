"""A strict Content-Security-Policy on every page; Wagtail's admin alone gets a relaxed one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.users.utils import get_gravatar_url

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert directives[name][0] == "'self'"
        # Only the request's nonce may be added: no 'unsafe-inline', no other host.
        assert all(value.startswith("'nonce-") for value in directives[name][1:])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "role, path",
    [
        ("anonymous", "/"),
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/bestaat-niet/"),
        ("anonymous", "/admin/login/"),
        ("drager", "/portal/"),
        ("coordinator", "/portal/calendar/"),
        ("care_worker", "/portal/"),
        ("corporation_staff", "/portal/"),
        ("board", "/accounts/2fa/"),
    ],
)
def test_every_page_carries_the_strict_policy(client_for, role, path):
    response = client_for(role).get(path)
    assert response.status_code in (200, 302, 404)
    assert_strict(response)


def test_the_wagtail_admin_alone_runs_under_the_relaxed_policy(client_for):
    response = client_for("anonymous").get("/admin/")
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    # The log-in it sends people to is the product's own, under the strict policy.
    login = client_for("anonymous").get(response["Location"])
    assert_strict(login)


def test_the_admin_sends_no_staff_address_to_gravatar():
    assert get_gravatar_url("bestuur@example.org") is None


# Rendered by WeasyPrint into the compliance PDF, never served: no policy governs them, and
# WeasyPrint styles an inline SVG only from a style block inside it.
PDF_ONLY = {"compliance/export_pdf.html"}
PDF_ONLY_BLOCK = re.compile(r"{% if svg_style %}<style>{{ svg_style }}</style>{% endif %}")


def test_no_template_has_inline_script_or_style_without_the_nonce():
    """Inline code would be refused by the policy; data blocks (JSON) are not code."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if str(template.relative_to(TEMPLATES)) in PDF_ONLY:
            continue
        text = PDF_ONLY_BLOCK.sub("", template.read_text())
        for match in re.finditer(r"<(script|style)\b([^>]*)>", text):
            attributes = match.group(2)
            if "src=" in attributes or "nonce" in attributes or "application/json" in attributes:
                continue
            offenders.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
        for match in re.finditer(r"\s(style|on[a-z]+)=\"", text):
            offenders.append(f"{template.relative_to(TEMPLATES)}: {match.group(0).strip()}")
    assert offenders == []


def test_the_hours_meter_needs_no_inline_style(cast, client_for):
    response = client_for("drager").get(reverse("activities:my_hours"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<meter" in text and 'style="' not in text
