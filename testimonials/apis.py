"""The patients' and websites' HTTP API: parse, call one service or
selector, shape the answer."""

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from config.throttling import FailOpenThrottleMixin
from testimonials import selectors, services
from testimonials.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
)
from testimonials.models import DisplayPreference, Testimonial, Topic


class ConsentOutputSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    text = serializers.CharField()


class TopicOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    open_for_submissions = serializers.BooleanField()
    consent = serializers.SerializerMethodField()
    education_url = serializers.SerializerMethodField()

    def get_consent(self, topic: Topic) -> dict[str, str] | None:
        consent = self.context["consent"]
        if consent is None:
            return None
        return {"version": consent.version, "text": consent.text}

    def get_education_url(self, topic: Topic) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(reverse("education-topic", kwargs={"slug": topic.slug}))


def _topic_context(request: Request) -> dict[str, Any]:
    return {"request": request, "consent": selectors.consent_current()}


class TopicListApi(APIView):
    @extend_schema(responses=TopicOutputSerializer(many=True), summary="List topics")
    def get(self, request: Request) -> Response:
        data = TopicOutputSerializer(
            selectors.topic_list(), many=True, context=_topic_context(request)
        ).data
        return Response(data)


class TopicDetailApi(APIView):
    @extend_schema(responses=TopicOutputSerializer, summary="One topic and its consent text")
    def get(self, request: Request, slug: str) -> Response:
        topic = selectors.topic_get(slug=slug)
        return Response(TopicOutputSerializer(topic, context=_topic_context(request)).data)


class SubmitThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Submissions per client IP, at `SUBMIT_THROTTLE_RATE`, signed in or not;
    lets them through when the cache is down (the row is what matters)."""

    scope = "submit"

    def get_rate(self) -> str:
        return str(settings.SUBMIT_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


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

    def _url(self, name: str, testimonial: Testimonial) -> str:
        path = reverse(
            name,
            kwargs={
                "public_id": testimonial.public_id,
                "secret": selectors.patient_secret(testimonial.public_id),
            },
        )
        request: Request = self.context["request"]
        return request.build_absolute_uri(path)

    def get_status_url(self, testimonial: Testimonial) -> str:
        return self._url("testimonial-status", testimonial)

    def get_withdraw_url(self, testimonial: Testimonial) -> str:
        return self._url("testimonial-withdraw", testimonial)


class TestimonialSubmitApi(APIView):
    throttle_classes = [SubmitThrottle]
    authentication_classes: list[type] = []

    @extend_schema_serializer(component_name="SubmissionInput")
    class InputSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
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

        def validate_consent_to_publish(self, value: bool) -> bool:
            if value is not True:
                raise serializers.ValidationError("Consent to publish is required.")
            return value

    @extend_schema(
        request=InputSerializer,
        responses={202: PatientTestimonialSerializer},
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
        outcome = services.testimonial_submit(
            submission=services.Submission(
                topic_slug=data["topic"],
                author_name=data["author_name"].strip(),
                body=data["body"],
                consent_to_publish=data["consent_to_publish"],
                consent_text_version=data["consent_text_version"],
                email=data["email"],
                rating=data["rating"],
                display_preference=data["display_preference"],
            ),
            idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:255] or None,
        )
        body = PatientTestimonialSerializer(outcome.testimonial, context={"request": request}).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )


class TestimonialStatusApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(responses=PatientTestimonialSerializer, summary="A patient checks their story")
    def get(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = selectors.testimonial_for_patient(public_id=public_id, secret=secret)
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
    )
    def post(self, request: Request, public_id: uuid.UUID, secret: str) -> Response:
        testimonial = selectors.testimonial_for_patient(public_id=public_id, secret=secret)
        testimonial = services.testimonial_withdraw(testimonial=testimonial)
        return Response(
            PatientTestimonialSerializer(testimonial, context={"request": request}).data
        )


class PublishedPagination(CursorPagination):
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
    id = serializers.UUIDField(source="public_id")
    display_name = serializers.CharField()
    body = serializers.CharField(source="shown_body")
    rating = serializers.IntegerField(allow_null=True)
    topic = serializers.CharField(source="topic.slug")
    published_at = serializers.DateTimeField()


class PublishedListApi(APIView):
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("topic", str, description="A topic's slug."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1},
                description="Page size; more than 100 gives 100.",
            ),
        ],
        responses=inline_serializer(
            "PublishedPage",
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": PublishedOutputSerializer(many=True),
            },
        ),
        summary="Published testimonials, newest first",
    )
    def get(self, request: Request) -> Response:
        topic = None
        slug = request.query_params.get("topic")
        if slug:
            topic = selectors.topic_get(slug=slug)
        paginator = PublishedPagination()
        page = paginator.paginate_queryset(
            selectors.published_testimonials(topic=topic), request, view=self
        )
        response = paginator.get_paginated_response(PublishedOutputSerializer(page, many=True).data)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLISHED_CACHE_MAX_AGE,
            stale_while_revalidate=settings.PUBLISHED_CACHE_MAX_AGE * 4,
        )
        return response
