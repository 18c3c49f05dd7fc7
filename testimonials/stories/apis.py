"""The patient's API: submit a story, read its status, withdraw it, through
the private link the submission answers with."""

import uuid
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials import languages
from testimonials.consent import authorization_reads
from testimonials.errors import FieldErrors
from testimonials.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
)
from testimonials.media import images, recordings
from testimonials.media import services as media_services
from testimonials.models import (
    Channel,
    DisplayPreference,
    MaterialConnection,
    MediaKind,
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
    media = serializers.ListField(
        child=serializers.ChoiceField(choices=MediaKind.choices),
        help_text="The media the authorization covers besides the text (`photo`, `video`, "
        "`audio`); empty: the text only.",
    )
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
    withdraw_media_url = serializers.SerializerMethodField(
        help_text="POST here to take back the photo and video and keep the text; null when "
        "the story has none."
    )
    authorization = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_withdraw_media_url(self, testimonial: Testimonial) -> str | None:
        # A story just submitted has exactly the media it came with: no query.
        in_effect = self.context.get("media_in_effect")
        if in_effect is None:
            in_effect = media_services.media_in_effect(testimonial_id=testimonial.pk)
        if not in_effect:
            return None
        return self._url("testimonial-withdraw-media", testimonial)

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

    # issue 22: with `multipart/form-data`, a photo and a video or audio clip.
    photo = serializers.FileField(
        required=False,
        allow_empty_file=False,
        help_text="JPEG, PNG, WebP or HEIC, at most `MEDIA_MAX_PHOTO_BYTES`. Decoded and "
        "re-encoded without any metadata (EXIF, GPS, XMP) before anyone sees it.",
    )
    photo_alt = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    video = serializers.FileField(
        required=False,
        allow_empty_file=False,
        help_text="MP4, WebM or M4A (audio only is published as `audio`), at most "
        "`MEDIA_MAX_VIDEO_BYTES` and `MEDIA_MAX_VIDEO_SECONDS`; its metadata is removed.",
    )
    video_alt = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="What the recording shows, in a sentence.",
    )
    video_captions = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=settings.TESTIMONIAL_MAX_LENGTH * 2,
        help_text="Captions (WebVTT) or a transcript of the recording; screened like the story.",
    )

    def validate_consent_to_publish(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(gettext("Consent to publish is required."))
        return value

    def validate_photo(self, upload: UploadedFile[bytes]) -> media_services.MediaUpload:
        try:
            clean = images.photo_sanitize(
                upload,
                declared_type=upload.content_type or "",
                size=upload.size or 0,
                field="photo",
            )
        except FieldErrors as exc:
            raise serializers.ValidationError(exc.fields["photo"]) from None
        return media_services.MediaUpload(kind=MediaKind.PHOTO, file=clean)

    def validate_video(self, upload: UploadedFile[bytes]) -> media_services.MediaUpload:
        try:
            kind, clean = recordings.recording_sanitize(
                upload,
                declared_type=upload.content_type or "",
                size=upload.size or 0,
                field="video",
            )
        except FieldErrors as exc:
            raise serializers.ValidationError(exc.fields["video"]) from None
        return media_services.MediaUpload(kind=kind, file=clean)


def media_from(data: dict[str, Any]) -> tuple[media_services.MediaUpload, ...]:
    """The sanitized files of a valid submission, with what the patient said of them."""
    uploads = []
    if data.get("photo") is not None:
        uploads.append(replace(data["photo"], alt_text=data["photo_alt"]))
    if data.get("video") is not None:
        uploads.append(
            replace(data["video"], alt_text=data["video_alt"], captions=data["video_captions"])
        )
    return tuple(uploads)


# Form fields that JSON would carry as booleans or numbers.
_FORM_BOOLEANS = frozenset({"consent_to_publish", "age_18_or_over"})
_FORM_LISTS = frozenset({"channels"})


def form_as_json(data: QueryDict) -> dict[str, Any]:
    """A `multipart/form-data` submission as the JSON body it stands for:
    `true`/`false` for the yes-or-no fields, a whole number for `rating`,
    every value of `channels`; anything else stays a string, which the
    strict fields refuse as JSON would."""
    values: dict[str, Any] = {}
    for name in data:
        given = data.getlist(name)
        if name in _FORM_LISTS:
            values[name] = given
            continue
        value: Any = given[-1]
        if name in _FORM_BOOLEANS and value in ("true", "false"):
            value = value == "true"
        elif name == "rating" and isinstance(value, str):
            value = int(value) if value.isascii() and value.isdigit() else (value or None)
        values[name] = value
    return values


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
        media=media_from(data),
    )


class TestimonialSubmitApi(APIView):
    throttle_classes = [SubmitThrottle]
    authentication_classes: list[type] = []
    parser_classes = [JSONParser, MultiPartParser]

    InputSerializer = SubmissionInputSerializer

    @extend_schema(
        request={
            "application/json": InputSerializer,
            "multipart/form-data": InputSerializer,
        },
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
        data = request.data
        if isinstance(data, QueryDict):
            data = form_as_json(data)
        serializer = self.InputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = submission_from(data)
        outcome = submitting.testimonial_submit(
            submission=submission,
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:255] or None,
            reader_language=languages.requested(request),
        )
        context: dict[str, Any] = {"request": request}
        if outcome.authorization is not None:
            context["authorization_history"] = [outcome.authorization]
            context["media_in_effect"] = bool(submission.media)
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


class TestimonialWithdrawMediaApi(PatientStoryApi):
    @extend_schema(
        request=None,
        responses=PatientTestimonialSerializer,
        summary="A patient takes back their photo and video and keeps the text",
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = media_services.media_withdraw(testimonial=self.story(public_id, secret))
        return self.answer(request, testimonial)
