"""What a text may be sent from: an alphanumeric sender ID (1 to 11
letters, digits or spaces, at least one letter: what carriers accept) or a
phone number in E.164 form. Shared by the `SMS_SENDER_ID` setting's check
and `Location.sms_sender`'s validator (settings load before any model)."""

import re

from django.core.exceptions import ValidationError

ALPHANUMERIC_SENDER = re.compile(r"(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11}")
E164_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")
MESSAGE = (
    "An alphanumeric sender ID (1 to 11 letters, digits or spaces, at least one letter, "
    "e.g. MoveWell) or a phone number in E.164 form (e.g. +34612345678)."
)


def is_sms_sender(value: str) -> bool:
    return bool(ALPHANUMERIC_SENDER.fullmatch(value) or E164_NUMBER.fullmatch(value))


def validate_sms_sender(value: str) -> None:
    if not is_sms_sender(value):
        raise ValidationError(MESSAGE, code="invalid_sms_sender")
