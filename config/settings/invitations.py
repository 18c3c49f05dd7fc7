"""Invitations to share a story (testimonials/invitations), and the asks
that follow visits from a practice system (testimonials/visits).

Imported by `config.settings.base` once `.env` is read.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.sms_sender import MESSAGE as SENDER_FORMAT
from config.sms_sender import is_sms_sender

__all__ = [
    "CLINIC_NAME",
    "INVITATION_DELAY_MINUTES",
    "INVITATION_MAX_BATCH",
    "INVITATION_MIN_DAYS_BETWEEN",
    "INVITATION_QUIET_HOURS",
    "INVITATION_REMINDER_DAYS",
    "INVITATION_TTL",
    "SMS_BACKEND",
    "SMS_FILE_PATH",
    "SMS_INBOUND_TOKEN",
    "SMS_SENDER_ID",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_API_BASE_URL",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_TIMEOUT",
]

env = environ.Env()

# How long an invitation's single-use link works.
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=30))
# Most invitations one batch (a CSV upload or one command) may create.
INVITATION_MAX_BATCH: int = env.int("INVITATION_MAX_BATCH", default=1000)
# The clinic's name as invitation emails give it (they never name a treatment).
CLINIC_NAME: str = env.str("CLINIC_NAME", default="the clinic")

# A visit's ask goes out this long after the visit was completed...
INVITATION_DELAY_MINUTES: int = env.int("INVITATION_DELAY_MINUTES", default=120)
# ...never inside these hours of the location's clock ("21-8": from 21:00 to
# 08:00, moved to the end of them); empty turns quiet hours off.
INVITATION_QUIET_HOURS: str = env.str("INVITATION_QUIET_HOURS", default="21-8")
# A patient (by email or phone) is asked at most once in this many days,
# whatever the number of visits.
INVITATION_MIN_DAYS_BETWEEN: int = env.int("INVITATION_MIN_DAYS_BETWEEN", default=90)
# A visit's invitation still unused this many days after it went out is
# sent once more, as a reminder; 0 turns reminders off.
INVITATION_REMINDER_DAYS: int = env.int("INVITATION_REMINDER_DAYS", default=5)

# Texts (testimonials/visits/sms.py): a dotted path to a backend, e.g.
# testimonials.visits.sms.FileBackend (one file a message under
# SMS_FILE_PATH, `make run`'s default); empty sends no texts.
SMS_BACKEND: str = env.str("SMS_BACKEND", default="")
SMS_FILE_PATH = Path(
    env.str("SMS_FILE_PATH", default=str(Path(__file__).resolve().parents[2] / "var/outbox/sms"))
)
# The provider posts patients' replies (STOP, HELP) to /api/v1/sms/inbound
# with `Authorization: Bearer` this token; unset, the endpoint is a 404.
SMS_INBOUND_TOKEN: str = env.str("SMS_INBOUND_TOKEN", default="")
# What texts are sent from where a location names no sender of its own
# (`Location.sms_sender`): an alphanumeric sender ID or an E.164 number.
SMS_SENDER_ID: str = env.str("SMS_SENDER_ID", default="")

# Twilio (SMS_BACKEND=testimonials.visits.sms_twilio.TwilioBackend): the
# account's SID and auth token (the token also checks the signature of
# Twilio's callbacks), and the seconds one API call may take.
TWILIO_ACCOUNT_SID: str = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN: str = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_TIMEOUT: float = env.float("TWILIO_TIMEOUT", default=10.0)
# Tests and development only: send Twilio's API calls to this origin (a
# local server imitating the Messages API) instead of https://api.twilio.com.
TWILIO_API_BASE_URL: str = env.str("TWILIO_API_BASE_URL", default="")

TWILIO_BACKEND = "testimonials.visits.sms_twilio.TwilioBackend"

if INVITATION_QUIET_HOURS.strip() and not re.fullmatch(
    r"\s*([01]?\d|2[0-3])\s*-\s*([01]?\d|2[0-3])\s*", INVITATION_QUIET_HOURS
):
    raise ImproperlyConfigured(
        f"INVITATION_QUIET_HOURS={INVITATION_QUIET_HOURS!r}: write START-END in whole hours "
        "(0-23), e.g. 21-8, or leave it empty"
    )
if min(INVITATION_DELAY_MINUTES, INVITATION_MIN_DAYS_BETWEEN, INVITATION_REMINDER_DAYS) < 0:
    raise ImproperlyConfigured(
        "INVITATION_DELAY_MINUTES, INVITATION_MIN_DAYS_BETWEEN and INVITATION_REMINDER_DAYS "
        "are >= 0"
    )
if SMS_SENDER_ID and not is_sms_sender(SMS_SENDER_ID):
    raise ImproperlyConfigured(f"SMS_SENDER_ID={SMS_SENDER_ID!r}: {SENDER_FORMAT}")
if SMS_BACKEND == TWILIO_BACKEND and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured(
        "SMS_BACKEND is Twilio's: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
    )
if TWILIO_TIMEOUT <= 0:
    raise ImproperlyConfigured("TWILIO_TIMEOUT is a number of seconds > 0")
