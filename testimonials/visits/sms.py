"""Texts: one small interface, `SmsBackend.send(message) -> message id`,
chosen by `SMS_BACKEND` (a dotted path; empty sends no texts).

`FileBackend` writes each text as one JSON file under `SMS_FILE_PATH`
(`make run`, tests); `testimonials.visits.sms_twilio.TwilioBackend` sends
through Twilio. A backend says how a send failed by what it raises:
`SmsRejected` when the provider refused this text for good (it is marked
failed, never tried again), anything else when trying later may work
(`SmsTemporaryFailure` carries the provider's Retry-After)."""

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from testimonials.models import Location


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str
    # What the patient's phone shows it comes from (`sender_for`); empty:
    # the provider's default.
    sender: str = ""
    # Our id for it (the `AskText`'s), handed back with its delivery
    # receipts, which may come before the provider's id for it is stored.
    reference: str = ""


class SmsBackend(Protocol):
    def send(self, message: TextMessage) -> str:
        """Send it, or raise; returns the provider's id for the message."""
        ...


class SmsTemporaryFailure(Exception):
    """The provider could not take the text now (timeout, 5xx, 429):
    send it again later, not before `retry_after` seconds if it said."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SmsRejected(Exception):
    """The provider refused this text for good (an invalid number, a
    recipient who blocked us): `code` is the provider's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"refused by the provider, error {code}")
        self.code = code


class FileBackend:
    """One file a text, named by the time and a random id, never by the number."""

    def send(self, message: TextMessage) -> str:
        folder = settings.SMS_FILE_PATH
        folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{message_id}.json"
        (folder / name).write_text(json.dumps(asdict(message), ensure_ascii=False, indent=2))
        return message_id


def texts_enabled() -> bool:
    return bool(settings.SMS_BACKEND)


def backend() -> SmsBackend:
    backend_class: type[SmsBackend] = import_string(settings.SMS_BACKEND)
    return backend_class()


def sender_for(location: Location | None) -> str:
    """The location's own sender, else the installation's `SMS_SENDER_ID`."""
    if location is not None and location.sms_sender:
        return location.sms_sender
    return str(settings.SMS_SENDER_ID)
