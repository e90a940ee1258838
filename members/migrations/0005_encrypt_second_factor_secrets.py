"""Encrypt the second-factor secrets stored before MFA_KEY existed (TOTP keys, recovery-code
seeds); values already encrypted are left alone, so running it again changes nothing."""

from django.db import migrations

from members.adapters import MFA_CIPHER_PREFIX, decrypt_mfa_secret, encrypt_mfa_secret

# The secret each kind of authenticator keeps in its ``data``; WebAuthn keeps only public keys.
SECRET_FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def _convert(apps, convert, *, encrypted: bool) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS).iterator():
        field = SECRET_FIELDS[authenticator.type]
        value = authenticator.data.get(field)
        if not isinstance(value, str) or value.startswith(MFA_CIPHER_PREFIX) == encrypted:
            continue
        authenticator.data[field] = convert(value)
        authenticator.save(update_fields=["data"])


def forward(apps, schema_editor):
    _convert(apps, encrypt_mfa_secret, encrypted=True)


def backward(apps, schema_editor):
    _convert(apps, decrypt_mfa_secret, encrypted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_omklap_daily_schedules"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forward, backward)]
