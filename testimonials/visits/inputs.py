"""A visit's fields as a practice system sends them, checked one way for
every way in: the JSON of `POST /api/v1/visits/` and the rows of a day's
CSV file uploaded in the admin (`uploads`). What the fields must be
(types, lengths) is here; what they must mean (a location of the sender's,
a real email or phone) is `intake.visit_check`."""

from typing import Any

from rest_framework import serializers

from testimonials.errors import FieldErrors
from testimonials.fields import RejectUnknownFieldsMixin, StrictBooleanField, StrictCharField
from testimonials.visits.intake import VisitInput


class VisitInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    external_id = StrictCharField(max_length=200, help_text="The visit's id in your system.")
    completed_at = serializers.DateTimeField(help_text="When the visit ended (ISO 8601).")
    location = StrictCharField(max_length=60, help_text="The location's slug.")
    clinician = StrictCharField(
        max_length=60, required=False, allow_blank=True, default="", help_text="A slug."
    )
    email = StrictCharField(max_length=254, required=False, allow_blank=True, default="")
    phone = StrictCharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="International form, e.g. +14155550123. Email, phone or both.",
    )
    language = StrictCharField(max_length=12, required=False, allow_blank=True, default="")
    name = StrictCharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="The patient's name, pre-filled for them to confirm.",
    )
    consent_to_text = StrictBooleanField(required=False, default=False)


def visit_input_of(validated: dict[str, Any]) -> VisitInput:
    """A `VisitInputSerializer`'s validated data as the intake's input."""
    return VisitInput(
        external_id=validated["external_id"],
        completed_at=validated["completed_at"],
        location_slug=validated["location"],
        clinician_slug=validated["clinician"],
        email=validated["email"],
        phone=validated["phone"],
        language=validated["language"],
        name=validated["name"],
        consent_to_text=validated["consent_to_text"],
    )


def visit_input_parse(data: dict[str, Any]) -> VisitInput:
    """The API's field checks on `data`; raises `FieldErrors` (per field,
    as the API's 400 names them)."""
    serializer = VisitInputSerializer(data=data)
    if not serializer.is_valid():
        raise FieldErrors(
            {
                field: [str(message) for message in messages]
                for field, messages in _flat(serializer.errors)
            }
        )
    return visit_input_of(serializer.validated_data)


def _flat(errors: Any) -> list[tuple[str, list[Any]]]:
    return [
        (str(field), messages if isinstance(messages, list) else [messages])
        for field, messages in errors.items()
    ]
