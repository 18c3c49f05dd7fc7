"""Texts: one small interface, `SmsBackend.send(message) -> message id`,
chosen by `SMS_BACKEND` (a dotted path; empty sends no texts).

`FileBackend` writes each text as one JSON file under `SMS_FILE_PATH`
(`make run`, tests); a provider's SDK goes behind the same interface."""

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, message: TextMessage) -> str:
        """Send it, or raise; returns the provider's id for the message."""
        ...


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
