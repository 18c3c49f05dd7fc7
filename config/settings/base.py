"""Settings shared by every environment; each value comes from the environment.

Every variable read here is listed in `.env.example`.
"""

import ssl
import zoneinfo
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from config.log import logging_config

# Lets `admin.ModelAdmin[Topic]` and friends be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY: str = env("DJANGO_SECRET_KEY")
# Earlier keys, newest first: what they signed (patients' links, invitation
# links, feed cursors, sessions) still verifies after a rotation
# (docs/operating.md#rotating-the-secret-key).
SECRET_KEY_FALLBACKS: list[str] = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
DEBUG: bool = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.ModerationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "testimonials",
    "moderation",
]

MIDDLEWARE = [
    # Anonymous public reads skip what they never use (config/public_reads.py).
    "config.public_reads.PublicReadDispatchMiddleware",
    # Outermost: every answer gets its request id, is counted and logged.
    "config.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SettingsPolicyCSPMiddleware",
    # Under the two that only add headers, so its 503 gets them too.
    "config.middleware.DatabaseUnavailableMiddleware",
    # Probes answer whatever the Host header says (before CommonMiddleware).
    "config.middleware.ProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "testimonials.visits.authentication.IntegrationKeyElsewhereMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's Accept-Language; a topic's own languages narrow it
    # (testimonials.languages).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The admin shows times in the clinic's time zone.
    "config.middleware.ClinicTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers for a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Embedded default: SQLite in WAL mode so the web server and the worker can
# write at once; IMMEDIATE transactions take the write lock up front, which
# turns "database is locked" upgrade deadlocks into short waits.
SQLITE_PATH = Path(env.str("SQLITE_PATH", default=str(VAR_DIR / "db.sqlite3")))
DATABASES: dict[str, dict[str, Any]] = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # Behind PgBouncer in transaction pooling mode a server-side cursor would
    # outlive the transaction that pinned its server connection.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: the cache when REDIS_URL is set, the broker too ---------------
REDIS_URL: str = env.str("REDIS_URL", default="")
REDIS_KEY_PREFIX: str = env.str("REDIS_KEY_PREFIX", default="")
# A managed Redis over TLS (a rediss:// URL): its certificate is verified,
# against this CA bundle when set (the system's otherwise).
REDIS_TLS_CA_CERTS: str = env.str("REDIS_TLS_CA_CERTS", default="")


def _redis_tls_options(url: str) -> dict[str, Any]:
    """redis-py's TLS arguments for a rediss:// URL (none for redis://)."""
    if not url.startswith("rediss://"):
        return {}
    options: dict[str, Any] = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    if REDIS_TLS_CA_CERTS:
        options["ssl_ca_certs"] = REDIS_TLS_CA_CERTS
    return options


if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                **_redis_tls_options(REDIS_URL),
            },
        }
    }
else:
    # A file cache is shared by the web and worker processes of `make run`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(env.str("FILE_CACHE_DIR", default=str(VAR_DIR / "cache")))),
        }
    }

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
# The broker may be a Redis of its own (a managed cache evicts keys; a broker
# must not lose messages); the cache's Redis when unset or empty.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
if CELERY_BROKER_URL:
    # kombu's Redis transport, surviving a broker lost mid-acknowledgement.
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # Look for messages whose worker died unacknowledged every 10 s, not
        # kombu's default of every 100 s, so the visibility timeout rules.
        "unacked_restore_throttle": 1,
    }
    if REDIS_KEY_PREFIX:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = REDIS_KEY_PREFIX
    if _redis_tls_options(CELERY_BROKER_URL):
        CELERY_BROKER_USE_SSL = _redis_tls_options(CELERY_BROKER_URL)
else:
    # kombu's filesystem transport: a broker that needs no server.
    CELERY_BROKER_URL = "filesystem://localhost/"
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: with acks_late, a dying worker hands back
# only what it was working on (tests/faults/test_worker_killed.py).
CELERY_WORKER_PREFETCH_MULTIPLIER: int = env.int("CELERY_PREFETCH_MULTIPLIER", default=1)
# Processes of a worker without --concurrency (`make worker`, on every queue);
# the Procfiles and compose give each queue's worker its own number.
CELERY_WORKER_CONCURRENCY: int = env.int("CELERY_CONCURRENCY", default=2)
# Keep a task's database connection for this many tasks; Celery's Django
# fixup otherwise closes it after every task, and each screening would open a
# new PostgreSQL connection (several milliseconds, a backend process).
CELERY_DB_REUSE_MAX: int = env.int("CELERY_DB_REUSE_MAX", default=200)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A patient's request must not hang on a broker that is down: one quick try,
# then the row (our outbox) waits for the sweeper.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Three queues with workers of their own, each task's queue and time limits,
# and EMAIL_TIMEOUT: config/settings/queues.py.
from config.settings.queues import *  # noqa: E402, F403 - reads the environment, after .env

CELERY_BEAT_SCHEDULE_FILENAME = str(
    Path(env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")))
)
SCREENING_SWEEP_INTERVAL = timedelta(seconds=env.int("SCREENING_SWEEP_INTERVAL", default=30))
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-screening": {
        "task": "moderation.tasks.sweep_stuck_screening",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "sweep-unsent-notifications": {
        "task": "moderation.tasks.sweep_unsent_notifications",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "moderator-digest": {
        "task": "moderation.tasks.send_moderator_digest",
        "schedule": 15 * 60,
    },
    "sweep-webhook-deliveries": {
        "task": "testimonials.tasks.sweep_webhook_deliveries",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "check-publication-cache": {
        "task": "testimonials.tasks.check_publication_cache",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "sweep-authorizations": {
        "task": "testimonials.tasks.sweep_authorizations",
        "schedule": env.int("AUTHORIZATION_SWEEP_INTERVAL", default=60),
    },
    "sweep-consent-notices": {
        "task": "testimonials.tasks.sweep_consent_notices",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "expire-personal-data": {
        "task": "moderation.tasks.expire_personal_data",
        "schedule": 60 * 60,
    },
    "send-due-asks": {"task": "testimonials.tasks.send_due_asks", "schedule": 60.0},
    "sweep-unsent-invitations": {
        "task": "testimonials.tasks.sweep_unsent_invitations",
        "schedule": SCREENING_SWEEP_INTERVAL.total_seconds(),
    },
    "sweep-withdrawn-media": {"task": "testimonials.tasks.sweep_withdrawn_media", "schedule": 600},
}

# --- Screening ------------------------------------------------------------
# Ordered; each entry is a dotted path to a callable screener.
SCREENING_SCREENERS: list[str] = [
    "moderation.screening.length.screen",
    "moderation.screening.pii.screen",
    "moderation.screening.profanity.screen",
    "moderation.screening.abuse.screen",
    "moderation.screening.spam.screen",
    "moderation.screening.medical_claim.screen",
    # After the rules: adds a kind only where no rule found it.
    "moderation.screening.learned.screen",
    "moderation.screening.duplicate.screen",
    "moderation.screening.language.screen",
]
# Languages a topic publishes in when it names none, and for `manage.py screen`.
SCREENING_DEFAULT_LANGUAGES: list[str] = env.list("SCREENING_DEFAULT_LANGUAGES", default=["en"])
# Rows left in `submitted` or `screening` longer than this are re-enqueued.
SCREENING_STUCK_AFTER = timedelta(seconds=env.int("SCREENING_STUCK_AFTER", default=60))
SCREENING_MAX_RETRIES: int = env.int("SCREENING_MAX_RETRIES", default=5)
# The learned layer (moderation/screening/learned): the model shipped with the
# code, used until a retrained one is activated in the database.
SCREENING_MODEL_ARTIFACT = Path(
    env.str(
        "SCREENING_MODEL_ARTIFACT",
        default=str(BASE_DIR / "moderation/screening/learned/artifacts/screening-model.npz"),
    )
)
# Clear spam is auto-rejected only when the rules say so and the model's spam
# score is at least this.
SCREENING_MODEL_AUTO_REJECT_SCORE: float = env.float(
    "SCREENING_MODEL_AUTO_REJECT_SCORE", default=0.7
)
# Learning from the moderators' decisions: a periodic retrain, off unless set.
SCREENING_RETRAIN_ENABLED: bool = env.bool("SCREENING_RETRAIN_ENABLED", default=False)
SCREENING_RETRAIN_INTERVAL_HOURS: int = env.int("SCREENING_RETRAIN_INTERVAL_HOURS", default=24)
# Decisions newer than this judge a candidate; older ones train it.
SCREENING_RETRAIN_RECENT_DAYS: int = env.int("SCREENING_RETRAIN_RECENT_DAYS", default=30)
# How much worse (per-kind F1) a candidate may measure and still be activated.
SCREENING_RETRAIN_TOLERANCE: float = env.float("SCREENING_RETRAIN_TOLERANCE", default=0.005)
# The corpus: train and validation build models, test only gates them.
SCREENING_CORPUS_DIR = Path(
    env.str("SCREENING_CORPUS_DIR", default=str(BASE_DIR / "moderation/screening/corpus"))
)
if SCREENING_RETRAIN_ENABLED:
    CELERY_BEAT_SCHEDULE["retrain-screening-model"] = {
        "task": "moderation.tasks.retrain_screening_model",
        "schedule": SCREENING_RETRAIN_INTERVAL_HOURS * 3600.0,
    }

# --- Moderation -----------------------------------------------------------
REVIEW_CLAIM_TTL = timedelta(minutes=env.int("REVIEW_CLAIM_TTL_MINUTES", default=10))
MODERATION_OVERDUE_AFTER = timedelta(hours=env.int("MODERATION_OVERDUE_AFTER_HOURS", default=24))
MODERATION_DIGEST_INTERVAL = timedelta(
    hours=env.int("MODERATION_DIGEST_INTERVAL_HOURS", default=24)
)
# Approving several items at once is only offered for items this calm.
BULK_APPROVE_MAX_RISK: int = env.int("BULK_APPROVE_MAX_RISK", default=10)
NOTIFICATION_MAX_RETRIES: int = env.int("NOTIFICATION_MAX_RETRIES", default=8)
# Links in emails point here (the address patients and moderators use).
PUBLIC_BASE_URL: str = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# --- Submissions ----------------------------------------------------------
SUBMIT_THROTTLE_RATE: str = env.str("SUBMIT_THROTTLE_RATE", default="10/minute")
TESTIMONIAL_MIN_LENGTH: int = env.int("TESTIMONIAL_MIN_LENGTH", default=20)
TESTIMONIAL_MAX_LENGTH: int = env.int("TESTIMONIAL_MAX_LENGTH", default=5000)

# --- The clinic's time zone -------------------------------------------------
# Days are the clinic's: an authorization chosen "until" a day ends at the
# end of that day there, invitations and retention count its calendar days
# (a day across a daylight-saving change is 23 or 25 hours), and the admin
# shows moderators its times. Stored times and the API stay in UTC.
CLINIC_TIME_ZONE: str = env.str("CLINIC_TIME_ZONE", default="UTC")
try:
    zoneinfo.ZoneInfo(CLINIC_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"CLINIC_TIME_ZONE={CLINIC_TIME_ZONE!r} is not an IANA time zone name"
    ) from exc

# --- Authorization and erasure ---------------------------------------------
# An authorization's term when the client names none (older API clients),
# and the longest a patient may choose.
AUTHORIZATION_DEFAULT_TERM = timedelta(days=env.int("AUTHORIZATION_DEFAULT_DAYS", default=730))
AUTHORIZATION_MAX_TERM = timedelta(days=env.int("AUTHORIZATION_MAX_DAYS", default=1095))
# The patient is asked to keep, change or withdraw this long before expiry.
AUTHORIZATION_RECONFIRM_BEFORE = timedelta(days=env.int("AUTHORIZATION_RECONFIRM_DAYS", default=30))
# HIPAA (45 CFR 164.530(j)): six years after an authorization was last in
# effect, even when the story itself is erased.
AUTHORIZATION_RETENTION = timedelta(days=env.int("AUTHORIZATION_RETENTION_DAYS", default=2192))
# Rejected and withdrawn stories lose their personal data this long after.
PERSONAL_DATA_RETENTION = timedelta(days=env.int("PERSONAL_DATA_RETENTION_DAYS", default=90))
# Invitations to share a story, and the asks after visits: config/settings/invitations.py.
from config.settings.invitations import *  # noqa: E402, F403 - reads the environment, after .env

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "moderation.accounts.authentication.ApiTokenAuthentication",
        "config.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Behind N reverse proxies, trust the Nth address from the right of
    # X-Forwarded-For; 0 means "use the socket address" (no spoofing).
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
# Throttles and sign-in lockouts count an IPv6 client by its network of this
# many bits (config.security.client_key): a /64 is what one home or one
# server gets, so counting single addresses would give it 2^64 budgets.
THROTTLE_IPV6_PREFIX: int = env.int("THROTTLE_IPV6_PREFIX", default=64)
if not 1 <= THROTTLE_IPV6_PREFIX <= 128:
    raise ImproperlyConfigured("THROTTLE_IPV6_PREFIX must be between 1 and 128")

SPECTACULAR_SETTINGS = {
    "TITLE": "Patient testimonials API",
    "DESCRIPTION": (
        "Submit, screen, moderate and publish patient testimonials. See docs/api.md for the flow."
    ),
    # The version in pyproject.toml (tests/test_openapi_schema.py checks they agree).
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PublishingModeEnum": "testimonials.models.PublishingMode",
        "MediaKindEnum": "testimonials.models.MediaKind",
        "KindEnum": "testimonials.publishing.topic_apis.CONNECTION_KINDS",
    },
}

# django-cors-headers: only the public read API is open to every origin.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/v1/(published|topics)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [*default_cors_headers, "x-api-key"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# --- Content-Security-Policy (django-csp) on every response ----------------
# Scripts and styles come from our own origin only: no inline script
# anywhere. The two inline <style> blocks we do not write are allowed by
# their hash: drf-spectacular's Swagger UI page and Django's CSRF failure
# page (tests/security/test_csp.py fails if a page carries an inline style
# or script the policy does not allow, or if a hash is no longer used).
CSP_INLINE_STYLE_HASHES = [
    "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='",  # /api/docs/
    "'sha256-jYJ/qrz4ojqMFEXV4ROer3I8bInDaDsKjQuktj9ESIk='",  # CSRF failure (403)
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *CSP_INLINE_STYLE_HASHES],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Request size ---------------------------------------------------------
# A body over this many bytes is refused with 413 before it is read
# (config.middleware.RequestSizeLimitMiddleware); a 5,000-character story is
# at most ~60 KB of JSON even with every character escaped.
DATA_UPLOAD_MAX_MEMORY_SIZE: int = env.int("REQUEST_MAX_BYTES", default=128 * 1024)

# --- Public read cache ----------------------------------------------------
PUBLISHED_CACHE_MAX_AGE: int = env.int("PUBLISHED_CACHE_MAX_AGE", default=15)
# /widget.js changes only with a release.
WIDGET_CACHE_MAX_AGE: int = env.int("WIDGET_CACHE_MAX_AGE", default=3600)

# --- Websites: keys, throttles, webhooks -----------------------------------
# Reads of the public API per client IP without a key, and per site with one.
PUBLIC_API_ANON_RATE: str = env.str("PUBLIC_API_ANON_RATE", default="120/minute")
PUBLIC_API_SITE_RATE: str = env.str("PUBLIC_API_SITE_RATE", default="1200/minute")
WEBHOOK_TIMEOUT_SECONDS: float = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS: int = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
# Retry n waits base * 2^(n-1) seconds, at most the max (under the Redis
# visibility timeout, so a waiting retry is not delivered twice).
WEBHOOK_RETRY_BASE_SECONDS: float = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS: float = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=1800.0)
# Webhooks go to public addresses only; CIDRs listed here are allowed too
# (e.g. 10.0.0.0/8 for a receiver inside the clinic's network).
WEBHOOK_ALLOWED_NETWORKS: list[str] = [
    str(ip_network(cidr, strict=False))  # a typo fails at startup, not at delivery
    for cidr in env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
]

# --- i18n, static ---------------------------------------------------------
LANGUAGE_CODE = "en"
# The languages pages, the widget and emails are written in. Adding one:
# docs/development.md, "Languages".
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
from config.settings.media import *  # noqa: E402, F403 - STORAGES, photos and video; after .env

CONTENT_SECURITY_POLICY = media_origin_allowed(CONTENT_SECURITY_POLICY)  # noqa: F405

# --- Moderators' accounts -------------------------------------------------
# Argon2 first; older hashes are upgraded on the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes sees every login first and refuses one that is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Returns None unless OIDC_RP_CLIENT_ID is set (moderation.accounts.identity_provider).
    "moderation.accounts.identity_provider.StaffOIDCBackend",
]
# Lock out a username from one address (an IPv6 client by its /64) after
# this many failures (per username and address together, so one stranger
# cannot lock a moderator out everywhere), and a username from every address
# after AXES_USERNAME_FAILURE_LIMIT failures, so that many addresses cannot
# guess without end (config.sign_in). Both last until no failure is younger
# than AXES_COOLOFF_MINUTES; the answer is 429, the same for any username.
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT: int = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "config.sign_in.TwoLimitHandler"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_key"
AXES_HTTP_RESPONSE_CODE = 429
# Moderators' API tokens expire this long after they are issued.
API_TOKEN_TTL = timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90))
# Sessions live in the database, so a cache (Redis) outage logs no one out;
# they end after SESSION_IDLE_MINUTES without a request, and at browser close.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Staff sign in to the admin with a TOTP code too (django-otp). On in
# production (config.settings.production).
ADMIN_REQUIRE_2FA: bool = env.bool("ADMIN_REQUIRE_2FA", default=False)
# A staff member without an authenticator may set one up at first sign-in this
# many days after their password was set (config.two_factor); then an admin resets.
ADMIN_2FA_ENROLMENT_DAYS: int = env.int("ADMIN_2FA_ENROLMENT_DAYS", default=7)
OTP_TOTP_ISSUER = "Patient stories"

# Staff sign-in through the clinic's identity provider (OpenID Connect):
# config/settings/identity_provider.py.
from config.settings.identity_provider import *  # noqa: E402, F403 - reads the environment, after .env

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Email (EMAIL_URL, DEFAULT_FROM_EMAIL, a provider through django-anymail):
# config/settings/email.py.
from config.settings.email import *  # noqa: E402, F403 - reads the environment, after .env

# --- Logging --------------------------------------------------------------
# Log lines carry ids, statuses and route names, never a patient's name,
# email or text. `json`: one object a line (production's default); `plain`:
# readable lines (the default elsewhere). Both carry the request id.
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT: str = env.str("LOG_FORMAT", default="plain")
# The report of an unhandled error (the email to ADMINS) quotes no patient.
DEFAULT_EXCEPTION_REPORTER = "config.errors.PrivateExceptionReporter"
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)

# --- Metrics (Prometheus at /metrics) ---------------------------------------
# Off (404) unless one of these is set; then a scrape needs the bearer token
# or an address in one of the networks (403 otherwise).
METRICS_TOKEN: str = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS: list[str] = [
    str(ip_network(cidr, strict=False)) for cidr in env.list("METRICS_ALLOWED_NETWORKS", default=[])
]
# Every process writes its counts here (prometheus_client's multiprocess
# mode); web and worker must share it. Emptied by `make run` / `make serve`.
METRICS_DIR = Path(env.str("METRICS_DIR", default=str(VAR_DIR / "metrics")))
# Where pods share no folder (Kubernetes), each worker serves its counts here; 0: off.
WORKER_METRICS_PORT: int = env.int("WORKER_METRICS_PORT", default=0)

# Error tracking (Sentry): config/settings/error_tracking.py.
from config.settings.error_tracking import *  # noqa: E402, F403 - reads the environment, after .env
