"""Settings for the platform; every deployment-specific value comes from the environment.

COOP_ENV=development (default) gives a working SQLite set-up with mail on the console.
COOP_ENV=production demands a secret key, allowed hosts and an SMTP server, and turns on
the HTTPS hardening that ``manage.py check --deploy`` expects.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from coop.env import (
    SQLITE_OPTIONS,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

COOP_ENV = env_choice("COOP_ENV", "development", ("development", "production"))
PRODUCTION = COOP_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG must be off when COOP_ENV=production.")

SECRET_KEY = env_str(
    "SECRET_KEY",
    None if PRODUCTION else "development-only-key-never-use-in-production-3f9a1c7e5b2d",
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "coop",
    "members",
    "vacancies",
    "activities",
    # The corporation's compliance pages (the top floor: reads every app).
    "coop.site.compliance.apps.ComplianceConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_q",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's user screens without password, e-mail or superuser fields (coop/wagtail_users.py).
    "coop.admin_site.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # The Django admin without django-q2's screens or second-factor secrets (coop/admin_site.py).
    "coop.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "coop.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "coop.middleware.AccountPagesNoStoreMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An idle staff session ends before anything else is decided about it.
    "members.middleware.StaffIdleTimeoutMiddleware",
    "members.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A Wagtail page for an anonymous visitor: the site and home page kept under the generation.
    "coop.middleware.PublicSiteMiddleware",
]

ROOT_URLCONF = "coop.site.urls"
WSGI_APPLICATION = "coop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "members.context_processors.menu",
            ],
        },
    },
]

# Forms render with an error summary at the top and grouped fields (coop/forms.py).
FORM_RENDERER = "coop.forms.FormRenderer"

# Database: SQLite unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    # Wagtail's search backend needs it on PostgreSQL (postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "coop.User"

# The cache is shared by all processes: login rate limits, the task cluster's monitoring,
# sessions and each session's viewer (members/viewer_cache.py). The database cache needs no
# set-up; REDIS_URL (production, several app servers) moves the cache, and with it sessions
# and the task queue, to Redis and takes those reads off the database.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coop_cache",
            # One entry per open session (its session and its viewer): room for many.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Sessions are read from the cache and written to both: the database keeps them over a
# cache flush or a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# Accounts: e-mail login, invitation-only sign-up, mandatory verification.
ACCOUNT_ADAPTER = "members.adapters.InvitationAccountAdapter"
ACCOUNT_FORMS = {"signup": "members.adapters.InvitationSignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Samen wonen")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Second-factor secrets are encrypted at rest with MFA_KEY (members/adapters.py), a key that is
# neither in the database nor the ballot key: a dump alone gives nobody's second factor.
MFA_ADAPTER = "members.adapters.EncryptingMFAAdapter"

# Invitations sent by the board stay valid this many days.
COOP_INVITATION_DAYS = env_int("INVITATION_DAYS", 14, minimum=1)
# Staff who may see care or governance data are logged out after this idle time.
COOP_STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_SECONDS", 30 * 60, minimum=60)
# Ballot choices are encrypted, and ballots sealed, with a key that is never stored in the
# database (QUALITY 3). Keep it apart from database backups; changing it makes the ballots of
# rounds not yet closed unreadable.
COOP_BALLOT_KEY = env_str(
    "BALLOT_KEY", None if PRODUCTION else "development-ballot-key-never-use-in-production-8c1d"
)
if len(COOP_BALLOT_KEY) < 32:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("BALLOT_KEY must be at least 32 characters long.")
# Encrypts second-factor secrets (TOTP keys, recovery-code seeds); never stored in the database.
# Changing it makes every stored second factor unreadable and locks their owners out: keep it as
# safe and as stable as BALLOT_KEY.
COOP_MFA_KEY = env_str(
    "MFA_KEY", None if PRODUCTION else "development-mfa-key-never-use-in-production-51e7b0"
)
if len(COOP_MFA_KEY) < 32:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MFA_KEY must be at least 32 characters long.")
if COOP_MFA_KEY == COOP_BALLOT_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MFA_KEY must differ from BALLOT_KEY.")
# Contact data and motivations of candidates not chosen are erased this long after the
# vacancy closes.
COOP_CANDIDATE_RETENTION_DAYS = env_int("CANDIDATE_RETENTION_DAYS", 183, minimum=1)
# Applications accepted from one address per hour on the public vacancy pages.
COOP_APPLICATIONS_PER_HOUR = env_int("APPLICATIONS_PER_HOUR", 5, minimum=1)
# Care notes and assessments of an omklap contract are erased this many years after it closes.
COOP_CARE_DATA_RETENTION_YEARS = env_int("CARE_DATA_RETENTION_YEARS", 2, minimum=1)
# A former member's account is closed this many days after their last membership ended.
MEMBER_ACCOUNT_DAYS_AFTER_LEAVING = env_int("MEMBER_ACCOUNT_DAYS_AFTER_LEAVING", 30, minimum=0)
# The bare reference views used by ``make bench``; never on in production.
COOP_BENCH_VIEWS = env_bool("COOP_BENCH_VIEWS", False) and not PRODUCTION

# Internationalisation: Dutch first, English available.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# In development WhiteNoise serves straight from the static folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Mail: an SMTP server when EMAIL_HOST is set (required in production), else the console.
_SMTP_HOST = env_str("EMAIL_HOST", "")
if PRODUCTION and not _SMTP_HOST:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set EMAIL_HOST: production needs an SMTP server for mail.")
if _SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samen wonen <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django-q2 on the ORM broker (see README for Redis beyond one machine).
Q_CLUSTER = {
    "name": "coop",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 1, minimum=1),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 500,
    "ack_failures": True,
    "poll": 1,
    "cache": "default",
}
if REDIS_URL:
    # The same Redis is the queue's broker: workers on any machine take tasks from it.
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = REDIS_URL

# Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Samen wonen")
# Links in e-mails carry invitation and password-reset tokens: in production only over HTTPS.
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", None if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not WAGTAILADMIN_BASE_URL.startswith("https://"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"BASE_URL must start with https:// in production, not {WAGTAILADMIN_BASE_URL!r}."
    )
# Wagtail's admin sends a visitor it refuses to the routing view, not straight to the log-in:
# a logged-in member without admin access would bounce between log-in and admin for ever.
WAGTAILADMIN_LOGIN_URL = "wagtail_login_redirect"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Passwords and e-mail addresses change only through allauth's pages (rate limited, verified,
# with the second factor), never through Wagtail's own forms or by an administrator.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx", "txt"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Spreadsheet imports (units, residents): the largest file and the most rows one upload may hold.
# Every row is checked within the request: 1,000 residents took about 30 s on a loaded two-core
# machine (units: about 13 s), so one file holds at most 300 rows (about 9 s there).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 500, minimum=1)
# A compliance export that has not moved for this long (no worker picked it up, or it died)
# shows as failed, with the button to try again; a worker that still finishes it wins.
COMPLIANCE_EXPORT_STALE_MINUTES = env_int("COMPLIANCE_EXPORT_STALE_MINUTES", 15, minimum=1)

# Sessions and cookies
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts, styles, images and fonts from this site only; no inline script or style unless it
# carries the request's nonce (``{{ csp_nonce }}``), no plugins, no framing, forms post here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Wagtail's admin (``/admin/`` only, coop/site/urls.py) runs inline scripts (its date pickers), its
# rich-text editor adds style elements, it shows data: images and frames its own page preview.
COOP_ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],
}
# No avatars from gravatar.com: the admin would send a hash of every staff address there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
