"""The patient's authorization, for apps: the same powers as their page
(authorize an imported story, approve an edited text, narrow, renew), behind
the same secret link."""

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from testimonials.consent import authorizations, edit_approval
from testimonials.fields import RejectUnknownFieldsMixin, StrictCharField, StrictIntegerField
from testimonials.models import Channel, DisplayPreference, Testimonial
from testimonials.stories.apis import PatientStoryApi, PatientTestimonialSerializer

VERSION_HELP = "The story's `version` the patient saw; a story changed since is a 409."


# A patient's change to their authorization: `InputSerializer` checks the body, `act` calls
# the service, the answer is the story as the patient sees it now. Subclasses give `post`
# its schema.
class PatientApi(PatientStoryApi):
    InputSerializer: type[serializers.Serializer[Any]]

    def act(self, testimonial: Testimonial, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def change(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = self.story(public_id, secret)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(testimonial, serializer.validated_data)
        return self.answer(request, self.story(public_id, secret))


class AuthorizeApi(PatientApi):
    @extend_schema_serializer(component_name="AuthorizeInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        signature = StrictCharField(max_length=120, help_text="The patient types their name.")
        channels = serializers.ListField(
            child=serializers.ChoiceField(choices=Channel.choices),
            required=False,
            allow_empty=False,
            help_text="Where it may appear; default: every channel.",
        )
        display_preference = serializers.ChoiceField(
            choices=DisplayPreference.choices, default=DisplayPreference.FIRST_NAME_INITIAL
        )
        expires_on = serializers.DateField(
            required=False, allow_null=True, default=None, help_text="As when submitting."
        )
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=PatientTestimonialSerializer,
        summary="A patient authorizes their imported story",
        description="Only for a story imported without consent evidence that has never had an "
        "authorization: signs one under the current consent version for the text it shows "
        "now. If a moderator approved it, it is public at once. `409` otherwise.",
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        return self.change(request, public_id, secret)

    def act(self, testimonial: Testimonial, data: dict[str, Any]) -> None:
        authorizations.authorization_grant(
            testimonial=testimonial,
            signature=data["signature"],
            channels=data.get("channels") or Channel.values,
            display_preference=data["display_preference"],
            expires_on=data["expires_on"],
            expected_version=data.get("version"),
        )


class ApproveEditApi(PatientApi):
    @extend_schema_serializer(component_name="ApproveEditInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        signature = StrictCharField(max_length=120, help_text="The signer types their name.")
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=PatientTestimonialSerializer,
        summary="A patient approves a moderator's edit of their story",
        description="Only when `authorization.state` is `awaiting_approval`; the story is "
        "public again at once. `409` otherwise.",
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        return self.change(request, public_id, secret)

    def act(self, testimonial: Testimonial, data: dict[str, Any]) -> None:
        edit_approval.authorization_approve_edit(
            testimonial=testimonial,
            signature=data["signature"],
            expected_version=data.get("version"),
        )


class NarrowApi(PatientApi):
    @extend_schema_serializer(
        component_name="NarrowInput",
        examples=[
            OpenApiExample(
                "Off partner sites, initials only",
                value={"channels": ["clinic", "widget"], "display_preference": "initials"},
                request_only=True,
            )
        ],
    )
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        channels = serializers.ListField(
            child=serializers.ChoiceField(choices=Channel.choices),
            allow_empty=False,
            help_text="The channels to keep: a subset of those authorized now.",
        )
        display_preference = serializers.ChoiceField(
            choices=DisplayPreference.choices,
            help_text="The same as now or one that shows less of the name.",
        )
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=PatientTestimonialSerializer,
        summary="A patient narrows their authorization",
        description="Takes effect at once: sites of a dropped channel get a tombstone in the "
        "changes feed and a `testimonial.unpublished` webhook; a name shown differently is "
        "a `testimonial.updated` elsewhere.",
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        return self.change(request, public_id, secret)

    def act(self, testimonial: Testimonial, data: dict[str, Any]) -> None:
        authorizations.authorization_narrow(
            testimonial=testimonial,
            channels=data["channels"],
            display_preference=data["display_preference"],
            expected_version=data.get("version"),
        )


class RenewApi(PatientApi):
    @extend_schema_serializer(component_name="RenewInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        signature = StrictCharField(max_length=120, help_text="The signer types their name.")
        expires_on = serializers.DateField(
            required=False, allow_null=True, default=None, help_text="As when submitting."
        )
        channels = serializers.ListField(
            child=serializers.ChoiceField(choices=Channel.choices),
            required=False,
            allow_empty=False,
            help_text="Default: the channels authorized now.",
        )
        display_preference = serializers.ChoiceField(
            choices=DisplayPreference.choices, required=False
        )
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=PatientTestimonialSerializer,
        summary="A patient renews their authorization",
        description="Signs anew under the current consent version, while the authorization "
        "is in effect; the channels and the name may be chosen anew. `409` after expiry.",
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        return self.change(request, public_id, secret)

    def act(self, testimonial: Testimonial, data: dict[str, Any]) -> None:
        authorizations.authorization_renew(
            testimonial=testimonial,
            signature=data["signature"],
            expires_on=data["expires_on"],
            channels=data.get("channels"),
            display_preference=data.get("display_preference"),
            expected_version=data.get("version"),
        )
