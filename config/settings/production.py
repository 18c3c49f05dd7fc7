"""`make serve` and `docker compose up`: only tightens the base settings."""

from django.core.exceptions import ImproperlyConfigured

from config.log import logging_config
from config.settings.base import *  # noqa: F403
from config.settings.base import LOG_LEVEL, SECRET_KEY, TWILIO_API_BASE_URL, env

# A key anyone can read (an example's, a throwaway's) or guess signs patients'
# links and sessions for everyone: refuse to start with one.
PLACEHOLDER_SECRET_KEYS = {
    "change-me",  # .env.example
    "collectstatic-only",  # the Dockerfile's, before it made a random one
    "compose-config-check",  # tests/test_compose.py
    "test-only-not-secret",  # config/settings/test.py
}
if (
    SECRET_KEY in PLACEHOLDER_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure-")
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a placeholder or shorter than 50 characters; make one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Twilio's API elsewhere is for tests and development: in production it
# would hand the account's credentials to another host.
if TWILIO_API_BASE_URL:
    raise ImproperlyConfigured("TWILIO_API_BASE_URL is for tests and development only")

DEBUG = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent only on requests that came in over https (the TLS proxy says so in
# X-Forwarded-Proto, which nginx passes on): a year, this host only.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
X_FRAME_OPTIONS = "DENY"

# One JSON object a line, for the log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)

# Staff need a TOTP code as well as their password to reach the admin.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)

# `manage.py check --deploy` is clean; these are silenced on purpose.
# The service speaks plain http to the TLS-terminating proxy in front of it
# (docker-compose.yml, `make serve` on 127.0.0.1); that proxy redirects http
# to https, so:
#   security.W008: no SECURE_SSL_REDIRECT here (behind the proxy it would be
#       redundant; on 127.0.0.1 it would make the service unreachable);
#   security.W005: HSTS covers this host only: the clinic's other subdomains
#       are not the service's to commit to https;
#   security.W021: nor is asking browsers to preload the clinic's domain.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W008", "security.W021"]
