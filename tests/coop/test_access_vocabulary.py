"""Views and templates ask the access objects (``may_*`` flags) instead of reading roles, so a
rule lives in one place: the app's ``access.py``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Names of the old vocabulary: context flags that recomputed roles in each view.
OLD_FLAG = re.compile(
    r"\{%[^%]*\b(can_[a-z_]+|is_board|is_selection|is_corporation|is_coordinator|decides)\b"
)
# Role checks in a view instead of in an access module.
ROLE_CHECK = re.compile(r"has_role\(|in viewer\.roles|\.may_manage_own_association\b")


def _views() -> list[Path]:
    apps = ("members", "vacancies", "activities", "coop/site")
    return sorted(p for app in apps for p in (ROOT / app).rglob("views*.py"))


def test_templates_use_the_access_objects_flags():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in OLD_FLAG.finditer(path.read_text())
    ]
    assert found == []


def test_views_leave_role_checks_to_the_access_modules():
    views = _views()
    assert len(views) >= 4
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in views
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ROLE_CHECK.search(line)
    ]
    assert found == []


def test_the_check_finds_the_old_vocabulary():
    assert OLD_FLAG.search("{% if can_manage %}")
    assert OLD_FLAG.search("{% if is_board or is_selection %}")
    assert not OLD_FLAG.search("{% if access.may_manage %}")
    assert ROLE_CHECK.search("coordinator = viewer.has_role(Role.COORDINATOR)")
    assert not ROLE_CHECK.search("may_plan = CalendarAccess(viewer).may_coordinate")
