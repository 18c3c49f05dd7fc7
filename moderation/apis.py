"""The moderation API: the admin's powers for tools, with the same audit."""

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import screening, selectors, services
from moderation.permissions import IsModerator, moderator_of
from testimonials.fields import RejectUnknownFieldsMixin, StrictCharField
from testimonials.models import RejectionReason


class FlagSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    severity = serializers.ChoiceField(choices=["low", "medium", "high"])
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()
    entity = serializers.CharField(required=False)
    duplicate_of = serializers.CharField(required=False)


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


class ModerationDetailSerializer(QueueItemSerializer):
    author_name = serializers.CharField()
    display_preference = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    published_body = serializers.CharField()
    suggested_body = serializers.CharField(
        help_text="The body with personal data replaced by placeholders; blank when screening "
        "found none. Approve with `use_suggested_body` to publish it."
    )
    consent_text_version = serializers.CharField(source="consent_text.version")
    consented_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.get_username", default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    rejection_note = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    history = HistorySerializer(many=True)


class QueuePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class ModerationApi(APIView):
    permission_classes = [IsModerator]


class QueueApi(ModerationApi):
    @extend_schema(responses=QueueItemSerializer(many=True), summary="Items awaiting review")
    def get(self, request: Request) -> Response:
        paginator = QueuePagination()
        page = paginator.paginate_queryset(selectors.review_queue(), request, view=self)
        return paginator.get_paginated_response(QueueItemSerializer(page, many=True).data)


def _detail(public_id: uuid.UUID) -> dict[str, Any]:
    testimonial = selectors.testimonial_for_moderator(public_id=public_id)
    return dict(ModerationDetailSerializer(testimonial).data)


class DetailApi(ModerationApi):
    @extend_schema(responses=ModerationDetailSerializer, summary="One item, whole")
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(_detail(public_id))


class ApproveApi(ModerationApi):
    @extend_schema_serializer(component_name="ApproveInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        body = StrictCharField(required=False, max_length=10000)
        use_suggested_body = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs.get("use_suggested_body") and "body" in attrs:
                raise serializers.ValidationError(
                    {"use_suggested_body": ["Send either a body or use_suggested_body, not both."]}
                )
            return attrs

    @extend_schema(request=InputSerializer, responses=ModerationDetailSerializer, summary="Publish")
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.testimonial_approve(
            public_id=public_id,
            moderator=moderator_of(request),
            body=serializer.validated_data.get("body"),
            use_suggested_body=serializer.validated_data["use_suggested_body"],
        )
        return Response(_detail(public_id))


class RejectApi(ModerationApi):
    @extend_schema_serializer(component_name="RejectInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
        reason = serializers.ChoiceField(choices=RejectionReason.choices)
        note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=ModerationDetailSerializer, summary="Reject")
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.testimonial_reject(
            public_id=public_id,
            moderator=moderator_of(request),
            reason=serializer.validated_data["reason"],
            note=serializer.validated_data["note"],
        )
        return Response(_detail(public_id))
