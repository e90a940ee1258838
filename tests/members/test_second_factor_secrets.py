"""Second-factor secrets are encrypted at rest with MFA_KEY, kept outside the database."""

from __future__ import annotations

import importlib
import json

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from coop.crypto import DecryptionError
from members.adapters import MFA_CIPHER_PREFIX, decrypt_mfa_secret
from tests.conftest import PASSWORD, make_user

encrypt_migration = importlib.import_module("members.migrations.0005_encrypt_second_factor_secrets")


@pytest.fixture
def frozen_clock():
    with time_machine.travel(timezone.now(), tick=False):
        yield


def code_for(secret: str) -> str:
    """What an authenticator app holding the plain secret shows right now."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def stored_data(authenticator: Authenticator) -> str:
    """The row's data column as the database holds it (what a dump shows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE id = %s",  # the table of allauth's model
            [authenticator.pk],
        )
        (value,) = cursor.fetchone()
    return value if isinstance(value, str) else json.dumps(value)


def log_in_with_code(client, email: str, code: str) -> None:
    client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})


def test_the_database_holds_no_plain_totp_secret(db):
    user = make_user("geheim@example.org")
    secret = generate_totp_secret()

    authenticator = TOTP.activate(user, secret).instance

    raw = stored_data(authenticator)
    assert secret not in raw
    assert MFA_CIPHER_PREFIX in raw
    assert decrypt_mfa_secret(authenticator.data["secret"]) == secret


def test_two_accounts_with_the_same_secret_store_different_ciphertexts(db):
    secret = generate_totp_secret()
    first = TOTP.activate(make_user("een@example.org"), secret).instance
    second = TOTP.activate(make_user("twee@example.org"), secret).instance

    assert first.data["secret"] != second.data["secret"]


def test_a_code_from_the_plain_secret_logs_in(client, db, frozen_clock):
    user = make_user("geheim@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    log_in_with_code(client, user.email, code_for(secret))

    assert client.session.get(SESSION_KEY) == str(user.pk)


def test_with_another_mfa_key_the_stored_secret_opens_no_account(
    client, db, settings, frozen_clock
):
    user = make_user("geheim@example.org")
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    settings.COOP_MFA_KEY = "another-key-that-is-long-enough-for-the-check-0001"

    with pytest.raises(DecryptionError):
        decrypt_mfa_secret(authenticator.data["secret"])


def test_the_recovery_code_seed_is_encrypted_and_its_codes_still_work(db):
    user = make_user("geheim@example.org")
    codes = RecoveryCodes.activate(user)
    seed = decrypt_mfa_secret(codes.instance.data["seed"])

    assert seed not in stored_data(codes.instance)
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_the_migration_encrypts_secrets_stored_in_plain_text_once(client, db, frozen_clock):
    user = make_user("oud@example.org")
    secret = generate_totp_secret()
    plain = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )

    encrypt_migration.forward(apps, None)
    plain.refresh_from_db()
    encrypted = plain.data["secret"]
    encrypt_migration.forward(apps, None)
    plain.refresh_from_db()

    assert plain.data["secret"] == encrypted  # already encrypted: left alone
    assert secret not in stored_data(plain)
    log_in_with_code(client, user.email, code_for(secret))
    assert client.session.get(SESSION_KEY) == str(user.pk)
