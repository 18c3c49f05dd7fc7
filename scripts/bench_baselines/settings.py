"""Settings of the baselines project: no middleware, no sessions, no
authentication; the database and broker from the same variables the service
reads (`DATABASE_URL`, `REDIS_URL` with `REDIS_KEY_PREFIX`, else SQLite and
the filesystem broker under var/bench)."""

from pathlib import Path
from typing import Any

import environ

env = environ.Env()
BENCH_DIR = Path(__file__).resolve().parent.parent.parent / "var" / "bench"

SECRET_KEY: str = env.str("DJANGO_SECRET_KEY", default="bench-baselines-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["rest_framework", "bench_baselines"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench_baselines.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# As config/settings/base.py sets them for the service.
DATABASES: dict[str, dict[str, Any]] = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BENCH_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

REDIS_URL: str = env.str("REDIS_URL", default="")
REDIS_KEY_PREFIX: str = env.str("REDIS_KEY_PREFIX", default="")
# A queue no worker reads: the message is sent, never run; the bench
# deletes it with the rest of its keys (or its broker folder).
BASELINE_QUEUE = "bench-baseline"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = (
        {"global_keyprefix": REDIS_KEY_PREFIX} if REDIS_KEY_PREFIX else {}
    )
else:
    _broker = Path(env.str("CELERY_BROKER_DIR", default=str(BENCH_DIR / "broker"))) / "baseline"
    _broker.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker),
        "data_folder_out": str(_broker),
    }
# The service's page bytes, written by the bench before it starts this project.
READY_BYTES_FILE = Path(env.str("BASELINE_READY_BYTES", default=str(BENCH_DIR / "ready.json")))

LOGGING_CONFIG = None
