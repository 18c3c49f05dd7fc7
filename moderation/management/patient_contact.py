"""How `export_patient` and `erase_patient` name a patient: an email
address, a phone (`--phone`, international form), or both."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from testimonials.visits import contacts


def add_patient_contact_arguments(parser: CommandParser, *, phone_help: str) -> None:
    parser.add_argument("email", nargs="?", default="")
    parser.add_argument("--phone", default="", help=phone_help)


def patient_contact(options: dict[str, Any]) -> tuple[str, str]:
    """The email and the normalised phone the command was given; a clear
    error when neither is, or the phone is not one."""
    email, phone = options["email"].strip(), options["phone"].strip()
    if not email and not phone:
        raise CommandError("Give the patient's email address, or --phone, or both.")
    if phone:
        try:
            phone = contacts.normalised_phone(phone)
        except ValidationError as exc:
            raise CommandError(f"--phone: {' '.join(exc.messages)}") from exc
    return email, phone
