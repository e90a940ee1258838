"""Settings for the test suite: fast hashing, captured mail, tasks run in-process."""

from coop.settings import *  # noqa: F403
from coop.settings import Q_CLUSTER, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEFAULT_FROM_EMAIL = "Samen wonen <noreply@example.org>"
WAGTAILADMIN_BASE_URL = "http://testserver"
