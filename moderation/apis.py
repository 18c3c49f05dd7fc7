"""The moderation API: the admin's powers for tools, with the same audit."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import screening, selectors, services
from moderation.permissions import IsModerator, moderator_of
from testimonials import disclosures
from testimonials.apis import AuthorizationCopySerializer, TypicalResultsOutputSerializer
from testimonials.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from testimonials.models import MaterialConnection, RejectionReason, Testimonial
from testimonials.selectors import authorization_copy


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
        return EarlierItemSerializer(selectors.earlier_from_same_email(testimonial), many=True).data

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


class QueueApi(ModerationApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("flag", str, description="Only items with a flag of this kind."),
            OpenApiParameter("topic", str, description="Only items of this topic (slug)."),
        ],
        responses=inline_serializer(
            "QueuePage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": QueueItemSerializer(many=True),
            },
        ),
        summary="Items awaiting review, most urgent first",
    )
    def get(self, request: Request) -> Response:
        queue = selectors.review_queue(
            flag_kind=request.query_params.get("flag") or None,
            topic_slug=request.query_params.get("topic") or None,
        )
        paginator = QueuePagination()
        page = paginator.paginate_queryset(queue, request, view=self)
        return paginator.get_paginated_response(QueueItemSerializer(page, many=True).data)


def _detail(public_id: uuid.UUID, claim: services.ClaimState | None = None) -> dict[str, Any]:
    testimonial = selectors.testimonial_for_moderator(public_id=public_id)
    return dict(ModerationDetailSerializer(testimonial, context={"claim": claim}).data)


class DetailApi(ModerationApi):
    @extend_schema(responses=ModerationDetailSerializer, summary="One item, whole")
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(_detail(public_id))


class ClaimApi(ModerationApi):
    @extend_schema(
        request=None,
        responses=ModerationDetailSerializer,
        summary="Start reviewing an item: claim it, or learn who else is",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        testimonial = selectors.testimonial_for_moderator(public_id=public_id)
        claim = services.review_claim(testimonial=testimonial, moderator=moderator_of(request))
        return Response(_detail(public_id, claim))


VERSION_HELP = (
    "The `version` the moderator saw; a decision on an item that changed since "
    "is refused with 409 `stale_version`."
)


# A moderator's change to one item: `InputSerializer` checks the body, `act` calls the
# service, the answer is the item as it is now. Subclasses give `post` its schema (a
# docstring here would become every operation's description).
class DecisionApi(ModerationApi):
    InputSerializer: type[serializers.Serializer[Any]]
    created = False

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def decide(self, request: Request, public_id: uuid.UUID) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(public_id, moderator_of(request), serializer.validated_data)
        return Response(_detail(public_id), status=201 if self.created else 200)


class ApproveApi(DecisionApi):
    @extend_schema_serializer(component_name="ApproveInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
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
        material_connection_detail = StrictCharField(
            required=False, allow_blank=True, max_length=200
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            attrs = super().validate(attrs)
            if attrs.get("use_suggested_body") and "body" in attrs:
                raise serializers.ValidationError(
                    {"use_suggested_body": ["Send either a body or use_suggested_body, not both."]}
                )
            return attrs

    @extend_schema(request=InputSerializer, responses=ModerationDetailSerializer, summary="Publish")
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.testimonial_approve(
            public_id=public_id,
            moderator=moderator,
            body=data.get("body"),
            use_suggested_body=data["use_suggested_body"],
            expected_version=data.get("version"),
            typical_results=data.get("typical_results"),
            material_connection=data.get("material_connection"),
            material_connection_detail=data.get("material_connection_detail"),
        )


@extend_schema_serializer(component_name="ReasonInput")
class ReasonInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=RejectionReason.choices)
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
    version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class ReasonDecisionApi(DecisionApi):
    """A decision that needs a content-based reason: reject, unpublish."""

    InputSerializer = ReasonInputSerializer
    service: Callable[..., Testimonial]

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        type(self).service(
            public_id=public_id,
            moderator=moderator,
            reason=data["reason"],
            note=data["note"],
            expected_version=data.get("version"),
        )


@extend_schema_view(
    post=extend_schema(
        request=ReasonInputSerializer, responses=ModerationDetailSerializer, summary="Reject"
    )
)
class RejectApi(ReasonDecisionApi):
    service = services.testimonial_reject


@extend_schema_view(
    post=extend_schema(
        request=ReasonInputSerializer,
        responses=ModerationDetailSerializer,
        summary="Take a published story down",
    )
)
class UnpublishApi(ReasonDecisionApi):
    service = services.testimonial_unpublish


class ReopenApi(DecisionApi):
    @extend_schema_serializer(component_name="ReopenInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=ModerationDetailSerializer,
        summary="Put a rejected or unpublished story back in the queue",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.testimonial_reopen(
            public_id=public_id,
            moderator=moderator,
            note=data["note"],
            expected_version=data.get("version"),
        )


class EditPublishedApi(DecisionApi):
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
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        body = StrictCharField(max_length=10000, help_text="The text to show from now on.")
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=ModerationDetailSerializer,
        summary="Edit a published story's text",
        description="Every public surface shows the new text at once and websites hear "
        "`testimonial.updated`. The patient's original is kept; sending it back shows it "
        "again. `409` unless the story is published.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.testimonial_edit_published(
            public_id=public_id,
            moderator=moderator,
            body=data["body"],
            expected_version=data.get("version"),
        )


class FeatureApi(DecisionApi):
    @extend_schema_serializer(
        component_name="FeatureInput",
        examples=[OpenApiExample("Feature it", value={"featured": True}, request_only=True)],
    )
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        featured = StrictBooleanField()
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=ModerationDetailSerializer,
        summary="Feature a published story, or stop featuring it",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.testimonial_feature(
            public_id=public_id,
            moderator=moderator,
            featured=data["featured"],
            expected_version=data.get("version"),
        )


class ConnectionApi(DecisionApi):
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
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        material_connection = serializers.ChoiceField(choices=MaterialConnection.choices)
        material_connection_detail = StrictCharField(
            required=False, allow_blank=True, default="", max_length=200
        )
        version = StrictIntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    @extend_schema(
        request=InputSerializer,
        responses=ModerationDetailSerializer,
        summary="Set a published story's material connection",
        description="Every public surface shows the disclosure at once and websites hear "
        "`testimonial.updated`. `409` unless the story is published.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.testimonial_connection_set(
            public_id=public_id,
            moderator=moderator,
            material_connection=data["material_connection"],
            material_connection_detail=data["material_connection_detail"],
            expected_version=data.get("version"),
        )


class NoteApi(DecisionApi):
    created = True

    @extend_schema_serializer(component_name="NoteInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        text = StrictCharField(max_length=4000)

    @extend_schema(
        request=InputSerializer,
        responses={201: ModerationDetailSerializer},
        summary="Add a private note",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return self.decide(request, public_id)

    def act(self, public_id: uuid.UUID, moderator: User, data: dict[str, Any]) -> None:
        services.moderator_note_add(
            public_id=public_id,
            moderator=moderator,
            text=data["text"],
        )
