"""Django settings for Ulinzi.

Everything that differs between a laptop and a production server comes from the
environment: ``DATABASE_URL`` (default: SQLite under ``ULINZI_DATA_DIR``),
``ULINZI_SECRET_KEY``, ``ULINZI_DEBUG``, ``ULINZI_ALLOWED_HOSTS``, ``ULINZI_KEYS_FILE``.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ULINZI_DATA_DIR", Path.cwd() / "var")).resolve()
# Private to its owner (0700): it holds the database, keys, uploads and exports.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if DATA_DIR.stat().st_mode & 0o077 and DATA_DIR.stat().st_uid == os.getuid():
    DATA_DIR.chmod(0o700)


def _secret_key() -> str:
    """Read the secret key from the environment, or keep a generated one in the data dir."""
    if key := os.environ.get("ULINZI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ULINZI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ULINZI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ulinzi.accounts",
    "ulinzi.audit",
    "ulinzi.vocab",
    "ulinzi.geo",
    "ulinzi.incidents",
    "ulinzi.alerts",
    "ulinzi.alerts.deconfliction",
    "ulinzi.directory",
    "ulinzi.cases",
    "ulinzi.intake",
    "ulinzi.intake.anonymous",
    "ulinzi.intake.selfreport",
    "ulinzi.web",
    "ulinzi.analysis",
    "ulinzi.analysis.linkage",
    "ulinzi.reports",
    "ulinzi.worker",
]

MIDDLEWARE = [
    "ulinzi.intake.anonymous.middleware.ForgetClientMiddleware",
    "ulinzi.common.slowhash.BusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ulinzi.web.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ulinzi.common.input_guard.InputGuardMiddleware",
]

ROOT_URLCONF = "ulinzi.urls"
WSGI_APPLICATION = "ulinzi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ulinzi.web.context.navigation",
                "ulinzi.web.headers.csp_nonce",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'ulinzi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with the database files 0600 (ulinzi/common/sqlite).
    DATABASES["default"]["ENGINE"] = "ulinzi.common.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # One test database per test process, so concurrent runs never share one.
    DATABASES["default"]["TEST"] = {"NAME": f"test_ulinzi_{os.getpid()}"}
    # Keep each request thread's connection (a new PostgreSQL connection per request
    # costs a server process start); checked before reuse, closed after errors.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ULINZI_DB_CONN_MAX_AGE") or 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ulinzi.accounts.lockout.LockoutBackend"]  # 5 failures: 15 min
OTP_TOTP_ISSUER = "Ulinzi"
PASSWORD_HASHERS = ["ulinzi.accounts.hashers.BoundedArgon2PasswordHasher"]
# Argon2 hashes (passwords, receipts) at once per process, requests waiting for one at
# most, and for how long (common/slowhash.py). 0 slots: half the CPUs; 0 queue: = slots.
ULINZI_ARGON2_SLOTS = int(os.environ.get("ULINZI_ARGON2_SLOTS") or 0)
ULINZI_ARGON2_QUEUE = int(os.environ.get("ULINZI_ARGON2_QUEUE") or 0)
ULINZI_ARGON2_WAIT = float(os.environ.get("ULINZI_ARGON2_WAIT") or 2)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# A large upload goes to an encrypted file, never a plaintext temporary one.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "ulinzi.common.uploads.EncryptedUploadHandler",
]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma
# separated; common/clients.py). Empty: the connection's peer is the client.
ULINZI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("ULINZI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in ULINZI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"ULINZI_TRUSTED_PROXIES: {_proxy!r} is not an IP address or CIDR network"
        ) from None

# The shared cache (anonymous rate limits; Redis): ULINZI_CACHE_URL=redis://host:6379/0.
# Without it each process counts in its own memory.
if _cache_url := os.environ.get("ULINZI_CACHE_URL", ""):
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"ULINZI_CACHE_URL={_cache_url!r}: expected redis://, rediss:// or unix://"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": os.environ.get("ULINZI_CACHE_PREFIX", "ulinzi"),
            # A stalled Redis must not hold request threads.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def _anonymous_limits(text: str) -> dict[str, tuple[int, int]]:
    """``"submit_client=20/3600,receipt_fair=10/600"`` → ``{name: (count, seconds)}``."""
    limits = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _eq, value = item.partition("=")
        count, _slash, seconds = value.partition("/")
        if not (count.strip().isdigit() and seconds.strip().isdigit() and int(seconds) > 0):
            raise ImproperlyConfigured(
                f"ULINZI_ANONYMOUS_LIMITS: {item!r} is not NAME=COUNT/SECONDS"
            )
        limits[name.strip()] = (int(count), int(seconds))
    return limits


# Anonymous intake limits that differ from intake/anonymous/ratelimit.py's defaults.
ULINZI_ANONYMOUS_LIMITS = _anonymous_limits(os.environ.get("ULINZI_ANONYMOUS_LIMITS", ""))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ULINZI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# What the worker's periodic task runs, in order (each returns counts of what it did):
# alert escalations, deconfliction reminders and stale sends; overdue referrals and
# complaint stages.
ULINZI_PERIODIC_CHECKS = ["ulinzi.alerts.tick.tick", "ulinzi.cases.tick.tick"]

# Email: SMTP unless ULINZI_EMAIL_BACKEND names another Django backend; the demo writes
# each message to a file under ULINZI_EMAIL_FILE_PATH (default $ULINZI_DATA_DIR/mail).
EMAIL_BACKEND = os.environ.get(
    "ULINZI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = Path(os.environ.get("ULINZI_EMAIL_FILE_PATH", DATA_DIR / "mail"))

# Request sizes (ulinzi.common.input_guard answers 413 past them): bodies and form
# fields 2.5 MB; a file upload to the imports page, the whole request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ULINZI_UPLOAD_MAX_BYTES = int(os.environ.get("ULINZI_UPLOAD_MAX_BYTES", 256 * 1024 * 1024))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG and os.environ.get("ULINZI_HTTPS", "0") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# Optional online map tiles for the dashboard (offline country shapes are always there).
ULINZI_TILE_URL = os.environ.get("ULINZI_TILE_URL", "")
ULINZI_TILE_ATTRIBUTION = os.environ.get("ULINZI_TILE_ATTRIBUTION", "")

# Envelope keys for sensitive fields live outside the database.
ULINZI_KEYS_FILE = Path(os.environ.get("ULINZI_KEYS_FILE", DATA_DIR / "keys.json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "quiet_busy": {"()": "ulinzi.common.slowhash.QuietBusy"},
        "once_a_minute": {"()": "ulinzi.common.log.OncePerMinute"},
    },
    "handlers": {"console": {"class": "ulinzi.common.log.StderrHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ULINZI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["quiet_busy"]},
        "waitress.queue": {"filters": ["once_a_minute"]},  # one line per queued request
    },
}
