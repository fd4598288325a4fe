"""Django settings for Ulinzi.

Everything that differs between a laptop and a production server comes from the
environment, read here and nowhere else (through :mod:`ulinzi.common.env`, which stops
the process with a message naming a variable it cannot read). docs/configuration.md
lists every variable with its default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ulinzi.common import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.text("ULINZI_DATA_DIR", str(Path.cwd() / "var"))).resolve()
# Private to its owner (0700): it holds the database, keys, uploads and exports.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if DATA_DIR.stat().st_mode & 0o077 and DATA_DIR.stat().st_uid == os.getuid():
    DATA_DIR.chmod(0o700)


def _secret_key() -> str:
    """Read the secret key from the environment, or keep a generated one in the data dir."""
    if key := env.text("ULINZI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ULINZI_SECRET_KEY_FROM_ENV = bool(env.text("ULINZI_SECRET_KEY"))
DEBUG = env.flag("ULINZI_DEBUG")
ALLOWED_HOSTS = env.items("ULINZI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The address people reach the web app at, for links in emails and for CSRF checks.
ULINZI_SITE_URL = env.text("ULINZI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not ULINZI_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"ULINZI_SITE_URL={ULINZI_SITE_URL!r}: expected http(s)://host")

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
    "ulinzi.common.clients.ProxyHeadersMiddleware",
    "ulinzi.ops.metrics.RequestMetricsMiddleware",
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
DATABASES = {"default": dj_database_url.parse(env.text("DATABASE_URL", _default_db))}
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
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("ULINZI_DB_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ulinzi.accounts.lockout.LockoutBackend"]
# Sign-in lockout (accounts/lockout.py): after FAILURES failed sign-ins of a username
# from one client within MINUTES, that pair is locked for MINUTES; past SLOWDOWN_AFTER
# failures from all clients each attempt waits, at most MAX_DELAY seconds.
ULINZI_LOCKOUT_FAILURES = env.integer("ULINZI_LOCKOUT_FAILURES", 5, minimum=1)
ULINZI_LOCKOUT_MINUTES = env.integer("ULINZI_LOCKOUT_MINUTES", 15, minimum=1)
ULINZI_LOCKOUT_SLOWDOWN_AFTER = env.integer(
    "ULINZI_LOCKOUT_SLOWDOWN_AFTER", 2 * ULINZI_LOCKOUT_FAILURES, minimum=1
)
ULINZI_LOCKOUT_MAX_DELAY = env.integer("ULINZI_LOCKOUT_MAX_DELAY", 60, minimum=0)
OTP_TOTP_ISSUER = "Ulinzi"
PASSWORD_HASHERS = ["ulinzi.accounts.hashers.BoundedArgon2PasswordHasher"]
# Argon2 hashes (passwords, receipts) at once per process, requests waiting for one at
# most, and for how long (common/slowhash.py). 0 slots: half the CPUs; 0 queue: = slots.
ULINZI_ARGON2_SLOTS = env.integer("ULINZI_ARGON2_SLOTS", 0, minimum=0)
ULINZI_ARGON2_QUEUE = env.integer("ULINZI_ARGON2_QUEUE", 0, minimum=0)
ULINZI_ARGON2_WAIT = env.number("ULINZI_ARGON2_WAIT", 2, minimum=0)
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
ULINZI_TRUSTED_PROXIES = env.networks("ULINZI_TRUSTED_PROXIES")
# The header by which a trusted proxy says the client came over HTTPS ("https"); it is
# dropped from any other peer (common/clients.ProxyHeadersMiddleware). Empty: none.
ULINZI_PROXY_SSL_HEADER = env.text("ULINZI_PROXY_SSL_HEADER", "X-Forwarded-Proto")
if ULINZI_TRUSTED_PROXIES and ULINZI_PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + ULINZI_PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )

# The shared cache (anonymous rate limits; Redis): ULINZI_CACHE_URL=redis://host:6379/0.
# Without it each process counts in its own memory, which is right for one web process
# only: ULINZI_WEB_PROCESSES above 1 needs it.
ULINZI_CACHE_URL = env.text("ULINZI_CACHE_URL")
ULINZI_WEB_PROCESSES = env.integer("ULINZI_WEB_PROCESSES", 1, minimum=1)
if ULINZI_CACHE_URL:
    if not ULINZI_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"ULINZI_CACHE_URL={ULINZI_CACHE_URL!r}: expected redis://, rediss:// or unix://"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ULINZI_CACHE_URL,
            "KEY_PREFIX": env.text("ULINZI_CACHE_PREFIX", "ulinzi"),
            # A stalled Redis must not hold request threads.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif ULINZI_WEB_PROCESSES > 1:
    raise ImproperlyConfigured(
        f"ULINZI_WEB_PROCESSES={ULINZI_WEB_PROCESSES} but no ULINZI_CACHE_URL: each web "
        "process would count the anonymous rate limits apart; set ULINZI_CACHE_URL="
        "redis://HOST:6379/0 (docs/configuration.md)"
    )


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
ULINZI_ANONYMOUS_LIMITS = _anonymous_limits(env.text("ULINZI_ANONYMOUS_LIMITS"))

TASKS = {
    "default": {
        "BACKEND": env.text("ULINZI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# What the worker's periodic task runs, in order (each returns counts of what it did):
# alert escalations, deconfliction reminders and stale sends; overdue referrals and
# complaint stages.
ULINZI_PERIODIC_CHECKS = ["ulinzi.alerts.tick.tick", "ulinzi.cases.tick.tick"]
# A worker renews its heartbeat this often and counts as gone when not seen this long.
ULINZI_WORKER_HEARTBEAT_SECONDS = env.number("ULINZI_WORKER_HEARTBEAT_SECONDS", 10, minimum=0.1)
ULINZI_WORKER_STALE_SECONDS = env.number("ULINZI_WORKER_STALE_SECONDS", 60, minimum=1)
ULINZI_LINK_THREADS = env.integer("ULINZI_LINK_THREADS", 0, minimum=0)  # 0: every CPU
# The linkage engine: DuckDB in the process, or Spark (local[N], or a cluster's master URL).
ULINZI_LINK_ENGINE = env.choice("ULINZI_LINK_ENGINE", "duckdb", ("duckdb", "spark"))
ULINZI_SPARK_MASTER = env.text("ULINZI_SPARK_MASTER", "")

# Timings of alerts (alerts/conf.py), deconfliction, referrals and complaints.
ULINZI_ALERT_ESCALATE_AFTER_MINUTES = env.number(
    "ULINZI_ALERT_ESCALATE_AFTER_MINUTES", 30, minimum=0
)
ULINZI_ALERT_WEBHOOK_TIMEOUT = env.number("ULINZI_ALERT_WEBHOOK_TIMEOUT", 10, minimum=0.1)
ULINZI_ALERT_LEASE_SECONDS = env.number(
    "ULINZI_ALERT_LEASE_SECONDS", ULINZI_ALERT_WEBHOOK_TIMEOUT + 30, minimum=1
)
ULINZI_ALERT_MAX_ATTEMPTS = env.integer("ULINZI_ALERT_MAX_ATTEMPTS", 6, minimum=1)
ULINZI_ALERT_RETRY_BASE_SECONDS = env.number("ULINZI_ALERT_RETRY_BASE_SECONDS", 30, minimum=0)
ULINZI_ALERT_TICK_SECONDS = env.number("ULINZI_ALERT_TICK_SECONDS", 60, minimum=0.1)
ULINZI_ALERT_SEND_CHUNK = env.integer("ULINZI_ALERT_SEND_CHUNK", 50, minimum=1)
ULINZI_ALERT_ACK_LINK_DAYS = env.number("ULINZI_ALERT_ACK_LINK_DAYS", 7, minimum=0)
ULINZI_DECONFLICTION_LEAD_HOURS = env.number("ULINZI_DECONFLICTION_LEAD_HOURS", 48, minimum=0)
ULINZI_DECONFLICTION_EMERGENCY_LEAD_HOURS = env.number(
    "ULINZI_DECONFLICTION_EMERGENCY_LEAD_HOURS", 24, minimum=0
)
ULINZI_DECONFLICTION_ACK_HOURS = env.number("ULINZI_DECONFLICTION_ACK_HOURS", 24, minimum=0)
ULINZI_DECONFLICTION_REMINDER_HOURS = env.number(
    "ULINZI_DECONFLICTION_REMINDER_HOURS", 6, minimum=0.1
)
ULINZI_DECONFLICTION_REMINDERS = env.integer("ULINZI_DECONFLICTION_REMINDERS", 2, minimum=0)
ULINZI_DECONFLICTION_CELL = env.text("ULINZI_DECONFLICTION_CELL")
ULINZI_REFERRAL_RESPONSE_HOURS = env.integer("ULINZI_REFERRAL_RESPONSE_HOURS", 72, minimum=1)
# Days per complaint stage where an organisation set none of its own, e.g. "intake=3";
# stages not named keep cases/models/complaint.py's DEFAULT_DEADLINE_DAYS.
ULINZI_COMPLAINT_DEADLINE_DAYS = env.counts(
    "ULINZI_COMPLAINT_DEADLINE_DAYS",
    ("intake", "assessment", "referral", "investigation", "outcome"),
)
# Webhook destinations allowed although not public addresses (common/outbound.py).
ULINZI_WEBHOOK_ALLOW = env.text("ULINZI_WEBHOOK_ALLOW")

# Email: SMTP unless ULINZI_EMAIL_BACKEND names another Django backend; the demo writes
# each message to a file under ULINZI_EMAIL_FILE_PATH (default $ULINZI_DATA_DIR/mail).
EMAIL_BACKEND = env.text("ULINZI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = Path(env.text("ULINZI_EMAIL_FILE_PATH", str(DATA_DIR / "mail")))
EMAIL_HOST = env.text("ULINZI_SMTP_HOST", "localhost")
EMAIL_USE_TLS = env.flag("ULINZI_SMTP_STARTTLS")
EMAIL_USE_SSL = env.flag("ULINZI_SMTP_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "ULINZI_SMTP_STARTTLS and ULINZI_SMTP_SSL are both on: choose one "
        "(STARTTLS on port 587, or SSL from the first byte on port 465)"
    )
EMAIL_PORT = env.integer("ULINZI_SMTP_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = env.text("ULINZI_SMTP_USER")
EMAIL_HOST_PASSWORD = env.text("ULINZI_SMTP_PASSWORD")
EMAIL_TIMEOUT = env.integer("ULINZI_SMTP_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.text("ULINZI_EMAIL_FROM", "ulinzi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Request sizes (ulinzi.common.input_guard answers 413 past them): bodies and form
# fields, 2.5 MB; a file upload to the imports page, the whole request.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("ULINZI_REQUEST_MAX_BYTES", 2_621_440, minimum=1024)
ULINZI_UPLOAD_MAX_BYTES = env.integer("ULINZI_UPLOAD_MAX_BYTES", 256 * 1024 * 1024, minimum=1024)
# The web server (commands/serve.py): request threads, open connections, idle seconds.
ULINZI_THREADS = env.integer("ULINZI_THREADS", 8, minimum=1)
ULINZI_CONNECTION_LIMIT = env.integer("ULINZI_CONNECTION_LIMIT", 2000, minimum=1)
ULINZI_CHANNEL_TIMEOUT = env.integer("ULINZI_CHANNEL_TIMEOUT", 10, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
ULINZI_HTTPS = env.flag("ULINZI_HTTPS") and not DEBUG
if ULINZI_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.integer("ULINZI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("ULINZI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.flag("ULINZI_HSTS_PRELOAD", True)
    # The health check and metrics answer on plain HTTP too (probes on loopback).
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$", r"^metrics$"]

# Prometheus metrics at /metrics for a caller sending "Authorization: Bearer TOKEN";
# no token: no metrics (404).
ULINZI_MONITORING_TOKEN = env.text("ULINZI_MONITORING_TOKEN")

# Optional online map tiles for the dashboard (offline country shapes are always there).
ULINZI_TILE_URL = env.text("ULINZI_TILE_URL")
ULINZI_TILE_ATTRIBUTION = env.text("ULINZI_TILE_ATTRIBUTION")

# Envelope keys for sensitive fields live outside the database.
ULINZI_KEYS_FILE = Path(env.text("ULINZI_KEYS_FILE", str(DATA_DIR / "keys.json")))
ULINZI_DEMO_PASSWORD = env.text("ULINZI_DEMO_PASSWORD", "ulinzi-demo")

# Logs go to stderr (the service manager keeps them): "plain" lines, or "json", one
# object a line with time, level, logger and message.
ULINZI_LOG_FORMAT = env.choice("ULINZI_LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "ulinzi.common.log.JsonLines"},
    },
    "filters": {
        "quiet_busy": {"()": "ulinzi.common.slowhash.QuietBusy"},
        "once_a_minute": {"()": "ulinzi.common.log.OncePerMinute"},
    },
    "handlers": {
        "console": {"class": "ulinzi.common.log.StderrHandler", "formatter": ULINZI_LOG_FORMAT}
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice(
            "ULINZI_LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")
        ).upper(),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["quiet_busy"]},
        "waitress.queue": {"filters": ["once_a_minute"]},  # one line per queued request
    },
}
