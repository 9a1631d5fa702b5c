"""Refuge settings, read from the environment in one place.

DATABASE_URL      PostgreSQL in production (postgres://user@host:port/name);
                  unset: an SQLite file in REFUGE_DATA_DIR, in WAL mode.
REFUGE_DATA_DIR   where the embedded database and the generated secret key live
                  (default: ./var under the working directory).
REFUGE_SECRET_KEY overrides the generated key.
REFUGE_DEBUG      "1" for development only.
REFUGE_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost).
REFUGE_HTTPS      "1" when served behind HTTPS: secure cookies and HSTS.
REFUGE_TRUSTED_PROXIES  comma-separated addresses or networks of our own reverse proxies
                  (e.g. 127.0.0.1,10.0.0.0/24); X-Forwarded-For is believed only from these
                  (docs/SECURITY.md). Unset: REMOTE_ADDR is the client.
REFUGE_REDIS_URL  redis://host:port/db for the rate-limit counters; unset: the database.
REFUGE_TILE_URL   the map's background tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
                  (default none: the map draws shelters and areas on a plain background,
                  so it works offline and tells no tile server where coordinators look).
REFUGE_TILE_ATTRIBUTION  the credit line the tile server asks for.
REFUGE_EXPORT_JOB_ROWS  desk exports over this many rows (default 10000) run as a job.
REFUGE_JOB_FILE_RETENTION_HOURS  a job's file (a large export) is deleted this long after
                  its job finished (default 24), by `refuge jobs purge`.
REFUGE_PUBLIC_URL the site's public address (https://…), written into CAP <web> and the feed.
REFUGE_CAP_SENDER the CAP <sender> of released warnings (default: <operation>@refuge.example).
REFUGE_CAP_KEY, REFUGE_CAP_CERT  PEM files of the key and certificate that sign released
                  warnings (xmldsig, enveloped); unset: unsigned.
"""

import os
import secrets
from ipaddress import ip_network
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("REFUGE_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("REFUGE_SECRET_KEY"):
        return key
    # A key generated once per data directory keeps sessions valid across restarts
    # without anyone having to invent one for the demo.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("REFUGE_DEBUG")
ALLOWED_HOSTS = os.environ.get("REFUGE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
HTTPS = _env_flag("REFUGE_HTTPS")
TRUSTED_PROXIES = [
    ip_network(p.strip(), strict=False)
    for p in os.environ.get("REFUGE_TRUSTED_PROXIES", "").split(",")
    if p.strip()
]
REDIS_URL = os.environ.get("REFUGE_REDIS_URL", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "leaflet",  # Leaflet's own static files only: its template tags write inline scripts
    "refuge.web",
    "refuge.geo",
    "refuge.operations",
    "refuge.shelters",
    "refuge.registry",
    "refuge.movements",
    "refuge.placement",
    "refuge.tracing",
    "refuge.reports",
    "refuge.scenario",
    "refuge.interchange",
    "refuge.accounts",
    "refuge.audit",
    "refuge.desks",
    "refuge.limits",
    "refuge.alerts",
    "refuge.incidents",
    "refuge.jobs",
    "refuge.fielddata",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the reference page's scripts from our own static files
    "refuge.api",
    "refuge.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files are not counted; before the rest, so their time is.
    "refuge.api.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "refuge.web.middleware.NoStoreMiddleware",  # before the limits: refusals are not stored
    "refuge.web.middleware.RequestLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "refuge.web.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "refuge.urls"
WSGI_APPLICATION = "refuge.wsgi.application"

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
            ],
        },
    },
]


FORM_RENDERER = "refuge.web.forms.FormRenderer"  # widgets drawn by Jinja2


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "refuge.sqlite3",
        "OPTIONS": {
            # WAL lets the web app read while a desk writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/desk/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Moscow"
# Ids, years and form values are drawn as plain digits: a household number rendered
# "1,000,047" into a hidden field came back as something no view could read. Figures
# meant for reading are grouped explicitly with humanize's `intcomma`.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here after collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TILE_URL = os.environ.get("REFUGE_TILE_URL", "").strip()
TILE_ATTRIBUTION = os.environ.get("REFUGE_TILE_ATTRIBUTION", "").strip()
REFUGE_PUBLIC_URL = os.environ.get("REFUGE_PUBLIC_URL", "").strip()
REFUGE_CAP_SENDER = os.environ.get("REFUGE_CAP_SENDER", "").strip()
# PEM files: released warnings carry an enveloped XML signature when both are set.
REFUGE_CAP_KEY = os.environ.get("REFUGE_CAP_KEY", "").strip()
REFUGE_CAP_CERT = os.environ.get("REFUGE_CAP_CERT", "").strip()
# The API's kept answers to registrations (they hold the household as it was shown) are
# deleted this long after, by `refuge idempotency purge` (docs/API.md, docs/OPERATIONS.md).
REFUGE_IDEMPOTENCY_RETENTION_HOURS = int(os.environ.get("REFUGE_IDEMPOTENCY_RETENTION_HOURS", 72))

SESSION_COOKIE_AGE = 8 * 3600  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Limits on what a request may carry (docs/SECURITY.md, "Limits on input"). The largest
# form Refuge draws, a household of thirty at the registration desk, posts about 20 KB
# in some 700 fields. Refuge takes no files.
REQUEST_BODY_MAX_BYTES = 1024 * 1024  # refused from Content-Length before reading: 413
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024  # form fields, read into memory: 413 beyond
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # fields in one request, query string included: 400
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # beyond it an upload goes to a temporary file
# The only pages that take a file: path -> (its one file field, the request's size limit).
# Partners' CAP messages stay within REQUEST_BODY_MAX_BYTES; an ODK/Kobo export may be
# larger (fielddata.exports bounds what it unpacks to).
UPLOADS = {
    "/alerts/desk/import/": ("file", REQUEST_BODY_MAX_BYTES),
    "/imports/": ("export", 50 * 1024 * 1024),
}
FIELD_MAX_CHARS = 5000  # one field's value, before any form sees it: 400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


# The partners' API (refuge/api, docs/API.md): JSON only, paged by cursor.
REST_FRAMEWORK = {
    # Bearer first, so an unauthenticated request is answered 401 with WWW-Authenticate;
    # the session too, so a signed-in user's browser reads what their role may (CSRF kept).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "refuge.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["refuge.api.authentication.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Refuge API",
    "DESCRIPTION": "Evacuation and temporary shelter: figures, shelters and registrations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "refuge.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ShelterKind": "refuge.shelters.models.Shelter.Kind",
        "SettlementKind": "refuge.geo.models.Settlement.Kind",
        "OrderKind": "refuge.operations.models.EvacuationOrder.Kind",
        "MovementKind": "refuge.movements.models.Movement.Kind",
        "WebhookEvent": "refuge.webhooks.models.Event",
        "DeliveryState": "refuge.webhooks.models.Delivery.State",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}
REFUGE_API_RATE_PER_MINUTE = int(os.environ.get("REFUGE_API_RATE_PER_MINUTE", "600"))
# Who may read /metrics (refuge/api/health.py): addresses or networks, comma-separated.
REFUGE_METRICS_ALLOWED = [
    a.strip() for a in os.environ.get("REFUGE_METRICS_ALLOWED", "").split(",") if a.strip()
]

# Webhooks (refuge/webhooks, docs/API.md). Receivers at private, loopback, link-local or
# reserved addresses are refused (SSRF) unless in one of these networks, comma-separated
# (e.g. 10.20.0.0/16 for a partner across a VPN; 127.0.0.1/32 for a receiver on this host).
REFUGE_WEBHOOK_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("REFUGE_WEBHOOK_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
# Desk exports of more rows than this are written by a job, not in the request.
EXPORT_JOB_ROWS = int(os.environ.get("REFUGE_EXPORT_JOB_ROWS", "10000"))
# Files jobs make (large exports hold personal data) are deleted this long after.
JOB_FILE_RETENTION_HOURS = float(os.environ.get("REFUGE_JOB_FILE_RETENTION_HOURS", "24"))
REFUGE_WEBHOOK_TIMEOUT = float(os.environ.get("REFUGE_WEBHOOK_TIMEOUT", "5"))  # seconds
REFUGE_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("REFUGE_WEBHOOK_MAX_ATTEMPTS", "10"))
# The wait after attempt n is this × 2^(n−1): 1, 2, 4 … 256 minutes, about 8½ hours in all.
REFUGE_WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("REFUGE_WEBHOOK_BACKOFF_SECONDS", "60"))
# "Nearly full": places taken or reserved at or above this share of capacity (as /metrics).
REFUGE_WEBHOOK_NEARLY_FULL = float(os.environ.get("REFUGE_WEBHOOK_NEARLY_FULL", "0.9"))
# A subscription whose last N deliveries all failed (every attempt) is suspended.
REFUGE_WEBHOOK_SUSPEND_AFTER = int(os.environ.get("REFUGE_WEBHOOK_SUSPEND_AFTER", "3"))
# Each server process writes its request counts and latencies to files here, and /metrics
# sums them (prometheus_client's multiprocess mode reads this variable when first
# imported, in refuge/api/metrics.py); `refuge serve` empties the folder as it starts.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(DATA_DIR / "metrics"))
