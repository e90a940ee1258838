"""Production refuses to start without the keys and the HTTPS address it needs."""

from __future__ import annotations

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

import coop.settings

PRODUCTION = {
    "COOP_ENV": "production",
    "SECRET_KEY": "production-secret-key-for-the-settings-test-only-5b1e9c",
    "ALLOWED_HOSTS": "coop.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "BALLOT_KEY": "production-ballot-key-for-the-settings-test-only-7d2a",
    "MFA_KEY": "production-mfa-key-for-the-settings-test-only-9c4f1",
    "BASE_URL": "https://coop.example.org",
}


def load_settings(monkeypatch, **env: str | None) -> dict:
    """The settings module run afresh with this environment (Django's own settings untouched)."""
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    for name, value in {**PRODUCTION, **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_path(coop.settings.__file__)


def test_production_starts_with_every_variable_set(monkeypatch):
    settings = load_settings(monkeypatch)

    assert settings["COOP_MFA_KEY"] == PRODUCTION["MFA_KEY"]
    assert settings["WAGTAILADMIN_BASE_URL"] == "https://coop.example.org"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MFA_KEY": None}, "MFA_KEY"),
        ({"MFA_KEY": "too-short"}, "MFA_KEY must be at least 32"),
        ({"MFA_KEY": PRODUCTION["BALLOT_KEY"]}, "MFA_KEY must differ from BALLOT_KEY"),
        ({"BASE_URL": None}, "BASE_URL"),
        ({"BASE_URL": "http://coop.example.org"}, "BASE_URL must start with https://"),
        ({"BASE_URL": "coop.example.org"}, "BASE_URL must start with https://"),
    ],
)
def test_production_refuses_to_start_without_a_safe_value(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)


def test_development_has_working_defaults(monkeypatch):
    settings = load_settings(
        monkeypatch, COOP_ENV="development", MFA_KEY=None, BASE_URL=None, SECRET_KEY=None
    )

    assert len(settings["COOP_MFA_KEY"]) >= 32
    assert settings["COOP_MFA_KEY"] != settings["COOP_BALLOT_KEY"]
    assert settings["WAGTAILADMIN_BASE_URL"].startswith("http://")
