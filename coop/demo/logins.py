"""The demo accounts: one login per role, a published password and one second-factor secret."""

from __future__ import annotations

from dataclasses import dataclass

# Every demo account lives under this domain; ``demo_code`` refuses any other address.
DEMO_DOMAIN = "demo.example.org"
DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 (a published demo password)
# One fixed TOTP secret (base32) for every demo account with a second factor, so a developer can
# add it once to an authenticator app; ``manage.py demo_code <email>`` prints the current code.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105 (published on purpose)
SITE_URL = "http://127.0.0.1:8000"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith("@" + DEMO_DOMAIN)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    first_name: str
    last_name: str
    second_factor: bool = False
    # A Wagtail editor: admin access and the public pages, no user management, no superuser
    # (superusers only come from ``manage.py createsuperuser``).
    editor: bool = False


LOGINS: dict[str, DemoLogin] = {
    "vrager": DemoLogin("member (vrager)", demo_email("vrager"), "Sanne", "Bakker"),
    "drager": DemoLogin("member (drager)", demo_email("drager"), "Thijs", "de Vries"),
    "board": DemoLogin("board", demo_email("bestuur"), "Marieke", "Jansen", second_factor=True),
    "selection": DemoLogin(
        "selection committee",
        demo_email("selectie"),
        "Youssef",
        "El Amrani",
        second_factor=True,
    ),
    "coordinator": DemoLogin("coordinator", demo_email("coordinator"), "Fenna", "Mulder"),
    "care_worker": DemoLogin(
        "care worker", demo_email("zorg"), "Zoë", "Verbeek", second_factor=True
    ),
    "corporation_staff": DemoLogin(
        "corporation staff", demo_email("corporatie"), "Kees", "Wouters", second_factor=True
    ),
    "admin": DemoLogin(
        "content editor",
        demo_email("beheer"),
        "Bea",
        "Beheer",
        second_factor=True,
        editor=True,
    ),
}
