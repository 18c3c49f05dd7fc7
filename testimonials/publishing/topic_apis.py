"""The topics API: what each topic is, its consent text and typical results."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.consent import authorization_reads
from testimonials.honesty import disclosures
from testimonials.models import (
    Channel,
    ConsentText,
    MaterialConnection,
    PublishingMode,
    Topic,
)
from testimonials.places.settings import effective_settings_of_topic
from testimonials.publishing import gate
from testimonials.publishing.api_examples import TOPIC_EXAMPLE


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


# A disclosure's kind (named `KindEnum` in the schema, SPECTACULAR_SETTINGS).
CONNECTION_KINDS = [*MaterialConnection.values, "incentive"]


class MaterialConnectionOutputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=CONNECTION_KINDS,
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
        consents: dict[int | None, ConsentText | None] = self.context["consents"]
        if topic.organisation_id not in consents:
            consents[topic.organisation_id] = authorization_reads.consent_current(
                topic.organisation_id
            )
        consent = consents[topic.organisation_id]
        if consent is None:
            return None
        place = effective_settings_of_topic(topic)
        return {
            "version": consent.version,
            "text": consent.text,
            # What an authorization must state (45 CFR 164.508(c)): show it.
            "discloser": authorization_reads.discloser_of(consent, topic),
            "purpose": consent.purpose,
            "statements": {
                "revocation": consent.revocation_statement,
                "conditioning": consent.conditioning_statement,
                "redisclosure": consent.redisclosure_statement,
            },
            "channels": [{"value": value, "label": label} for value, label in Channel.choices],
            "default_term_days": place.authorization_default_days,
            "max_term_days": place.authorization_max_days,
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


def _topic_context(request: Request) -> dict[str, Any]:
    # Each organisation's consent text, read once per answer.
    return {"request": request, "consents": {}}


class TopicListApi(APIView):
    @extend_schema(
        responses=TopicOutputSerializer(many=True),
        summary="List topics",
        examples=[OpenApiExample("Topics", value=[TOPIC_EXAMPLE], response_only=True)],
    )
    def get(self, request: Request) -> Response:
        topics = gate.topic_list().select_related("organisation", "location__organisation")
        data = TopicOutputSerializer(topics, many=True, context=_topic_context(request)).data
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
