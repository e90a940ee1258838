"""Every user-facing string has a Dutch translation (Dutch is the default language)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

from tests.conftest import skip_or_fail_without

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("coop", "members", "vacancies", "activities", "templates", "locale", "manage.py")


def test_every_source_string_has_a_dutch_translation(tmp_path):
    skip_or_fail_without("gettext")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coop.settings", "PYTHONPATH": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    po = tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ")]
    # The header entry (msgid "") is never reported by --untranslated.
    assert missing == [], "Strings without a Dutch translation:\n" + untranslated
    assert "msgid" not in fuzzy, "Fuzzy (unchecked) translations:\n" + fuzzy


def test_the_compiled_dutch_catalogue_is_used():
    with translation.override("nl"):
        assert translation.gettext("Skip to content") != "Skip to content"
