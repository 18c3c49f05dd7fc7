"""The patient's API: submit a story, read its status, withdraw it, through
the private link the submission answers with."""

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials import languages
from testimonials.consent import authorization_reads
from testimonials.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
)
from testimonials.models import (
    Channel,
    DisplayPreference,
    MaterialConnection,
    Testimonial,
)
from testimonials.stories import patient_links, submitting, withdrawal
from testimonials.stories.api_examples import (
    TESTIMONIAL_STATUS_EXAMPLES,
    TESTIMONIAL_SUBMIT_EXAMPLES,
    TESTIMONIAL_WITHDRAW_EXAMPLES,
)
from testimonials.throttling import SubmitThrottle


class AuthorizationCopySerializer(serializers.Serializer[Any]):
    """The patient's copy of their authorization (`authorization_reads.authorization_copy`)."""

    id = serializers.UUIDField()
    state = serializers.ChoiceField(
        choices=["active", "awaiting_approval", "expired", "revoked", "none"],
        help_text="`awaiting_approval`: a moderator's edit waits for the patient; the story "
        "is shown nowhere meanwhile.",
    )
    basis = serializers.CharField()
    text = serializers.CharField(help_text="The text authorized (blank once erased).")
    created_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    content_sha256 = serializers.CharField(help_text="SHA-256 of the text and name authorized.")
    display_name = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField()
    signature = serializers.CharField()
    signature_method = serializers.CharField()
    signer_role = serializers.CharField()
    patient_is_adult = serializers.BooleanField(allow_null=True)
    signed_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    consent_version = serializers.CharField()
    consent_text = serializers.CharField()
    discloser = serializers.CharField()
    purpose = serializers.CharField()
    statements = serializers.DictField(child=serializers.CharField())
    awaiting_approval = serializers.BooleanField()


class PatientTestimonialSerializer(serializers.Serializer[Any]):
    """What a patient sees of their own story, with their secret links."""

    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    topic = serializers.CharField(source="topic.slug")
    location = serializers.CharField(
        source="location.slug", help_text="The slug of the location where the patient was treated."
    )
    clinician = serializers.CharField(
        source="clinician.slug",
        allow_null=True,
        default=None,
        help_text="The slug of the clinician the story is about; null when none.",
    )
    display_name = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(source="created_at")
    published_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    status_url = serializers.SerializerMethodField()
    withdraw_url = serializers.SerializerMethodField()
    story_page_url = serializers.SerializerMethodField(
        help_text="The patient's page: their copy of the authorization, and the forms to "
        "approve an edit, narrow, renew or withdraw."
    )
    authorization = serializers.SerializerMethodField()

    @extend_schema_field(AuthorizationCopySerializer(allow_null=True))
    def get_authorization(self, testimonial: Testimonial) -> dict[str, Any] | None:
        return authorization_reads.authorization_copy(
            testimonial, history=self.context.get("authorization_history")
        )

    def get_story_page_url(self, testimonial: Testimonial) -> str:
        return self._url("patient-story", testimonial)

    def _url(self, name: str, testimonial: Testimonial) -> str:
        path = reverse(
            name,
            kwargs={
                "public_id": testimonial.public_id,
                "secret": patient_links.patient_secret(testimonial.public_id),
            },
        )
        request: Request = self.context["request"]
        return request.build_absolute_uri(path)

    def get_status_url(self, testimonial: Testimonial) -> str:
        return self._url("testimonial-status", testimonial)

    def get_withdraw_url(self, testimonial: Testimonial) -> str:
        return self._url("testimonial-withdraw", testimonial)


@extend_schema_serializer(component_name="SubmissionInput")
class SubmissionInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """The rules of a submission, for the API and the share page alike."""

    topic = StrictCharField(max_length=80)
    author_name = StrictCharField(max_length=120)
    body = StrictCharField(
        min_length=settings.TESTIMONIAL_MIN_LENGTH, max_length=settings.TESTIMONIAL_MAX_LENGTH
    )
    consent_to_publish = StrictBooleanField()
    consent_text_version = StrictCharField(max_length=40)
    email = StrictEmailField(required=False, allow_blank=True, default="")
    rating = StrictIntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5
    )
    display_preference = serializers.ChoiceField(
        choices=DisplayPreference.choices,
        required=False,
        default=DisplayPreference.FIRST_NAME_INITIAL,
    )
    # The authorization (45 CFR 164.508). All optional, so older clients keep
    # working: see `testimonials.consent.consent_terms.terms_from` for the defaults.
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        allow_empty=False,
        max_length=len(Channel.values),
        help_text="Where the story may appear. Default: every channel.",
    )
    signature = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=120,
        help_text="The signer's typed name. Default: `author_name`, recorded as a name given "
        "with the consent box rather than as a typed signature. Required under 18: the "
        "parent's or guardian's name.",
    )
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day the story may be shown (UTC). Default: "
        "`AUTHORIZATION_DEFAULT_DAYS` from now; at most `AUTHORIZATION_MAX_DAYS`.",
    )
    age_18_or_over = StrictBooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The age question. Default: not asked. `false` needs a parent or guardian "
        "to sign (`signature`, `guardian_relationship`).",
    )
    guardian_relationship = serializers.ChoiceField(
        choices=[("parent", "Parent"), ("legal_guardian", "Legal guardian")],
        required=False,
        allow_blank=True,
        default="",
        help_text="Who signs for a patient under 18.",
    )
    material_connection = serializers.ChoiceField(
        choices=MaterialConnection.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Any tie to the clinic a reader should know of; published with the story.",
    )
    material_connection_detail = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="What the connection is (required for `other`), e.g. '10% off my next visit'.",
    )
    invitation = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="The token of the invitation link the patient followed; used once.",
    )
    location = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="The slug of the location where the patient was treated. Default: the "
        "topic's location, or the organisation's only one.",
    )
    clinician = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="The slug of the clinician the story is about (one who works at the "
        "location), from `GET /api/v1/locations/`.",
    )

    def validate_consent_to_publish(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(gettext("Consent to publish is required."))
        return value


def submission_from(data: dict[str, Any]) -> submitting.Submission:
    """A valid `SubmissionInputSerializer`'s data, for the service."""
    return submitting.Submission(
        topic_slug=data["topic"],
        author_name=data["author_name"].strip(),
        body=data["body"],
        consent_to_publish=data["consent_to_publish"],
        consent_text_version=data["consent_text_version"],
        email=data["email"],
        rating=data["rating"],
        display_preference=data["display_preference"],
        channels=tuple(dict.fromkeys(data.get("channels") or ())),
        signature=data["signature"],
        expires_on=data["expires_on"],
        patient_is_adult=data["age_18_or_over"],
        guardian_relationship=data["guardian_relationship"],
        material_connection=data["material_connection"],
        material_connection_detail=data["material_connection_detail"],
        invitation=data["invitation"],
        location_slug=data["location"],
        clinician_slug=data["clinician"],
    )


class TestimonialSubmitApi(APIView):
    throttle_classes = [SubmitThrottle]
    authentication_classes: list[type] = []

    InputSerializer = SubmissionInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: PatientTestimonialSerializer},
        examples=TESTIMONIAL_SUBMIT_EXAMPLES,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="Retrying with the same key answers the same story instead of a copy.",
            )
        ],
        summary="Submit a story",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = submitting.testimonial_submit(
            submission=submission_from(data),
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:255] or None,
            reader_language=languages.requested(request),
        )
        context: dict[str, Any] = {"request": request}
        if outcome.authorization is not None:
            context["authorization_history"] = [outcome.authorization]
        body = PatientTestimonialSerializer(outcome.testimonial, context=context).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )


# An endpoint behind the patient's secret link: `story` opens the story, `answer` gives it as
# the patient sees it, which no cache may keep. (A comment, not a docstring: the schema would
# show a docstring as the endpoints' description.)
class PatientStoryApi(APIView):
    authentication_classes: list[type] = []

    def story(self, public_id: uuid.UUID, secret: str) -> Testimonial:
        return patient_links.testimonial_for_patient(public_id=public_id, secret=secret)

    def answer(self, request: Request, testimonial: Testimonial) -> Response:
        response = Response(
            PatientTestimonialSerializer(testimonial, context={"request": request}).data
        )
        response["Cache-Control"] = "no-store"
        return response


class TestimonialStatusApi(PatientStoryApi):
    @extend_schema(
        responses=PatientTestimonialSerializer,
        summary="A patient checks their story",
        examples=TESTIMONIAL_STATUS_EXAMPLES,
    )
    def get(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        return self.answer(request, self.story(public_id, secret))


class TestimonialWithdrawApi(PatientStoryApi):
    @extend_schema(
        request=None,
        responses=PatientTestimonialSerializer,
        summary="A patient withdraws their story",
        examples=TESTIMONIAL_WITHDRAW_EXAMPLES,
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = withdrawal.testimonial_withdraw(testimonial=self.story(public_id, secret))
        return self.answer(request, testimonial)
