"""The moderation API: the admin's powers for tools, with the same audit."""

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import access_log, screening
from moderation.accounts.permissions import IsModerator, moderator_of
from moderation.accounts.scopes import IsModeratorOrReviewer, reads_redacted, staff_scope
from moderation.decisions import claims, inputs, reviewer_view, selectors, services
from moderation.models import AccessSurface
from testimonials.consent.authorization_reads import authorization_copy
from testimonials.honesty import disclosures
from testimonials.models import MediaKind, MediaStatus, StoryMedia, Testimonial
from testimonials.publishing.topic_apis import TypicalResultsOutputSerializer
from testimonials.stories.apis import AuthorizationCopySerializer


class FlagSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    severity = serializers.ChoiceField(choices=["low", "medium", "high"])
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()
    entity = serializers.CharField(required=False)
    duplicate_of = serializers.CharField(required=False)
    score = serializers.FloatField(
        required=False, help_text="The learned model's score (0-1), on the flags it raised."
    )


class QueueItemSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    topic = serializers.CharField(source="topic.slug")
    body = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    flags = FlagSerializer(source="screening_flags", many=True)
    risk_score = serializers.IntegerField(allow_null=True)
    priority = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(source="created_at")

    @extend_schema_field(serializers.ChoiceField(choices=["urgent", "high", "normal", "routine"]))
    def get_priority(self, obj: Any) -> str:
        return screening.priority(obj.risk_score)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if self.context.get("redacted"):
            return reviewer_view.reviewer_item(data, instance)
        return data


class HistorySerializer(serializers.Serializer[Any]):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    reason = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class NoteSerializer(serializers.Serializer[Any]):
    author = serializers.CharField(source="author_label")
    text = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class EarlierItemSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    topic = serializers.CharField(source="topic.slug")
    submitted_at = serializers.DateTimeField(source="created_at")


class ClaimSerializer(serializers.Serializer[Any]):
    moderator = serializers.CharField()
    expires_at = serializers.DateTimeField()
    mine = serializers.BooleanField()


class StoryMediaSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MediaKind.choices)
    status = serializers.ChoiceField(choices=MediaStatus.choices)
    alt = serializers.CharField(source="alt_text", help_text="Blank for a reviewer.")
    captions = serializers.CharField(help_text="WebVTT or a transcript; blank for a reviewer.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration = serializers.FloatField(
        source="duration_seconds", allow_null=True, help_text="Seconds, for video and audio."
    )
    review_url = serializers.SerializerMethodField(
        help_text="The staff-only copy the review page shows (the admin's session, not a "
        "token, opens it); null once the file is withdrawn or deleted, and for a reviewer."
    )

    def get_review_url(self, media: StoryMedia) -> str | None:
        if media.status == MediaStatus.WITHDRAWN or not media.storage_name:
            return None
        path = reverse(
            "admin:testimonials_testimonial_media", args=[media.testimonial_id, media.public_id]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ModerationDetailSerializer(QueueItemSerializer):
    version = serializers.IntegerField()
    author_name = serializers.CharField()
    display_preference = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.CharField(help_text="Blank when the patient left none.")
    published_body = serializers.CharField()
    suggested_body = serializers.CharField(
        help_text="The body with personal data replaced by placeholders; blank when screening "
        "found none. Approve with `use_suggested_body` to publish it."
    )
    consent_to_publish = serializers.BooleanField()
    consent_text_version = serializers.CharField(source="consent_text.version")
    consented_at = serializers.DateTimeField(
        allow_null=True, help_text="Null for an imported story the patient has not authorized."
    )
    decided_by = serializers.CharField(
        source="decided_by.get_username", default=None, allow_null=True
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    rejection_note = serializers.CharField()
    screening_model_version = serializers.CharField(
        help_text="The learned screening model that read the story; blank when none did."
    )
    published_at = serializers.DateTimeField(allow_null=True)
    featured = serializers.BooleanField()
    material_connection = serializers.CharField(
        help_text="As declared or set: one of the connection kinds, or '' if never asked."
    )
    material_connection_detail = serializers.CharField()
    incentive = serializers.CharField(help_text="What the invitation offered every invitee.")
    verified_patient = serializers.BooleanField()
    imported_from = serializers.CharField(
        source="source",
        help_text="The tool an imported story came from; blank for stories submitted here.",
    )
    original_date = serializers.DateTimeField(
        allow_null=True, help_text="When an imported story was written, as its tool recorded."
    )
    consent_evidence = serializers.CharField(
        help_text="What the tool of an imported story recorded of the patient's consent."
    )
    needs_typical_results = serializers.SerializerMethodField(
        help_text="Screening flagged a claim about a result: approving needs a typical-results "
        "statement."
    )
    typical_results = serializers.SerializerMethodField()
    publishing_mode = serializers.CharField(source="topic.publishing_mode")
    history = HistorySerializer(many=True)
    notes = NoteSerializer(many=True)
    media = StoryMediaSerializer(many=True, help_text="The story's photo, video and audio.")
    earlier_from_same_email = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()
    authorization = serializers.SerializerMethodField(
        help_text="The patient's current authorization; `state` `awaiting_approval` means the "
        "published text changes its meaning and is shown nowhere until the patient approves."
    )

    @extend_schema_field(AuthorizationCopySerializer(allow_null=True))
    def get_authorization(self, testimonial: Any) -> Any:
        return authorization_copy(testimonial)

    @extend_schema_field(EarlierItemSerializer(many=True))
    def get_earlier_from_same_email(self, testimonial: Any) -> Any:
        earlier = selectors.earlier_from_same_email(testimonial, scope=self.context["scope"])
        return EarlierItemSerializer(earlier, many=True).data

    def get_needs_typical_results(self, testimonial: Testimonial) -> bool:
        return disclosures.needs_typical_results(testimonial)

    @extend_schema_field(TypicalResultsOutputSerializer(allow_null=True))
    def get_typical_results(self, testimonial: Testimonial) -> Any:
        return disclosures.typical_results_representation(testimonial.typical_results)

    @extend_schema_field(ClaimSerializer(allow_null=True))
    def get_claim(self, testimonial: Any) -> Any:
        claim = self.context.get("claim")
        return ClaimSerializer(claim).data if claim is not None else None


class QueuePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class ModerationApi(APIView):
    permission_classes = [IsModerator]


def _reading(request: Request) -> dict[str, Any]:
    """What the serializers need to show a story to this reader: their
    places, and whether they are a reviewer shown no personal data."""
    return {"scope": staff_scope(request.user), "redacted": reads_redacted(request.user)}


class QueueFilterSerializer(serializers.Serializer[Any]):
    """The queue's filters: a value that could name nothing (not a slug, a
    NUL byte) is a 400, not a query the database refuses."""

    flag = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Only items with a flag of this kind.",
    )
    topic = serializers.SlugField(
        required=False, allow_blank=True, max_length=80, help_text="Only items of this topic."
    )
    location = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="Only items of this location; the queue holds the locations the moderator "
        "works at.",
    )


class QueueApi(ModerationApi):
    permission_classes = [IsModeratorOrReviewer]

    @extend_schema(
        parameters=[QueueFilterSerializer],
        responses={
            200: inline_serializer(
                "QueuePage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": QueueItemSerializer(many=True),
                },
            ),
            400: OpenApiResponse(description="A filter that is not a slug (or too long)."),
        },
        summary="Items awaiting review, most urgent first",
    )
    def get(self, request: Request) -> Response:
        filters = QueueFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        reading = _reading(request)
        queue = selectors.review_queue(
            scope=reading["scope"],
            flag_kind=filters.validated_data.get("flag") or None,
            topic_slug=filters.validated_data.get("topic") or None,
            location_slug=filters.validated_data.get("location") or None,
        )
        paginator = QueuePagination()
        page = paginator.paginate_queryset(queue, request, view=self) or []
        access_log.stories_access_record(
            moderator=request.user,
            surface=AccessSurface.API_QUEUE,
            testimonial_public_ids=[testimonial.public_id for testimonial in page],
        )
        items = QueueItemSerializer(page, many=True, context=reading).data
        return paginator.get_paginated_response(items)


def _detail(
    request: Request, public_id: uuid.UUID, claim: claims.ClaimState | None = None
) -> dict[str, Any]:
    """The whole item, as the moderator (or reviewer) reading it is shown it:
    recorded."""
    reading = _reading(request)
    testimonial = selectors.testimonial_for_moderator(public_id=public_id, scope=reading["scope"])
    access_log.story_access_record(
        moderator=request.user,
        surface=AccessSurface.API_DETAIL,
        testimonial_public_id=testimonial.public_id,
    )
    context = {**reading, "claim": claim, "request": request}
    return dict(ModerationDetailSerializer(testimonial, context=context).data)


class DetailApi(ModerationApi):
    permission_classes = [IsModeratorOrReviewer]

    @extend_schema(responses=ModerationDetailSerializer, summary="One item, whole")
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(_detail(request, public_id))


class ClaimApi(ModerationApi):
    @extend_schema(
        request=None,
        responses=ModerationDetailSerializer,
        summary="Start reviewing an item: claim it, or learn who else is",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        moderator = moderator_of(request)
        testimonial = services.for_decision(
            public_id, moderator=moderator, allowed_from=services.ANY_STATUS
        )
        claim = claims.review_claim(testimonial=testimonial, moderator=moderator)
        return Response(_detail(request, public_id, claim))


# A moderator's change to one item: the decision's serializer checks the body, its
# `act` calls the service (`moderation.decisions.inputs`, shared with the review
# page), the answer is the item as it is now. Subclasses give `post` its schema (a
# docstring here would become every operation's description).
class DecisionApi(ModerationApi):
    decision: inputs.Decision
    created = False

    def decide(self, request: Request, public_id: uuid.UUID) -> Response:
        serializer = self.decision.input(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.decision.act(public_id, moderator_of(request), serializer.validated_data)
        return Response(_detail(request, public_id), status=201 if self.created else 200)


class ApproveApi(DecisionApi):
    decision = inputs.APPROVE

    @extend_schema(
        request=inputs.ApproveInput, responses=ModerationDetailSerializer, summary="Publish"
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


REASON_DECISION = "A decision that needs a content-based reason: reject, unpublish."


class RejectApi(DecisionApi):
    decision = inputs.REJECT

    @extend_schema(
        request=inputs.ReasonInput,
        responses=ModerationDetailSerializer,
        summary="Reject",
        description=REASON_DECISION,
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class UnpublishApi(DecisionApi):
    decision = inputs.UNPUBLISH

    @extend_schema(
        request=inputs.ReasonInput,
        responses=ModerationDetailSerializer,
        summary="Take a published story down",
        description=REASON_DECISION,
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class ReopenApi(DecisionApi):
    decision = inputs.REOPEN

    @extend_schema(
        request=inputs.ReopenInput,
        responses=ModerationDetailSerializer,
        summary="Put a rejected or unpublished story back in the queue",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class EditPublishedApi(DecisionApi):
    decision = inputs.EDIT_PUBLISHED

    @extend_schema(
        request=inputs.EditPublishedInput,
        responses=ModerationDetailSerializer,
        summary="Edit a published story's text",
        description="Every public surface shows the new text at once and websites hear "
        "`testimonial.updated`. The patient's original is kept; sending it back shows it "
        "again. `409` unless the story is published.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class FeatureApi(DecisionApi):
    decision = inputs.FEATURE

    @extend_schema(
        request=inputs.FeatureInput,
        responses=ModerationDetailSerializer,
        summary="Feature a published story, or stop featuring it",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class ConnectionApi(DecisionApi):
    decision = inputs.CONNECTION

    @extend_schema(
        request=inputs.ConnectionInput,
        responses=ModerationDetailSerializer,
        summary="Set a published story's material connection",
        description="Every public surface shows the disclosure at once and websites hear "
        "`testimonial.updated`. `409` unless the story is published.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)


class NoteApi(DecisionApi):
    decision = inputs.NOTE
    created = True

    @extend_schema(
        request=inputs.NoteInput,
        responses={201: ModerationDetailSerializer},
        summary="Add a private note",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)
