"""Each demo role's dashboard and the pages it links to first, photographed at desktop and
phone width, and checked for what a photograph shows: nothing runs out of its card and nothing
scrolls sideways (issue: "omklaphuurovereenkomst" ran out of its dashboard card).

The pictures go to ``screenshots/`` (or ``$COOP_SCREENSHOTS``), named
``<role>-<page>-<width>.png``, so a reviewer compares a change before and after by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from coop.demo.logins import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS
from tests.conftest import browser_login
from tests.coop.test_browser_accessibility import DEMO_DAY, SKIP, ensure_wagtail_root
from tests.members.test_accounts import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (1280, 390)
# The dashboard and the first pages it links to: what each role sees most.
KEY_PAGES = 4
# Elements whose content is wider than the element itself, inside a card or a table cell
# that does not scroll on purpose (.table-wrap regions do).
OVERFLOWING = """() => {
  const found = [];
  const selector = 'main .card, main .card *, main h1, main h2, main p';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.table-wrap') || el.closest('pre') || el.closest('code')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
        && el.clientWidth > 0) {
      found.push(el.tagName.toLowerCase() + '.' + el.className + ': ' +
                 (el.textContent || '').trim().slice(0, 40));
    }
  }
  return found;
}"""


# Words of six letters or more that the layout split over two lines ("omkla-phuur-overe-
# enkomst" in a narrow column): text squeezed until it breaks inside words.
BROKEN_WORDS = """() => {
  const broken = [];
  const main = document.querySelector('main');
  if (!main) return broken;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.table-wrap, pre, code, .visually-hidden, details:not([open])'))
      continue;
    const words = /[^\\s\u2013\u2014\\-\\/@.:]{6,}/g;
    let match;
    while ((match = words.exec(node.textContent))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(
        [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def folder() -> Path:
    path = Path(os.environ.get("COOP_SCREENSHOTS") or Path(settings.BASE_DIR) / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def first_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href^='/portal/']", "links => links.map(a => a.getAttribute('href'))"
    )
    seen: list[str] = []
    for href in hrefs:
        href = href.split("#")[0]
        if href and href != "/portal/" and not SKIP.search(href) and href not in seen:
            seen.append(href)
    return seen[:KEY_PAGES]


@pytest.fixture
def demo_site(live_page):
    with time_machine.travel(DEMO_DAY, tick=True):
        ensure_wagtail_root()
        call_command("seed_demo", "--quiet")
        yield live_page


def test_every_roles_dashboard_and_key_pages_are_photographed_and_fit(demo_site):
    page = demo_site
    out = folder()
    taken: list[Path] = []
    problems: list[str] = []
    for role, login in LOGINS.items():
        page.context.clear_cookies()
        browser_login(
            page,
            login.email,
            DEMO_PASSWORD,
            (lambda: code_for(DEMO_TOTP_SECRET)) if login.second_factor else None,
        )
        page.goto(page.base_url + "/portal/")
        paths = ["/portal/", *first_links(page)]
        for path in paths:
            response = page.goto(page.base_url + path)
            if response is None or response.status != 200:
                problems.append(f"{role} {path}: {response.status if response else 'nothing'}")
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for element in page.evaluate(OVERFLOWING):
                    problems.append(f"{role} {path} @{width}px runs out: {element}")
                for word in page.evaluate(BROKEN_WORDS):
                    problems.append(f"{role} {path} @{width}px breaks a word: {word}")
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    problems.append(f"{role} {path} @{width}px is {wide}px wide")
                target = out / f"{role}-{slug(path)}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                taken.append(target)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    assert not problems, "\n".join(problems)
    assert len(taken) >= 2 * len(LOGINS) * 2  # at least the dashboard and one page per role
    assert all(path.stat().st_size > 1000 for path in taken)
