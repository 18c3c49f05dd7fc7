"""What production settings make of the environment a deployment gives them:
a placeholder secret key stops the start, managed PostgreSQL behind
PgBouncer and managed Redis over TLS get the options they need, and the
broker may be a Redis of its own."""

import json
import os
import secrets
import ssl
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

SHOW_SETTINGS = """
import json
from config.settings import production as s
print(json.dumps({
    "cache": s.CACHES["default"],
    "broker_url": s.CELERY_BROKER_URL,
    "broker_ssl": getattr(s, "CELERY_BROKER_USE_SSL", None),
    "database": {k: v for k, v in s.DATABASES["default"].items() if k != "PASSWORD"},
}, default=str))
"""


def production_settings(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a process of its own with a real secret key and
    `environment` (and the repository's .env, as a deployment would)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _settings(**environment: str) -> dict[str, Any]:
    result = production_settings(SHOW_SETTINGS, **environment)
    assert result.returncode == 0, result.stderr
    produced: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return produced


@pytest.mark.parametrize(
    "key",
    [
        "change-me",
        "collectstatic-only",
        "django-insecure-" + "k" * 50,
        # Random but short (27 characters); a fixed id keeps pytest-xdist's
        # workers collecting the same test.
        pytest.param(secrets.token_urlsafe(20), id="short-random"),
    ],
)
def test_production_refuses_a_placeholder_or_short_secret_key(key):
    result = production_settings("import config.settings.production", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is a placeholder or shorter than 50 characters" in result.stderr
    assert key not in result.stderr, "the refused key is not printed"


def test_production_starts_with_a_real_secret_key():
    result = production_settings("import config.settings.production")
    assert result.returncode == 0, result.stderr


def test_rediss_gives_the_cache_and_the_broker_verified_tls():
    url = "rediss://:secret@redis.managed.example:6380/0"
    produced = _settings(REDIS_URL=url, REDIS_TLS_CA_CERTS="/etc/ssl/certs/ca-certificates.crt")
    assert produced["cache"]["LOCATION"] == url
    assert produced["cache"]["OPTIONS"]["ssl_cert_reqs"] == int(ssl.CERT_REQUIRED)
    assert produced["cache"]["OPTIONS"]["ssl_ca_certs"] == "/etc/ssl/certs/ca-certificates.crt"
    assert produced["broker_url"] == url, "the broker defaults to the cache's Redis"
    assert produced["broker_ssl"] == {
        "ssl_cert_reqs": int(ssl.CERT_REQUIRED),
        "ssl_ca_certs": "/etc/ssl/certs/ca-certificates.crt",
    }


def test_the_broker_may_be_a_redis_of_its_own():
    produced = _settings(
        REDIS_URL="redis://cache.internal:6379/0",
        CELERY_BROKER_URL="rediss://broker.managed.example:6380/0",
    )
    assert produced["cache"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert "ssl_cert_reqs" not in produced["cache"]["OPTIONS"]
    assert produced["broker_url"] == "rediss://broker.managed.example:6380/0"
    assert produced["broker_ssl"] == {"ssl_cert_reqs": int(ssl.CERT_REQUIRED)}


def test_plain_redis_has_no_tls_options():
    produced = _settings(REDIS_URL="redis://redis:6379/0")
    assert produced["broker_url"] == "redis://redis:6379/0"
    assert produced["broker_ssl"] is None
    assert "ssl_cert_reqs" not in produced["cache"]["OPTIONS"]


def test_server_side_cursors_can_be_turned_off_for_pgbouncer():
    url = "postgres://app:secret@pgbouncer.internal:6432/testimonials"
    assert _settings(DATABASE_URL=url)["database"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    behind_pgbouncer = _settings(DATABASE_URL=url, DATABASE_DISABLE_SERVER_SIDE_CURSORS="true")
    assert behind_pgbouncer["database"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert behind_pgbouncer["database"]["HOST"] == "pgbouncer.internal"
