"""Print the current TOTP code of a demo account: ``manage.py demo_code <email>``."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coop.demo.logins import DEMO_DOMAIN, is_demo_email


class Command(BaseCommand):
    help = (
        f"Print the current 6-digit second-factor code of a demo account (@{DEMO_DOMAIN}). "
        "Refuses any other account, and refuses to run with COOP_ENV=production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        if settings.COOP_ENV == "production":
            raise CommandError("demo_code does not run in production.")
        email = email.strip().lower()
        if not is_demo_email(email):
            raise CommandError(f"Only demo accounts (@{DEMO_DOMAIN}) have a code to print.")
        authenticator = (
            Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP)
            .order_by("pk")
            .first()
        )
        if authenticator is None:
            raise CommandError(
                f"{email} has no TOTP authenticator: it logs in with the password alone "
                "(or the demo data is missing: run `manage.py seed_demo`)."
            )
        secret = decrypt(authenticator.data["secret"])
        period = mfa_settings.TOTP_PERIOD
        now = time.time()
        code = format_hotp_value(hotp_value(secret, int(now) // period))
        self.stdout.write(code)
        if options["verbosity"] > 1:
            left = period - int(now) % period
            # allauth accepts each code once: after a log-in, wait for the next one.
            self.stderr.write(f"valid for another {left} s (each code works once)")
