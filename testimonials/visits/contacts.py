"""A patient's email and phone: checked, written one way, and hashed.

The hash is how the cap and the opt-outs know a patient without keeping an
address: SHA-256 of the organisation and the normalised value. It is not
keyed with the secret key on purpose: an opt-out must outlive any rotation
of it (a lost opt-out would ask someone who said stop)."""

import hashlib

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext


def normalised_email(value: str) -> str:
    """The address as stored and hashed (trimmed, lower case); raises
    `ValidationError` for one that is not an address."""
    email = value.strip().lower()
    validate_email(email)
    return email


def normalised_phone(value: str) -> str:
    """The number in E.164 (`+14155550123`): it must start with `+` and its
    country code; spaces, dots, dashes and brackets are allowed. Raises
    `ValidationError` for anything that is not a possible number."""
    text = value.strip()
    if not text.startswith("+"):
        raise ValidationError(gettext("Give the number in international form, e.g. +14155550123."))
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(gettext("This is not a phone number.")) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(gettext("This is not a phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_hash(organisation_id: int, contact: str) -> str:
    """The hash of a normalised email or phone within one organisation."""
    return hashlib.sha256(f"{organisation_id}:{contact}".encode()).hexdigest()


def contact_hashes(organisation_id: int, *, email: str = "", phone: str = "") -> list[str]:
    """The hashes of whichever of the two a patient gave."""
    return [contact_hash(organisation_id, value) for value in (email, phone) if value]
