"""Settings, all from the environment, with safe defaults for the one-command start.

Environment variables (documented in README.md):
  DATABASE_URL          sqlite:///var/moot.sqlite3 (default) or
                        postgres://user:pass@host:5432/name
  SECRET_KEY            generated into $MOOT_KEYS_DIR/secret_key on first run when unset
  MOOT_VAR_DIR          where the SQLite file, secret key and collected static files live (./var)
  MOOT_KEYS_DIR         the audit signing key and the poll keys, kept apart from the database
                        ($XDG_CONFIG_HOME/moot/keys, else ~/.config/moot/keys; mode 0700)
  MOOT_DEBUG            1 to turn debug on (never in production)
  MOOT_ALLOWED_HOSTS    comma-separated host names (127.0.0.1,localhost)
  MOOT_HTTPS            1 (default): Secure cookies and HSTS; `make run` sets 0 for loopback
  MOOT_EMAIL_BACKEND    console (default), smtp, locmem or a dotted backend path
  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
  MOOT_TASKS            db (default: background worker) or immediate (run tasks inline)
  MOOT_MAX_BODY_BYTES   largest JSON or form body (1 MiB); larger answers 413
  MOOT_MAX_UPLOAD_BYTES largest file upload, the whole multipart body (100 MiB + 64 KiB)
  MOOT_TRUSTED_PROXIES  comma-separated addresses or networks of the reverse proxies whose
                        X-Forwarded-For is believed (none by default); see accounts.throttle
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1 or 0")


VAR_DIR = Path(os.environ.get("MOOT_VAR_DIR") or Path.cwd() / "var").resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def keys_dir_from_env() -> Path:
    """Where the secrets that must not travel with the database live (the audit signing key, the
    poll keys): MOOT_KEYS_DIR, else $XDG_CONFIG_HOME/moot/keys, else ~/.config/moot/keys — never
    inside MOOT_VAR_DIR by default, so that one copy of var/ (a backup, a stolen disk image) holds
    neither the ballot keys nor the key that signs the audit trail's checkpoints."""
    configured = os.environ.get("MOOT_KEYS_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    config = os.environ.get("XDG_CONFIG_HOME")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return (base / "moot" / "keys").resolve()


# Created 0700 by the first key written there (`moot audit ensure-key`, run by `make run`).
MOOT_KEYS_DIR = keys_dir_from_env()


def read_secret_key() -> str:
    """SECRET_KEY, else the key generated into the keys directory on first run. It signs
    sessions, password-reset links and device cookies, so it lives with the other keys and
    never beside the database: with a copy of var/ holding it, anyone could mint a reset link
    for any account on the live server (second hostile review). A key an earlier moot left in
    var/ is moved there (same key: sessions and links stay valid)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = MOOT_KEYS_DIR / "secret_key"
    old = VAR_DIR / "secret_key"
    if not path.exists():
        MOOT_KEYS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        value = old.read_text().strip() if old.exists() else secrets.token_urlsafe(50)
        try:  # created once, 0600, even when several workers start together
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(value)
    if old.exists() and path.read_text().strip() == old.read_text().strip():
        old.unlink()
    return path.read_text().strip()


def database_from_url(url: str) -> dict[str, object]:
    """Turn DATABASE_URL into Django's DATABASES entry (sqlite:/// or postgres://)."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:] if parts.path.startswith("//") else parts.path.lstrip("/"))
        if parts.path.startswith("//"):
            name = "/" + name.lstrip("/")
        elif not Path(name).is_absolute():
            name = str(Path.cwd() / name)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": options.get("test_name", "")},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported; "
        "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:port/name"
    )


SECRET_KEY = read_secret_key()
DEBUG = env_flag("MOOT_DEBUG", default=False)
HTTPS = env_flag("MOOT_HTTPS", default=True)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("MOOT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MOOT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "moot.site",
    "moot.limits",
    "moot.audit",
    "moot.accounts",
    "moot.members",
    "moot.units",
    "moot.meetings",
    "moot.motions",
    "moot.polls",
    "moot.elections",
    "moot.policies",
    "moot.cases",
    "moot.ballots",
    "moot.verifiable",
    "moot.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside every later middleware, so it marks their answers too (docs/security.md §3).
    "moot.site.middleware.NoStoreMiddleware",
    # The request (and so its user) for the limits on member-number look-ups (moot.limits).
    "moot.site.middleware.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before any view or process_view (CSRF) reads the body; renders with the user and htmx set.
    "moot.site.middleware.RequestSizeLimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# Request bodies (docs/security.md §7): a JSON or form body up to 1 MiB, a file upload up to
# 100 MiB (the members import's own limit) and a margin for the form's other fields. Django's
# own limit on form data agrees, so a chunked body with no declared length stops there too.
MOOT_MAX_BODY_BYTES = int(os.environ.get("MOOT_MAX_BODY_BYTES", str(1024 * 1024)))
MOOT_MAX_UPLOAD_BYTES = int(
    os.environ.get("MOOT_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024 + 64 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = MOOT_MAX_BODY_BYTES

ROOT_URLCONF = "moot.site.urls"
WSGI_APPLICATION = "moot.site.wsgi.application"
ASGI_APPLICATION = "moot.site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # First, so moot's sign-in and two-factor templates override allauth's (an app listed
        # after allauth in INSTALLED_APPS could not).
        "DIRS": [Path(__file__).resolve().parents[1] / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "moot.site.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'moot.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail and password, sign-up by invitation only (see accounts.adapter).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "moot.accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "moot"
# Passkeys (WebAuthn) are opt-in: browsers refuse an IP address such as 127.0.0.1 as the
# relying-party id, so they cannot work on the loopback demo; serve on https://<name> (or
# http://localhost) and set MOOT_PASSKEYS=1. allauth ships its WebAuthn scripts as static files.
if env_flag("MOOT_PASSKEYS", default=False):
    MFA_SUPPORTED_TYPES = [*MFA_SUPPORTED_TYPES, "webauthn"]
    MFA_PASSKEY_LOGIN_ENABLED = True
    MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
# Password sign-in is limited by moot.accounts.throttle, not by allauth: counters in the
# database (shared by every worker and server), 5 failures per (client address, account) in 5
# minutes, slowed rather than shut for a noisy address, so nobody behind a shared address is
# locked out by someone else's guesses. allauth's own "login" (30/m per address, correct
# passwords too) and "login_failed" limits are off; its other limits (password reset, e-mail
# confirmation) stay, per process in the local-memory cache, with the client address taken
# through MOOT_TRUSTED_PROXIES (accounts.adapter.get_client_ip).
ACCOUNT_RATE_LIMITS = {"login": False, "login_failed": False}
MOOT_TRUSTED_PROXIES = tuple(
    part.strip() for part in os.environ.get("MOOT_TRUSTED_PROXIES", "").split(",") if part.strip()
)
for _proxy in MOOT_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"MOOT_TRUSTED_PROXIES: {_proxy!r} is not an address or network; give e.g. "
            "127.0.0.1,10.0.0.0/24"
        ) from None
ACCOUNT_PREVENT_ENUMERATION = True
# A member may add an address to their account; it becomes primary only once confirmed from
# the mail sent to it, and an address of another account is refused (accounts.forms).
ACCOUNT_FORMS = {"add_email": "moot.accounts.forms.AddEmailForm"}
# The public address of the site, for links in e-mails sent by background tasks (invitations);
# the inviting page's own address is used when it is known.
MOOT_SITE_URL = os.environ.get("MOOT_SITE_URL", "")

# Security headers and cookies. Cookies are Secure unless MOOT_HTTPS=0 (loopback demo only).
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("MOOT_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_flag("MOOT_SSL_REDIRECT", default=False)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

_email_backends = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = _email_backends.get(
    os.environ.get("MOOT_EMAIL_BACKEND", "console"), os.environ.get("MOOT_EMAIL_BACKEND", "")
)
# An e-mail service through django-anymail: MOOT_EMAIL_BACKEND=anymail:<esp> (postmark, mailgun,
# amazon_ses, sendgrid, brevo, …) and MOOT_ANYMAIL holding its settings as JSON, e.g.
# {"POSTMARK_SERVER_TOKEN": "…", "WEBHOOK_SECRET": "user:long-random-password"}. The service's
# bounce webhook (/anymail/<esp>/tracking/) is mounted only when WEBHOOK_SECRET is set.
if EMAIL_BACKEND.startswith("anymail:"):
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_BACKEND.partition(':')[2]}.EmailBackend"
try:
    ANYMAIL = json.loads(os.environ.get("MOOT_ANYMAIL", "") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"MOOT_ANYMAIL is not JSON ({exc}): give an object") from None
if not isinstance(ANYMAIL, dict):
    raise ImproperlyConfigured("MOOT_ANYMAIL must be a JSON object of anymail settings")
# Ballot notices may come from their own address (e.g. ballots@ on a subdomain with its own
# SPF, DKIM and DMARC: docs/ballots.md, "Deliverability").
MOOT_BALLOT_FROM_EMAIL = os.environ.get("MOOT_BALLOT_FROM_EMAIL", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "moot <noreply@moot.invalid>")

TASKS = {
    "default": (
        {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "mail"],
        }
        if os.environ.get("MOOT_TASKS") == "immediate"
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}
    )
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
# moot speaks British English only: a browser asking for en-US (Chromium's default) still gets
# the organisation's one date format, not "Dec. 7, 2026" (LocaleMiddleware picks among these).
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = os.environ.get("MOOT_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# One way of writing dates everywhere (UK style, in TIME_ZONE): the named formats below, from
# moot/site/formats/en_GB/formats.py for en-gb (the same values here for code run without a
# language); templates use the names, Python moot.dates.
FORMAT_MODULE_PATH = ["moot.site.formats"]
DATE_FORMAT = "l j F Y"  # Monday 7 December 2026
DATETIME_FORMAT = "l j F Y, H:i"  # Monday 7 December 2026, 19:00
SHORT_DATE_FORMAT = "j M Y"  # 7 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 7 Dec 2026, 19:00
TIME_FORMAT = "H:i"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A 403 is logged as one line (who, method, path) without the refusal's traceback.
    "filters": {
        "forbidden_one_line": {"()": "moot.site.log_filters.ForbiddenOneLine"},
        # A ballot credential in a /vote/c/<credential>/ path never reaches a log.
        "redact_credentials": {"()": "moot.site.log_filters.RedactBallotCredentials"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOOT_LOG_LEVEL", "WARNING")},
    "loggers": {
        "moot": {"level": os.environ.get("MOOT_LOG_LEVEL", "INFO")},
        "django.request": {"filters": ["forbidden_one_line", "redact_credentials"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_credentials"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# The organisation's rulebook editions: the preset is used until an edition is adopted.
MOOT_RULEBOOK_PRESET = os.environ.get("MOOT_RULEBOOK_PRESET", "party")
