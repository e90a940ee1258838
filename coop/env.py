"""Typed readers for configuration from the environment; a bad value stops start-up."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_url(name: str, schemes: tuple[str, ...]) -> str:
    """An address with one of ``schemes`` (``redis://host:6379/0``), or "" when not set."""
    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    # A socket (unix:///run/redis.sock) has a path and no host.
    if parts.scheme not in schemes or not (parts.path if parts.scheme == "unix" else parts.netloc):
        raise ImproperlyConfigured(
            f"{name} must look like {schemes[0]}://host:port/number, not {value!r}."
        )
    return value


SQLITE_OPTIONS = {
    # IMMEDIATE transactions and WAL keep the task worker and the web server from
    # failing each other with "database is locked".
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def _database_option(name: str, value: str) -> object:
    """A PostgreSQL option from the address's query: the two the platform sets typed, the rest
    (``sslmode=require``, ``application_name=...``) handed to the driver as written."""
    if name == "server_side_binding":
        return value.lower() in ("1", "true", "yes", "on")
    if name == "prepare_threshold":
        return int(value) if value else None
    return value


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into a DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        if raw_path.startswith("//") or raw_path.startswith("/"):  # sqlite:////abs/path
            raw_path = raw_path[1:]
        if not raw_path:
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file name.")
        path = Path(raw_path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if path.is_absolute() else base_dir / path,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name.")
        options: dict[str, object] = {
            # Queries are sent with their parameters apart and, from their second use on a
            # connection (kept for CONN_MAX_AGE), run as statements PostgreSQL has already
            # planned: planning a page's joins costs more than running them. Behind a pooler in
            # transaction mode, pass ?prepare_threshold= (empty) to switch preparing off.
            "server_side_binding": True,
            "prepare_threshold": 2,
        }
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            options[name] = _database_option(name, value)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {scheme or url!r}."
    )
