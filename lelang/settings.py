"""Settings for Lelang Kinerja, read from the environment.

Every knob that differs between a laptop and the city's server is an
environment variable; everything else is fixed here.
"""

import os
import re
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def stop(message: str) -> NoReturn:
    """Stop start-up with one readable line instead of a traceback."""
    sys.stderr.write(message + "\n")
    raise SystemExit(2)


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        stop(f"Konfigurasi salah: {name}={value!r} harus bilangan bulat ({name}: integer).")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "0")

# Commands that only read the code (never sign, never serve) need no real key, so
# tooling such as a migrations check runs without the production environment.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not DEBUG and sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS:
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not DEBUG:
        stop(
            "Konfigurasi salah: DJANGO_SECRET_KEY wajib diisi (50+ karakter acak) bila "
            "DJANGO_DEBUG=0; untuk pengembangan lokal pakai DJANGO_DEBUG=1. "
            "(Configuration error: set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local work.)"
        )
    SECRET_KEY = "django-insecure-local-development-only-" + "x" * 20

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(os.environ.get("LELANG_DATA_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "lelang.apps.LelangAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "lelang.apps.LelangConfig",
    "opd",
    "auctions",
    "contracts",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security: a database failure anywhere further in becomes a 503.
    "lelang.middleware.DatabaseUnavailableMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lelang.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lelang.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lelang.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a locked-out login into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lelang.urls"
ASGI_APPLICATION = "lelang.asgi.application"
WSGI_APPLICATION = "lelang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lelang.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite by default, PostgreSQL whenever DATABASE_URL is set.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0")
        )
    }
    # PostgreSQL: a connection pool per server process (psycopg_pool). Under ASGI each
    # request and each live render may run on another thread, so persistent
    # connections would not be reused; a pool hands out an open one in microseconds.
    # DATABASE_POOL=0 turns it off (e.g. behind PgBouncer).
    _default = DATABASES["default"]
    if _default["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_POOL", "1"):
        if _default["CONN_MAX_AGE"]:
            stop(
                "Konfigurasi salah: DATABASE_CONN_MAX_AGE harus 0 bila DATABASE_POOL=1. "
                "(Configuration error: the connection pool needs DATABASE_CONN_MAX_AGE=0.)"
            )
        _default.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": envint("DATABASE_POOL_MAX", "10"),
            "timeout": 10,
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "lelang.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue up
                # (busy timeout) instead of failing half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

# Live events cross server processes through Redis pub/sub when REDIS_URL is set,
# otherwise through PostgreSQL LISTEN/NOTIFY (SQLite: one process only).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    stop(
        f"Konfigurasi salah: REDIS_URL={REDIS_URL!r} harus diawali redis://, rediss:// atau "
        "unix://. (Configuration error: REDIS_URL must start with redis://, rediss:// or unix://.)"
    )
# Redis pub/sub channels are server-wide (not per database): give each installation
# sharing one Redis server its own channel name.
LELANG_EVENTS_CHANNEL = os.environ.get("LELANG_EVENTS_CHANNEL", "lelang_events").strip()
if not re.fullmatch(r"[A-Za-z0-9_.-]+", LELANG_EVENTS_CHANNEL):
    stop(
        f"Konfigurasi salah: LELANG_EVENTS_CHANNEL={LELANG_EVENTS_CHANNEL!r} hanya boleh huruf, "
        "angka, _ - dan titik. (Configuration error: letters, digits, _ - and . only.)"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lelang.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Shared command-center computers: a login ends when the browser closes, and after
# LELANG_IDLE_MINUTES without a request of the person's own (lelang.middleware
# .IdleTimeoutMiddleware explains how the live screens count). The session row itself
# lives at most a working day past the last activity.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LELANG_IDLE_MINUTES = envint("LELANG_IDLE_MINUTES", "30")
if LELANG_IDLE_MINUTES < 1:
    stop(
        f"Konfigurasi salah: LELANG_IDLE_MINUTES={LELANG_IDLE_MINUTES} harus 1 atau lebih. "
        "(Configuration error: LELANG_IDLE_MINUTES must be 1 or more.)"
    )
SESSION_COOKIE_AGE = 12 * 3600

# Login throttling (django-axes): five wrong passwords lock the account.
AXES_FAILURE_LIMIT = envint("LELANG_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LELANG_LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lelang.views.lockout"
# The client's address (audit entries, signatures, lockouts) is REMOTE_ADDR: behind a
# proxy, uvicorn sets it from X-Forwarded-For when started with --proxy-headers
# --forwarded-allow-ips=<the proxy's address> (docs/deploy.md), so a client cannot
# choose the address it is recorded under. django-ipware is not installed on purpose.
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # Locking by IP too would lock out the whole command center, which shares one
    # address, after five typos; we lock the account (username) only.
    "axes.W006",
]

# Internationalisation: Bahasa Indonesia first, English on request.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Numbers are shown and typed in the page's language (1.234,5 or 1,234.5) and read by
# lelang.numbers.parse_number; the separators come from these format modules.
FORMAT_MODULE_PATH = ["lelang.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded evidence: checked by content, limited in size, served only through views.
LELANG_UPLOAD_MAX_BYTES = envint("LELANG_UPLOAD_MAX_MB", "10") * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG

# Security. Off in local development (plain http on 127.0.0.1), on otherwise.
SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "1" if SECURE else "0")
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", "31536000" if SECURE else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if envint("LELANG_PROXY_COUNT", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only our own scripts; htmx is vendored.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LELANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The name shown in the header and on documents.
LELANG_CITY_NAME = os.environ.get("LELANG_CITY_NAME", "Pemerintah Kota Malang")
# The planning agency that runs the auction, as the city calls it ("Bappeda"; Malang's
# was "Barenlitbang" in 2018, which the demo uses: see the Makefile's run target).
LELANG_PLANNING_AGENCY = os.environ.get("LELANG_PLANNING_AGENCY", "").strip() or "Bappeda"
# Mail (reminders, escalations): printed on the console in development; a real
# deployment sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_*.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lelang-kinerja@localhost")

# Documents (contracts): where they are signed, who the second party is, and the
# address printed in each page's QR code (the public verification page lives there).
LELANG_CITY_PLACE = os.environ.get("LELANG_CITY_PLACE", "Malang")
# The emblem on the letterhead (SVG or PNG); the default is an invented one.
LELANG_CITY_EMBLEM = Path(
    os.environ.get("LELANG_CITY_EMBLEM", "") or BASE_DIR / "static" / "img" / "emblem.svg"
)
LELANG_MAYOR_TITLE = os.environ.get("LELANG_MAYOR_TITLE", "Wali Kota Malang")
LELANG_CITY_ADDRESS = os.environ.get(
    "LELANG_CITY_ADDRESS", "Jalan Tugu Nomor 1, Malang 65119 — Telepon (0341) 000000"
)
LELANG_PUBLIC_URL = os.environ.get("LELANG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A PDF uploaded to the public verification page is read up to this size, never stored.
LELANG_VERIFY_MAX_BYTES = envint("LELANG_VERIFY_MAX_MB", "20") * 1024 * 1024
# seed_demo signs and seals the demo's documents (about 35 PDFs, some 20 s); the test
# suite and the browser tests' servers skip them unless a test is about them.
LELANG_DEMO_DOCUMENTS = envbool("LELANG_DEMO_DOCUMENTS", "1")
