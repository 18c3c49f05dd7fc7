"""pytest: embedded defaults unless CI hands us PostgreSQL and Redis."""

import os
import tempfile
import uuid
from pathlib import Path

# Each test run gets its own scratch directory and Redis key prefix, so the
# machine's shared Redis stays clean and parallel runs never meet. Worker
# subprocesses inherit both through the environment.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
# Under pytest-xdist each worker is a run of its own (its Celery workers
# would otherwise take the other's tasks from a shared key prefix); the
# processes it starts inherit TEST_RUN_WORKER and keep its values.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and os.environ.get("TEST_RUN_WORKER") != _xdist_worker:
    os.environ["TEST_RUN_WORKER"] = _xdist_worker
    for _inherited in ("TEST_RUN_DIR", "REDIS_KEY_PREFIX", "CELERY_BROKER_DIR"):
        os.environ.pop(_inherited, None)
os.environ.setdefault("TEST_RUN_DIR", tempfile.mkdtemp(prefix="testimonials-test-"))
os.environ.setdefault("REDIS_KEY_PREFIX", f"testimonials-test-{uuid.uuid4().hex[:8]}:")
os.environ.setdefault("CELERY_BROKER_DIR", str(Path(os.environ["TEST_RUN_DIR"]) / "broker"))

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import (  # noqa: E402
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    DATABASES,
    SCREENING_SCREENERS,
    env,
)

TEST_RUN_DIR = Path(os.environ["TEST_RUN_DIR"])

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SUBMIT_THROTTLE_RATE = env.str("SUBMIT_THROTTLE_RATE", default="1000/minute")
PUBLIC_API_ANON_RATE = env.str("PUBLIC_API_ANON_RATE", default="10000/minute")
# Test receivers listen on loopback; everything else private stays refused.
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
MEDIA_ROOT = TEST_RUN_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # The filesystem here; tests/testimonials/media/ swaps in a local S3 server.
    "media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/media/"},
    },
}
# Throttle counters stay in process; the tests that depend on Redis reach it
# through the broker, and the fault tests (tests/faults) that need Redis as
# the cache too set TEST_REDIS_CACHE for the processes they start.
if not env.bool("TEST_REDIS_CACHE", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Screeners the fault tests add to a worker they start (a slow one, one that
# always fails): comma-separated dotted paths from tests/support/screeners.py.
SCREENING_SCREENERS = [*SCREENING_SCREENERS, *env.list("TEST_EXTRA_SCREENERS", default=[])]
# Or screeners that replace the pipeline: a fault test that counts messages,
# not flags, screens thousands of stories with a quick one.
SCREENING_SCREENERS = env.list("TEST_SCREENERS", default=SCREENING_SCREENERS)
# Where a worker started by a test writes the emails it sends, one file each
# (the test process cannot see a subprocess's in-memory outbox).
if env.str("TEST_EMAIL_DIR", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("TEST_EMAIL_DIR")
# Or where it sends them by SMTP: a server the test runs on loopback
# (tests/faults/test_smtp_hangs.py), e.g. smtp://127.0.0.1:2525.
if env.str("TEST_EMAIL_URL", default=""):
    vars().update(env.email_url("TEST_EMAIL_URL"))
# Two-factor sign-in and django-axes' lockouts stay off here but for the tests
# of them (override_settings): the test client's login() passes no request,
# which axes refuses.
ADMIN_REQUIRE_2FA = False
AXES_ENABLED = False
CELERY_BEAT_SCHEDULE_FILENAME = str(TEST_RUN_DIR / "celerybeat-schedule")
# This run's metric files, shared with the workers it starts.
METRICS_DIR = Path(env.str("METRICS_DIR", default=str(TEST_RUN_DIR / "metrics")))
if not CELERY_BROKER_URL.startswith("filesystem:"):
    # A task whose worker died unacknowledged comes back after 30 s, not an
    # hour (still longer than any retry's countdown in the tests).
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=30
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Two runs on one server (a developer's and CI's) must not drop each
    # other's test database; the worker subprocesses inherit the name.
    os.environ.setdefault("TEST_DATABASE_SUFFIX", uuid.uuid4().hex[:8])
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.environ['TEST_DATABASE_SUFFIX']}"
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a worker subprocess sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_RUN_DIR / "test-db.sqlite3")}
# The email provider's webhook is mounted (config/urls.py) with this secret;
# tests/testimonials/test_delivery_events.py posts to it.
ANYMAIL = {"WEBHOOK_SECRET": "provider:test-webhook-secret"}
