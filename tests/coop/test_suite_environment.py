"""The suite on a newcomer's machine: missing system tools skip loudly, or fail under CI."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import conftest


def test_a_missing_chromium_skips_the_browser_tests_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("COOP_REQUIRE_ALL_TESTS", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        conftest.skip_or_fail_without("chromium")


def test_a_missing_chromium_fails_when_every_test_is_required(monkeypatch):
    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("COOP_REQUIRE_ALL_TESTS", "1")

    with pytest.raises(pytest.fail.Exception, match="forbids skipping"):
        conftest.skip_or_fail_without("chromium")


def test_missing_gettext_skips_the_translation_test(monkeypatch):
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.delenv("COOP_REQUIRE_ALL_TESTS", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install gettext"):
        conftest.skip_or_fail_without("gettext")


@pytest.mark.parametrize(
    ("text", "shift"),
    [
        ("+400d", dt.timedelta(days=400)),
        ("-90d", dt.timedelta(days=-90)),
        ("+3y", dt.timedelta(days=3 * 365)),
        ("+36h", dt.timedelta(hours=36)),
    ],
)
def test_the_clock_shift_reads_signed_amounts(text, shift):
    assert conftest._clock_shift(text) == shift


@pytest.mark.parametrize("text", ["400d", "+400", "+4x", "+d"])
def test_a_malformed_clock_shift_is_refused(text):
    with pytest.raises(pytest.UsageError, match="COOP_TEST_CLOCK_SHIFT"):
        conftest._clock_shift(text)
