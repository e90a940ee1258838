"""Every page a demo role reaches passes axe-core at desktop and phone width, does not scroll
sideways at 320 px and breaks no rule of its Content-Security-Policy (QUALITY.md, usability and
deployment 7).

The demo data comes from ``seed_demo``, the pages from a crawl: each role starts at its
dashboard and follows the portal links its pages offer, breadth first and bounded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from coop.demo.logins import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS
from coop.models import HomePage
from tests.conftest import browser_login
from tests.members.test_accounts import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The demo data is built relative to "today"; a fixed day keeps the pages the same every run.
DEMO_DAY = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
WIDTHS = (1280, 390)
NARROWEST = 320
# Every rule axe-core runs by default (WCAG 2.x A and AA, best practices); violations only.
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"
# Pages per role: the crawl goes breadth first from the dashboard, so the pages a role meets
# first are the ones checked.
MAX_PAGES = 40
# Pages of one URL shape (ids and query values left out) checked per role: the calendar's
# next month or a second contract add time but no template.
PER_SHAPE = 1
# Links that end the session, download a file (exports, templates, a person's own data) or
# leave the product's own pages.
SKIP = re.compile(
    r"^/(accounts/logout/|admin/|django-admin/|documents/|ical/|i18n/)|\.(ics|csv|xlsx|pdf)$"
    r"|/export/?$|/download/?$|[?&]format=(csv|xlsx)\b"
)
PUBLIC_START = ("/", "/accounts/login/", "/accounts/password/reset/")
# The portal, and the second-factor page the menu offers every role.
MEMBER_START = ("/portal/", "/accounts/2fa/")


@dataclass
class Findings:
    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.violations + self.overflow + self.refused + self.errors

    def summary(self) -> str:
        return (
            f"{len(self.pages)} pages; {len(self.violations)} axe violations; "
            f"{len(self.overflow)} pages wider than {NARROWEST}px; "
            f"{len(self.refused)} CSP refusals; {len(self.errors)} broken links"
        )


def shape(path: str) -> str:
    """``/portal/contracts/12/?page=2`` and ``/portal/contracts/13/`` have one shape."""
    parts = urlsplit(path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"/\d+(?=/|$)", "/N", parts.path) + ("?" + "&".join(keys) if keys else "")


def same_origin_links(page, prefixes: tuple[str, ...]) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        url, _fragment = urldefrag(href)
        if not url.startswith(page.base_url):
            continue
        path = url[len(page.base_url) :] or "/"
        if path.startswith(prefixes) and not SKIP.search(path):
            found.append(path)
    return found


def audit(page, label: str, findings: Findings) -> None:
    """axe-core at each width, then the sideways scroll at the narrowest."""
    findings.pages.append(label)
    # Injected through the DevTools protocol, which the page's own CSP does not govern.
    page.evaluate(AXE_SCRIPT)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for violation in page.evaluate(AXE_RUN)["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            findings.violations.append(
                f"{label} @{width}px: {violation['id']} ({len(violation['nodes'])}x) {targets}"
            )
    page.set_viewport_size({"width": NARROWEST, "height": 900})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > NARROWEST:
        findings.overflow.append(f"{label}: {scroll_width}px wide at {NARROWEST}px")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def visit(page, path: str, role: str, findings: Findings, *, status: int = 200) -> bool:
    response = page.goto(page.base_url + path)
    if response is None or response.status != status:
        findings.errors.append(f"{role} {path}: {response.status if response else 'nothing'}")
        return False
    if "text/html" not in response.headers.get("content-type", ""):
        return False
    policy = response.headers.get("content-security-policy", "")
    if "default-src 'self'" not in policy or "unsafe-inline" in policy:
        findings.refused.append(f"{role} {path}: no strict policy ({policy!r})")
    audit(page, f"{role} {path}", findings)
    return True


def crawl(page, role: str, start: tuple[str, ...], prefixes, findings: Findings) -> None:
    queue = deque(start)
    seen = set(start)
    shapes: dict[str, int] = {}
    checked = 0
    while queue and checked < MAX_PAGES:
        path = queue.popleft()
        key = shape(path)
        if shapes.get(key, 0) >= PER_SHAPE:
            continue
        shapes[key] = shapes.get(key, 0) + 1
        if not visit(page, path, role, findings):
            continue
        checked += 1
        for link in same_origin_links(page, prefixes):
            if link not in seen:
                seen.add(link)
                queue.append(link)


def log_in(page, role: str, findings: Findings) -> None:
    """Log in as a person would; the second-factor step and the landing page (with its
    flash message) are checked on the way, as they cannot be reached by a link."""
    login = LOGINS[role]

    def second_factor() -> str:
        audit(page, f"{role} /accounts/2fa/authenticate/", findings)
        return code_for(DEMO_TOTP_SECRET)

    page.context.clear_cookies()
    browser_login(page, login.email, DEMO_PASSWORD, second_factor if login.second_factor else None)
    # A message after logging in.
    expect(page.locator("[role=status] li").first).to_be_attached()
    audit(page, f"{role} {page.url[len(page.base_url) :]} (just logged in)", findings)


def ensure_wagtail_root() -> None:
    """The Wagtail tree's root and locale come from migrations. A committing test that ran
    earlier in the session may have flushed them without the serialized rollback bringing
    them back (STACK.md pitfall 8): then they are made again, as the migrations make them."""
    if Page.objects.exists():
        return
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    page_type = ContentType.objects.get_for_model(Page)
    Page.add_root(instance=Page(title="Root", slug="root", content_type=page_type))


@pytest.fixture
def demo_site(live_page):
    with time_machine.travel(DEMO_DAY, tick=True):
        ensure_wagtail_root()
        call_command("seed_demo", "--quiet")
        yield live_page


def test_every_page_a_demo_role_reaches_passes_axe_reflows_and_keeps_the_policy(demo_site):
    page = demo_site
    findings = Findings()

    def refused(message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            findings.refused.append(f"{page.url}: {message.text}")

    page.on("console", refused)

    crawl(page, "anonymous", PUBLIC_START, ("/",), findings)
    visit(page, "/bestaat-niet/", "anonymous", findings, status=404)
    for role in LOGINS:
        log_in(page, role, findings)
        crawl(page, role, MEMBER_START, ("/portal/",), findings)

    # Wagtail's admin runs under its own, relaxed policy and must work within it.
    home = HomePage.objects.get()
    for path in ("/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/"):
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path

    print(findings.summary())
    assert len(findings.pages) > 100
    assert not findings.problems(), findings.summary() + "\n" + "\n".join(findings.problems())
