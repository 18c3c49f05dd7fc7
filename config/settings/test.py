"""pytest: embedded defaults unless CI hands us PostgreSQL and Redis."""

import os
import tempfile
import uuid
from pathlib import Path

# Each test run gets its own scratch directory and Redis key prefix, so the
# machine's shared Redis stays clean and parallel runs never meet. Worker
# subprocesses inherit both through the environment.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("TEST_RUN_DIR", tempfile.mkdtemp(prefix="testimonials-test-"))
os.environ.setdefault("REDIS_KEY_PREFIX", f"testimonials-test-{uuid.uuid4().hex[:8]}:")
os.environ.setdefault("CELERY_BROKER_DIR", str(Path(os.environ["TEST_RUN_DIR"]) / "broker"))

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, env

TEST_RUN_DIR = Path(os.environ["TEST_RUN_DIR"])

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SUBMIT_THROTTLE_RATE = env.str("SUBMIT_THROTTLE_RATE", default="1000/minute")
PUBLIC_API_ANON_RATE = env.str("PUBLIC_API_ANON_RATE", default="10000/minute")
# Test receivers listen on loopback; everything else private stays refused.
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttle counters stay in process; the tests that depend on Redis reach it
# through the broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(TEST_RUN_DIR / "celerybeat-schedule")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a worker subprocess sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_RUN_DIR / "test-db.sqlite3")}
