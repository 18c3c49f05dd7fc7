"""The patients' and websites' HTTP API: parse, call one service or
selector, shape the answer."""

import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
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
from testimonials.honesty import disclosures, stats
from testimonials.models import (
    Channel,
    DisplayPreference,
    MaterialConnection,
    PublishingMode,
    Testimonial,
    Topic,
)
from testimonials.publishing import cache as public_cache
from testimonials.publishing import changes_feed, gate, representations
from testimonials.publishing import generation as publishing
from testimonials.publishing.channels import request_channel
from testimonials.sites.authentication import SiteKeyAuthentication
from testimonials.stories import patient_links, submitting, withdrawal
from testimonials.throttling import PUBLIC_THROTTLES, SubmitThrottle, public_anon_counter


class ConsentOutputSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    text = serializers.CharField()


class TypicalResultsOutputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        help_text="What patients generally achieve, in the clinic's words."
    )
    tag = serializers.CharField(help_text="A condition or treatment; '' for the whole topic.")
    # DRF fields named like Field's own attributes: fine at run time, the stubs disagree.
    label = serializers.CharField()  # type: ignore[assignment]
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="What the statement rests on; may be ''."
    )


class MaterialConnectionOutputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=[*MaterialConnection.values, "incentive"],
        help_text="`incentive`: offered to every invited patient, whatever their story says.",
    )
    text = serializers.CharField(help_text="The disclosure, to show next to the story.")


class TopicOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    open_for_submissions = serializers.BooleanField()
    consent = serializers.SerializerMethodField()
    education_url = serializers.SerializerMethodField()
    publishing_mode = serializers.ChoiceField(
        choices=PublishingMode.choices,
        help_text="`selected`: a selection the clinic chose; `all`: every story unless declined "
        "for a content-based reason.",
    )
    typical_results = serializers.SerializerMethodField(
        help_text="The topic's current typical-results statements (tag '' is the whole topic's)."
    )
    stats_url = serializers.SerializerMethodField()

    def get_consent(self, topic: Topic) -> dict[str, Any] | None:
        consent = self.context["consent"]
        if consent is None:
            return None
        return {
            "version": consent.version,
            "text": consent.text,
            # What an authorization must state (45 CFR 164.508(c)): show it.
            "discloser": consent.discloser,
            "purpose": consent.purpose,
            "statements": {
                "revocation": consent.revocation_statement,
                "conditioning": consent.conditioning_statement,
                "redisclosure": consent.redisclosure_statement,
            },
            "channels": [{"value": value, "label": label} for value, label in Channel.choices],
            "default_term_days": settings.AUTHORIZATION_DEFAULT_TERM.days,
            "max_term_days": settings.AUTHORIZATION_MAX_TERM.days,
        }

    def get_education_url(self, topic: Topic) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(reverse("education-topic", kwargs={"slug": topic.slug}))

    @extend_schema_field(TypicalResultsOutputSerializer(many=True))
    def get_typical_results(self, topic: Topic) -> list[dict[str, str] | None]:
        return [
            disclosures.typical_results_representation(statement)
            for statement in disclosures.current_statements(topic)
        ]

    def get_stats_url(self, topic: Topic) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(reverse("topic-stats", kwargs={"slug": topic.slug}))


TOPIC_EXAMPLE = {
    "slug": "dry-needling-low-back-pain",
    "title": "Dry needling for low back pain",
    "summary": "What to expect from dry needling, and what patients say.",
    "open_for_submissions": True,
    "consent": {
        "version": "2026-01",
        "text": "I agree that the clinic may publish my story. I can withdraw it at any time.",
    },
    "education_url": "https://stories.clinic.example/education/dry-needling-low-back-pain/",
    "publishing_mode": "all",
    "typical_results": [
        {
            "text": "Most patients who combine dry needling with home exercises report less pain "
            "after four to eight weeks; about a third notice little change.",
            "tag": "",
            "label": "",
            "source": "The clinic's outcome audit, 2025",
        }
    ],
    "stats_url": "https://stories.clinic.example/api/v1/topics/dry-needling-low-back-pain/stats",
}
_LINKS = "https://stories.clinic.example/api/v1/testimonials/3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11"
PATIENT_EXAMPLE = {
    "id": "3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11",
    "status": "submitted",
    "topic": "dry-needling-low-back-pain",
    "display_name": "Maria L.",
    "rating": 5,
    "submitted_at": "2026-03-01T09:12:44.501000Z",
    "published_at": None,
    "rejection_reason": "",
    "status_url": f"{_LINKS}/9c1e…b7/",
    "withdraw_url": f"{_LINKS}/9c1e…b7/withdraw",
    "story_page_url": "https://stories.clinic.example/stories/3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11/9c1e…b7/",
    "authorization": {
        "id": "b51c7f7e-3f0d-4a43-9d38-1e0f6c1d2a77",
        "state": "active",
        "basis": "signed",
        "text": "After four sessions and the home exercises I can sit through a workday again.",
        "created_at": "2026-03-01T09:12:44.501000Z",
        "superseded_at": None,
        "content_sha256": "5d41402abc4b2a76b9719d911017c592a1c8f2e6b3d4f1e0a9c8b7d6e5f4a3b2",
        "display_name": "Maria L.",
        "channels": ["clinic", "partners", "widget"],
        "expires_at": "2028-03-02T00:00:00Z",
        "signature": "Maria Lopez",
        "signature_method": "typed",
        "signer_role": "patient",
        "patient_is_adult": True,
        "signed_at": "2026-03-01T09:12:44.501000Z",
        "revoked_at": None,
        "consent_version": "2026-01",
        "consent_text": "I agree that the clinic may publish my story.",
        "discloser": "The clinic that runs this website, and the staff who publish its stories.",
        "purpose": "To show people who consider this treatment what other patients experienced.",
        "statements": {
            "revocation": "You may revoke this authorization at any time, in writing: ...",
            "conditioning": "Your treatment ... do not depend on whether you sign.",
            "redisclosure": "Once published, your story can be read and copied by anyone ...",
        },
        "awaiting_approval": False,
    },
}


def _topic_context(request: Request) -> dict[str, Any]:
    return {"request": request, "consent": authorization_reads.consent_current()}


class TopicListApi(APIView):
    @extend_schema(
        responses=TopicOutputSerializer(many=True),
        summary="List topics",
        examples=[OpenApiExample("Topics", value=[TOPIC_EXAMPLE], response_only=True)],
    )
    def get(self, request: Request) -> Response:
        data = TopicOutputSerializer(
            gate.topic_list(), many=True, context=_topic_context(request)
        ).data
        return Response(data)


class TopicDetailApi(APIView):
    @extend_schema(
        responses=TopicOutputSerializer,
        summary="One topic and its consent text",
        examples=[OpenApiExample("A topic", value=TOPIC_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, slug: str) -> Response:
        topic = gate.topic_get(slug=slug)
        return Response(TopicOutputSerializer(topic, context=_topic_context(request)).data)


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


class ReasonCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    by_reason = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every reason, with 0 where none."
    )


class RatingCountsSerializer(serializers.Serializer[Any]):
    reviewed = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Ratings ('1'-'5', 'none') of every story the clinic decided on: published, "
        "rejected or taken down.",
    )
    published = serializers.DictField(
        child=serializers.IntegerField(), help_text="Ratings of the stories published now."
    )


class TopicStatsOutputSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField()
    publishing_mode = serializers.ChoiceField(choices=PublishingMode.choices)
    publishing_mode_label = serializers.CharField()
    received = serializers.IntegerField(help_text="Every story sent, whatever became of it.")
    awaiting_review = serializers.IntegerField()
    published = serializers.IntegerField()
    rejected = ReasonCountsSerializer()
    unpublished = ReasonCountsSerializer(help_text="Published, then taken down by a moderator.")
    withdrawn = serializers.IntegerField(help_text="Taken back by the patient.")
    ratings = RatingCountsSerializer()
    content_based_reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="The reasons an 'All reviews' topic accepts for declining a story.",
    )
    generated_at = serializers.DateTimeField()


_RATINGS_EXAMPLE = {"1": 2, "2": 3, "3": 6, "4": 11, "5": 19, "none": 1}
STATS_EXAMPLE = {
    "topic": "dry-needling-low-back-pain",
    "publishing_mode": "all",
    "publishing_mode_label": "All reviews",
    "received": 50,
    "awaiting_review": 3,
    "published": 40,
    "rejected": {
        "total": 4,
        "by_reason": {
            "personal_data": 1,
            "profanity_abuse": 0,
            "spam": 2,
            "off_topic": 1,
            "duplicate": 0,
            "no_consent": 0,
            "medical_claim": 0,
            "other": 0,
        },
    },
    "unpublished": {"total": 1, "by_reason": {"personal_data": 1}},
    "withdrawn": 2,
    "ratings": {
        "reviewed": _RATINGS_EXAMPLE,
        "published": {"1": 2, "2": 3, "3": 5, "4": 10, "5": 19, "none": 1},
    },
    "content_based_reasons": list(disclosures.CONTENT_BASED_REASONS),
    "generated_at": "2026-03-02T14:05:09.120000Z",
}


class TopicStatsApi(APIView):
    authentication_classes: list[type] = []
    throttle_classes = PUBLIC_THROTTLES

    @extend_schema(
        responses=TopicStatsOutputSerializer,
        summary="Transparency: what became of every story a topic received",
        description="Received, published, rejected and taken down per reason, withdrawn, and "
        "the ratings of every reviewed story next to those of the published ones, so that "
        "anyone can check that nothing is withheld for its rating. `received` equals "
        "`awaiting_review + published + rejected.total + unpublished.total + withdrawn`.",
        examples=[OpenApiExample("A topic's report", value=STATS_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, slug: str) -> Response:
        topic = gate.topic_get(slug=slug)
        data = TopicStatsOutputSerializer(stats.topic_stats(topic=topic).as_dict()).data
        response = Response(data)
        patch_cache_control(response, public=True, max_age=settings.PUBLISHED_CACHE_MAX_AGE)
        return response


class PatientTestimonialSerializer(serializers.Serializer[Any]):
    """What a patient sees of their own story, with their secret links."""

    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    topic = serializers.CharField(source="topic.slug")
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
    )


class TestimonialSubmitApi(APIView):
    throttle_classes = [SubmitThrottle]
    authentication_classes: list[type] = []

    InputSerializer = SubmissionInputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: PatientTestimonialSerializer},
        examples=[
            OpenApiExample(
                "A story",
                value={
                    "topic": "dry-needling-low-back-pain",
                    "author_name": "Maria Lopez",
                    "body": "After four sessions and the home exercises I can sit through a "
                    "workday again.",
                    "consent_to_publish": True,
                    "consent_text_version": "2026-01",
                    "email": "maria@example.com",
                    "rating": 5,
                    "display_preference": "first_name_initial",
                    "channels": ["clinic", "partners", "widget"],
                    "signature": "Maria Lopez",
                    "expires_on": "2028-03-01",
                    "age_18_or_over": True,
                },
                request_only=True,
            ),
            OpenApiExample(
                "A story signed by a parent",
                value={
                    "topic": "dry-needling-low-back-pain",
                    "author_name": "Sam Lopez",
                    "body": "My knee stopped hurting on the stairs after six weeks of exercises.",
                    "consent_to_publish": True,
                    "consent_text_version": "2026-01",
                    "display_preference": "initials",
                    "channels": ["clinic"],
                    "age_18_or_over": False,
                    "signature": "Maria Lopez",
                    "guardian_relationship": "parent",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Received", value=PATIENT_EXAMPLE, response_only=True, status_codes=["202"]
            ),
        ],
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


class TestimonialStatusApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(
        responses=PatientTestimonialSerializer,
        summary="A patient checks their story",
        examples=[
            OpenApiExample(
                "Waiting for a moderator",
                value={**PATIENT_EXAMPLE, "status": "pending_review"},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
        response = Response(
            PatientTestimonialSerializer(testimonial, context={"request": request}).data
        )
        response["Cache-Control"] = "no-store"
        return response


class TestimonialWithdrawApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(
        request=None,
        responses=PatientTestimonialSerializer,
        summary="A patient withdraws their story",
        examples=[
            OpenApiExample(
                "Withdrawn",
                value={**PATIENT_EXAMPLE, "status": "withdrawn"},
                response_only=True,
            )
        ],
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
        testimonial = withdrawal.testimonial_withdraw(testimonial=testimonial)
        return Response(
            PatientTestimonialSerializer(testimonial, context={"request": request}).data
        )


class PublishedPagination(CursorPagination):
    # Positions, not offsets: stories published while a reader pages
    # through land before the first page and never shift later pages.
    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """`limit` is a whole number from 1 (more than 100 gives 100); anything
        else is a 400, not silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError({"limit": ["A whole number, at least 1."]})
        return min(int(raw), self.max_page_size)


class PublishedOutputSerializer(serializers.Serializer[Any]):
    """`representations.published_representation`, for the schema (a test keeps
    the two in step)."""

    id = serializers.UUIDField()
    display_name = serializers.CharField()
    body = serializers.CharField(help_text="As approved: a moderator's redaction, if any.")
    rating = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    topic = serializers.CharField(help_text="The topic's slug.")
    published_at = serializers.DateTimeField()
    featured = serializers.BooleanField()
    verified_patient = serializers.BooleanField(
        help_text="Shared through a single-use invitation the clinic sent the patient."
    )
    material_connections = MaterialConnectionOutputSerializer(
        many=True, help_text="Disclosures to show next to the story; empty when there are none."
    )
    typical_results = TypicalResultsOutputSerializer(
        allow_null=True,
        help_text="What patients generally achieve: show it next to the story when present.",
    )


class CollectionSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField()
    mode = serializers.ChoiceField(choices=PublishingMode.choices)
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="Show it with the stories, e.g. as a heading."
    )
    note = serializers.CharField(help_text="How the stories are chosen, in words for readers.")
    stats_url = serializers.URLField()


class PublishedPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublishedOutputSerializer(many=True)
    collection = CollectionSerializer(
        required=False,
        help_text="With `topic`: how the topic's stories are chosen (a selection, or all "
        "reviews); show the label with the stories.",
    )


STORY_EXAMPLE = {
    "id": "3f0c2a4e-8d1b-4c55-9d7e-2b6a1f0e9c11",
    "display_name": "Maria L.",
    "body": "After four sessions and the home exercises I can sit through a workday again.",
    "rating": 5,
    "topic": "dry-needling-low-back-pain",
    "published_at": "2026-03-02T14:05:09.120000Z",
    "featured": False,
    "verified_patient": True,
    "material_connections": [
        {
            "kind": "incentive",
            "text": "The clinic offered a $10 gift card to every patient it invited to share a "
            "story, whatever the story says.",
        }
    ],
    "typical_results": {
        "text": "Most patients who combine dry needling with home exercises report less pain "
        "after four to eight weeks; about a third notice little change.",
        "tag": "",
        "label": "",
        "source": "The clinic's outcome audit, 2025",
    },
}


@dataclass(frozen=True)
class _Validators:
    """A public response's ETag and Last-Modified, from the publication
    generation alone: a 304 costs one cache lookup and no query."""

    etag: str
    last_modified: int | None
    generation: str

    @classmethod
    def of(cls, request: Request, channel: str) -> "_Validators":
        state = publishing.publication_state()
        # The channel too: a site's key changes the answer, not the address.
        etag = public_cache.etag_for(request, state.generation, channel)
        modified = int(state.last_modified.timestamp()) if state.last_modified else None
        return cls(etag=etag, last_modified=modified, generation=state.generation)

    def apply(self, response: HttpResponseBase) -> None:
        response["ETag"] = self.etag
        patch_vary_headers(response, ("X-Api-Key", "Authorization"))
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLISHED_CACHE_MAX_AGE,
            stale_while_revalidate=settings.PUBLISHED_CACHE_MAX_AGE * 4,
        )

    def not_modified(self, request: Request) -> HttpResponseBase | None:
        """A 304 when the client's copy is current (If-None-Match, else
        If-Modified-Since), else None."""
        current = HttpResponse()
        self.apply(current)
        answer = get_conditional_response(
            request._request,
            etag=self.etag,
            last_modified=self.last_modified,
            response=current,
        )
        return None if answer is current else answer


class PublicReadApi(APIView):
    """Public, cacheable reads: anyone, any origin; a site's key raises the
    throttle from per-IP to per-site."""

    authentication_classes = [SiteKeyAuthentication]
    throttle_classes = PUBLIC_THROTTLES


CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        location=OpenApiParameter.HEADER,
        required=False,
        description="An `ETag` from an earlier answer: `304` while nothing was published, "
        "edited, unpublished or withdrawn since.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        location=OpenApiParameter.HEADER,
        required=False,
        description="A `Last-Modified` from an earlier answer (one-second resolution; "
        "prefer the ETag).",
    ),
]
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy is current.")


CHANNEL_PARAMETER = OpenApiParameter(
    "channel",
    str,
    enum=["partners", "widget", "clinic"],
    description="Whose stories: only those the patients authorized for this channel. Without "
    "a key, `partners` (the default) or `widget` (what the widget asks for); with a site's "
    "key, the site's own channel (leave it out). `clinic` needs the clinic's own site's key.",
)


def _channel_of(request: Request) -> Channel:
    return request_channel(request, request.query_params.get("channel") or None)


class PublishedListApi(PublicReadApi):
    class FilterSerializer(serializers.Serializer[Any]):
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)
        topic = serializers.SlugField(required=False)
        min_rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
        # Absent means both; "null" is not a value (found by schemathesis).
        featured = serializers.BooleanField(required=False)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # An anonymous reader's repeat of an address this process answered
        # in the current generation: replayed before any REST framework work.
        replayed = public_cache.replay_published(request, throttle=public_anon_counter)
        if replayed is not None:
            return replayed
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("topic", str, description="A topic's slug."),
            OpenApiParameter(
                "min_rating", int, description="Only stories rated at least this (1-5)."
            ),
            OpenApiParameter(
                "featured", bool, description="Only featured stories (true) or only others."
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1},
                description="Page size (default 20); more than 100 gives 100.",
            ),
            OpenApiParameter("cursor", str, description="From a `next` or `previous` link."),
            CHANNEL_PARAMETER,
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: PublishedPageSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No topic with this slug."),
        },
        examples=[
            OpenApiExample(
                "A page of stories",
                value={
                    "next": "https://stories.clinic.example/api/v1/published/?cursor=cD0yMDI2",
                    "previous": None,
                    "results": [STORY_EXAMPLE],
                    "collection": {
                        "topic": "dry-needling-low-back-pain",
                        "mode": "all",
                        "label": "All reviews",
                        "note": disclosures.MODE_NOTES[PublishingMode.ALL],
                        "stats_url": TOPIC_EXAMPLE["stats_url"],
                    },
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        summary="Published testimonials, newest first",
        description="The stories websites may show. Cacheable: `ETag` and `Last-Modified` "
        "change the moment a story is published, edited, unpublished or withdrawn. "
        "Any origin may read it (CORS).",
    )
    def get(self, request: Request) -> HttpResponseBase:
        # Validators first: a change committing during this request can then
        # only make the answer newer than its ETag, never older.
        channel = _channel_of(request)
        validators = _Validators.of(request, channel)
        # Bad parameters are a 400 even when the client's copy is current.
        filters = self.FilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        content = public_cache.shared_get(validators.etag)
        if content is None:
            content = self._page(request, filters.validated_data, channel)
            public_cache.shared_set(validators.etag, content, validity=validators.generation)
        response = HttpResponse(content, content_type="application/json")
        validators.apply(response)
        if request.auth is None:
            public_cache.remember(request, "published", validators.generation, response)
        return response

    def _page(self, request: Request, data: dict[str, Any], channel: str) -> bytes:
        topic = gate.topic_get(slug=data["topic"]) if data.get("topic") else None
        paginator = PublishedPagination()
        rows = paginator.paginate_queryset(
            representations.published_rows(
                gate.published_testimonials(
                    channel=channel,
                    topic=topic,
                    min_rating=data.get("min_rating"),
                    featured=data.get("featured"),
                )
            ),
            request,
            view=self,
        )
        page: dict[str, Any] = {
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": [representations.published_row_representation(row) for row in rows or []],
        }
        if topic is not None:
            page["collection"] = {
                **disclosures.collection(topic),
                "stats_url": request.build_absolute_uri(
                    reverse("topic-stats", kwargs={"slug": topic.slug})
                ),
            }
        return json_bytes(page)


def json_bytes(data: Any) -> bytes:
    """JSON as REST framework's renderer writes it (compact, UTF-8, U+2028
    and U+2029 escaped for script contexts), at orjson's speed."""
    return (
        orjson.dumps(data)
        .replace("\u2028".encode(), b"\\u2028")
        .replace("\u2029".encode(), b"\\u2029")
    )


class ChangeSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["published", "updated", "removed"])
    id = serializers.UUIDField()
    topic = serializers.CharField()
    changed_at = serializers.DateTimeField()
    testimonial = PublishedOutputSerializer(
        allow_null=True, help_text="The story as public now; null for a removal (a tombstone)."
    )


class ChangesPageSerializer(serializers.Serializer[Any]):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Pass as `since` next time.")
    has_more = serializers.BooleanField(help_text="More changes wait: ask again at once.")


class PublishedChangesApi(PublicReadApi):
    class FilterSerializer(serializers.Serializer[Any]):
        channel = serializers.ChoiceField(choices=Channel.choices, required=False)
        since = serializers.CharField(required=False, max_length=200)
        topic = serializers.SlugField(required=False)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description="The `next_cursor` of your last call; omit it to start from the "
                "first publication.",
            ),
            OpenApiParameter("topic", str, description="Only this topic's stories."),
            OpenApiParameter("limit", int, description="Changes per page, at most 500."),
            CHANNEL_PARAMETER,
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: ChangesPageSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No topic with this slug."),
        },
        examples=[
            OpenApiExample(
                "Published, edited and withdrawn stories",
                value={
                    "results": [
                        {
                            "type": "published",
                            "id": STORY_EXAMPLE["id"],
                            "topic": STORY_EXAMPLE["topic"],
                            "changed_at": "2026-03-02T14:05:09.120000Z",
                            "testimonial": STORY_EXAMPLE,
                        },
                        {
                            "type": "removed",
                            "id": "9b2d7c1a-0f4e-4a8b-b1c3-5d6e7f8a9b0c",
                            "topic": STORY_EXAMPLE["topic"],
                            "changed_at": "2026-03-02T15:40:00Z",
                            "testimonial": None,
                        },
                    ],
                    "next_cursor": "MTI:1tTq2b:Yt0k...",
                    "has_more": False,
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        summary="What was published, updated or removed since a cursor",
        description="For websites that keep a copy: apply the results in order, a "
        "`published` or `updated` change as an upsert, a `removed` one (a tombstone: "
        "withdrawn or taken down) as a delete, then keep `next_cursor`. Each story "
        "appears in its state now; repeating a page is harmless.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        channel = _channel_of(request)
        validators = _Validators.of(request, channel)
        # Bad parameters are a 400 even when the client's copy is current.
        filters = self.FilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        data = filters.validated_data
        topic = gate.topic_get(slug=data["topic"]) if data.get("topic") else None
        page = changes_feed.publication_changes(
            cursor=data.get("since") or None, topic=topic, limit=data["limit"], channel=channel
        )
        response = Response(
            {"results": page.results, "next_cursor": page.next_cursor, "has_more": page.has_more}
        )
        validators.apply(response)
        return response
