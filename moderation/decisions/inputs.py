"""A moderator's decision as it is asked for: what it must say, checked the
same way wherever it comes from, and the service call it makes with the
checked data. The moderation API validates request bodies with these, and
the admin's review page validates its forms with them too (`admin.review`).
Strict JSON types; the review page converts its form strings first.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from moderation.decisions import notes, services
from testimonials.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from testimonials.models import MaterialConnection, RejectionReason

VERSION_HELP = (
    "The `version` the moderator saw; a decision on an item that changed since "
    "is refused with 409 `stale_version`."
)
# The words the service uses for a missing or unknown reason, so that the
# API and the review page answer the same.
CHOOSE_A_REASON = f"Choose one of: {', '.join(RejectionReason.values)}."


@extend_schema_serializer(component_name="ApproveInput")
class ApproveInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    body = StrictCharField(required=False, max_length=10000)
    use_suggested_body = StrictBooleanField(required=False, default=False)
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)
    typical_results = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="The tag of the typical-results statement to publish with ('' for the "
        "topic's own, the default). A story flagged for a medical claim needs one.",
    )
    material_connection = serializers.ChoiceField(
        choices=MaterialConnection.choices,
        required=False,
        help_text="Replaces the patient's answer; published with the story.",
    )
    material_connection_detail = StrictCharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("use_suggested_body") and "body" in attrs:
            raise serializers.ValidationError(
                {"use_suggested_body": ["Send either a body or use_suggested_body, not both."]}
            )
        return attrs


@extend_schema_serializer(component_name="ReasonInput")
class ReasonInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    reason = serializers.ChoiceField(
        choices=RejectionReason.choices,
        error_messages={"required": CHOOSE_A_REASON, "invalid_choice": CHOOSE_A_REASON},
    )
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema_serializer(component_name="ReopenInput")
class ReopenInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema_serializer(
    component_name="EditPublishedInput",
    examples=[
        OpenApiExample(
            "Redact a name the patient asked to remove",
            value={
                "body": "The therapist at the front desk was kind and I walk again.",
                "version": 4,
            },
            request_only=True,
        )
    ],
)
class EditPublishedInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    body = StrictCharField(max_length=10000, help_text="The text to show from now on.")
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema_serializer(
    component_name="FeatureInput",
    examples=[OpenApiExample("Feature it", value={"featured": True}, request_only=True)],
)
class FeatureInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    featured = StrictBooleanField()
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema_serializer(
    component_name="ConnectionInput",
    examples=[
        OpenApiExample(
            "The author turns out to work at the clinic",
            value={"material_connection": "employee", "version": 4},
            request_only=True,
        )
    ],
)
class ConnectionInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    material_connection = serializers.ChoiceField(choices=MaterialConnection.choices)
    material_connection_detail = StrictCharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


@extend_schema_serializer(component_name="NoteInput")
class NoteInput(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    text = StrictCharField(max_length=4000)


@dataclass(frozen=True)
class Decision:
    """A decision's input serializer, and what it does with the checked data."""

    input: type[serializers.Serializer[Any]]
    act: Callable[[uuid.UUID, User, dict[str, Any]], object]


def _approve(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_approve(
        public_id=public_id,
        moderator=moderator,
        body=data.get("body"),
        use_suggested_body=data["use_suggested_body"],
        expected_version=data.get("version"),
        typical_results=data.get("typical_results"),
        material_connection=data.get("material_connection"),
        material_connection_detail=data.get("material_connection_detail"),
    )


def _reject(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_reject(
        public_id=public_id,
        moderator=moderator,
        reason=data["reason"],
        note=data["note"],
        expected_version=data.get("version"),
    )


def _unpublish(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_unpublish(
        public_id=public_id,
        moderator=moderator,
        reason=data["reason"],
        note=data["note"],
        expected_version=data.get("version"),
    )


def _reopen(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_reopen(
        public_id=public_id,
        moderator=moderator,
        note=data["note"],
        expected_version=data.get("version"),
    )


def _edit_published(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_edit_published(
        public_id=public_id,
        moderator=moderator,
        body=data["body"],
        expected_version=data.get("version"),
    )


def _feature(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_feature(
        public_id=public_id,
        moderator=moderator,
        featured=data["featured"],
        expected_version=data.get("version"),
    )


def _connection(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return services.testimonial_connection_set(
        public_id=public_id,
        moderator=moderator,
        material_connection=data["material_connection"],
        material_connection_detail=data["material_connection_detail"],
        expected_version=data.get("version"),
    )


def _note(public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> object:
    return notes.moderator_note_add(public_id=public_id, moderator=moderator, text=data["text"])


APPROVE = Decision(ApproveInput, _approve)
REJECT = Decision(ReasonInput, _reject)
UNPUBLISH = Decision(ReasonInput, _unpublish)
REOPEN = Decision(ReopenInput, _reopen)
EDIT_PUBLISHED = Decision(EditPublishedInput, _edit_published)
FEATURE = Decision(FeatureInput, _feature)
CONNECTION = Decision(ConnectionInput, _connection)
NOTE = Decision(NoteInput, _note)
