"""Email: SMTP by EMAIL_URL (django-environ's form, e.g.
smtp+tls://user:password@smtp.example.com:587), or a provider's API through
django-anymail, whose delivery events come back to the outbox rows
(docs/operating.md#email-through-a-provider). EMAIL_TIMEOUT is with the
queues (config/settings/queues.py).

Imported by `config.settings.base` once `.env` is read.
"""

from typing import Any

import environ

env = environ.Env()
_email: dict[str, Any] = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(_email)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="stories@clinic.example")

# An email provider through django-anymail instead of EMAIL_URL's backend,
# e.g. anymail.backends.postmark.EmailBackend; empty keeps EMAIL_URL (SMTP).
# Its delivery events come back to /anymail/<provider>/tracking/, mounted
# only when ANYMAIL_WEBHOOK_SECRET ("user:password", the webhook's basic
# auth) is set, and land on the outbox rows (testimonials.delivery_events).
if env.str("EMAIL_BACKEND", default=""):
    globals()["EMAIL_BACKEND"] = _email["EMAIL_BACKEND"] = env.str("EMAIL_BACKEND")
ANYMAIL: dict[str, str] = {
    name: value
    for name, value in {
        "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
        "POSTMARK_SERVER_TOKEN": env.str("ANYMAIL_POSTMARK_SERVER_TOKEN", default=""),
        "MAILGUN_API_KEY": env.str("ANYMAIL_MAILGUN_API_KEY", default=""),
        "MAILGUN_SENDER_DOMAIN": env.str("ANYMAIL_MAILGUN_SENDER_DOMAIN", default=""),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    }.items()
    if value
}

# What `from config.settings.email import *` takes: the settings, not `env`.
__all__ = [*_email, "ANYMAIL", "DEFAULT_FROM_EMAIL"]
