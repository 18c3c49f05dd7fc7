"""`make serve` and `docker compose up`: only tightens the base settings."""

from config.log import logging_config
from config.settings.base import *  # noqa: F403
from config.settings.base import LOG_LEVEL, env

DEBUG = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
X_FRAME_OPTIONS = "DENY"

# One JSON object a line, for the log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)

# Staff need a TOTP code as well as their password to reach the admin.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)

# `manage.py check --deploy` is clean; these two are silenced on purpose.
# The service speaks plain http to the TLS-terminating proxy in front of it
# (docker-compose.yml, `make serve` on 127.0.0.1); that proxy redirects http
# to https and sends Strict-Transport-Security for the whole host, so:
#   security.W008: no SECURE_SSL_REDIRECT here (behind the proxy it would be
#       redundant; on 127.0.0.1 it would make the service unreachable);
#   security.W004: HSTS is the proxy's header; DJANGO_HSTS_SECONDS still
#       turns on Django's own where no proxy sends one.
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008"]
