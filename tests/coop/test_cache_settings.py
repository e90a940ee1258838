"""The cache: the database by default, Redis (with the task queue) when REDIS_URL is set."""

from __future__ import annotations

import runpy

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import coop.settings
from members import services
from members.models import Role
from tests.conftest import REDIS_TEST_URL, skip_or_fail_without
from tests.helpers import count_queries

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def _settings(monkeypatch, redis_url: str | None) -> dict:
    monkeypatch.delenv("COOP_ENV", raising=False)
    if redis_url is None:
        monkeypatch.delenv("REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("REDIS_URL", redis_url)
    return runpy.run_path(coop.settings.__file__)


def test_without_redis_the_cache_and_the_queue_live_in_the_database(monkeypatch):
    settings = _settings(monkeypatch, None)
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["Q_CLUSTER"]["orm"] == "default"
    assert "redis" not in settings["Q_CLUSTER"]
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://cache.example.org:6380/1", "unix:///run/r.sock"]
)
def test_redis_url_moves_the_cache_and_the_queue_to_redis(monkeypatch, url):
    settings = _settings(monkeypatch, url)
    assert settings["CACHES"]["default"] == {"BACKEND": REDIS_CACHE, "LOCATION": url}
    assert settings["Q_CLUSTER"]["redis"] == url
    assert "orm" not in settings["Q_CLUSTER"]
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("url", ["127.0.0.1:6379", "http://127.0.0.1:6379/0", "redis://"])
def test_a_malformed_redis_url_stops_start_up_naming_the_variable(monkeypatch, url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        _settings(monkeypatch, url)


REDIS_CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS_TEST_URL}}


@pytest.fixture
def on_redis():
    """The project's cache on the Redis at 127.0.0.1:6379 (its database 15), emptied after."""
    skip_or_fail_without("redis")

    def switch():
        settings = override_settings(CACHES=REDIS_CACHES)
        settings.enable()
        switched.append(settings)
        cache.clear()

    switched: list = []
    yield switch
    for settings in switched:
        cache.clear()
        settings.disable()


def _dashboard_queries(user) -> list[str]:
    client = Client()
    client.force_login(user)
    dashboard = reverse("portal:dashboard")
    client.get(dashboard)
    _n, sql, response = count_queries(lambda: client.get(dashboard))
    assert response.status_code == 200
    return sql


def test_on_redis_the_session_and_the_viewer_cost_no_query(cast, on_redis):
    on_database = _dashboard_queries(cast.drager)
    on_redis()
    sql = _dashboard_queries(cast.drager)
    assert len(sql) == len(on_database) - 2
    assert not [q for q in sql if "django_session" in q or "coop_cache" in q]


def test_on_redis_a_role_granted_counts_on_the_next_request(cast, on_redis):
    on_redis()
    client = Client()
    client.force_login(cast.drager)
    dashboard = reverse("portal:dashboard")
    assert client.get(dashboard).context["roles"] == []
    services.role_assign(
        actor=cast.board,
        member=cast.drager_member,
        role=Role.COORDINATOR,
        starts_on=timezone.localdate(),
    )
    assert client.get(dashboard).context["roles"] == [Role.COORDINATOR.label]
