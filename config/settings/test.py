"""pytest: embedded defaults unless CI hands us PostgreSQL and Redis."""

import os
from pathlib import Path
import uuid

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
# Each test run writes under its own Redis key prefix and queue so that the
# machine's shared Redis stays clean and parallel runs do not meet.
os.environ.setdefault("REDIS_KEY_PREFIX", f"testimonials-test-{uuid.uuid4().hex[:8]}:")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import BASE_DIR, DATABASES, REDIS_KEY_PREFIX, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SUBMIT_THROTTLE_RATE = env.str("SUBMIT_THROTTLE_RATE", default="1000/minute")
CELERY_TASK_DEFAULT_QUEUE = f"{REDIS_KEY_PREFIX}testimonials"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests keep throttle counters in process; tests that need Redis use it
# explicitly through the worker fixtures.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a worker subprocess sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(env.str("SQLITE_TEST_PATH", default=str(BASE_DIR / "var" / "test-db.sqlite3"))))}
