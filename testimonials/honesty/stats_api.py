"""A topic's public report: how many stories were reviewed, published and
rejected, by reason and by rating."""

from typing import Any

from django.conf import settings
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.honesty import stats
from testimonials.honesty.api_examples import STATS_EXAMPLE
from testimonials.models import (
    PublishingMode,
)
from testimonials.publishing import gate
from testimonials.throttling import PUBLIC_THROTTLES


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
