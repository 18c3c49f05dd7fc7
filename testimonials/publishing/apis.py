"""The websites' read API: the published list and the changes feed, both
through the public gate, cached and answered conditionally."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testimonials.errors import FieldErrors
from testimonials.honesty import disclosures
from testimonials.media import selectors as media_selectors
from testimonials.models import (
    Channel,
    MediaKind,
    PublishingMode,
    Site,
)
from testimonials.places import selectors as places
from testimonials.publishing import cache as public_cache
from testimonials.publishing import changes_feed, gate, generation, representations
from testimonials.publishing.api_examples import (
    PUBLISHED_CHANGES_EXAMPLES,
    PUBLISHED_LIST_EXAMPLES,
)
from testimonials.publishing.channels import request_channel
from testimonials.publishing.topic_apis import (
    MaterialConnectionOutputSerializer,
    TypicalResultsOutputSerializer,
)
from testimonials.sites.authentication import SiteKeyAuthentication
from testimonials.throttling import PUBLIC_THROTTLES, public_anon_counter


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


class MediaOutputSerializer(serializers.Serializer[Any]):
    """`media_selectors.media_representation`."""

    kind = serializers.ChoiceField(choices=MediaKind.choices)
    url = serializers.URLField(
        help_text="The sanitized file (no metadata); served only while the story is public."
    )
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField(help_text="The text alternative the patient gave; may be empty.")
    captions_url = serializers.URLField(
        allow_null=True, help_text="WebVTT captions of a video or audio clip; null when none."
    )


class PublishedOutputSerializer(serializers.Serializer[Any]):
    """`representations.published_representation`, for the schema (a test keeps
    the two in step)."""

    id = serializers.UUIDField()
    display_name = serializers.CharField()
    body = serializers.CharField(help_text="As approved: a moderator's redaction, if any.")
    rating = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    topic = serializers.CharField(help_text="The topic's slug.")
    location = serializers.CharField(
        help_text="The slug of the location where the patient was treated."
    )
    clinician = serializers.CharField(
        allow_null=True, help_text="The slug of the clinician the story is about; null when none."
    )
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
    media = MediaOutputSerializer(
        many=True,
        help_text="The patient's photo, video or audio, sanitized and approved by a moderator; "
        "empty when there is none.",
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


@dataclass(frozen=True)
class _Validators:
    """A public response's ETag and Last-Modified, from the publication
    generation alone: a 304 costs one cache lookup and no query."""

    etag: str
    last_modified: int | None
    generation: str

    @classmethod
    def of(cls, request: Request, channel: str) -> "_Validators":
        state = generation.publication_state()
        # The channel and the site's places too: a site's key changes the
        # answer, not the address.
        places = gate.Places.of_site(request_site(request))
        etag = public_cache.etag_for(request, state.generation, channel, places.key())
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


def request_site(request: Request) -> Site | None:
    return request.auth if isinstance(request.auth, Site) else None


def request_places(request: Request, *, location: str = "", clinician: str = "") -> gate.Places:
    """The places a public API read shows: the site's, narrowed to the
    `location` and `clinician` slugs asked for. An unknown slug, or one
    outside the site's places, is a `FieldErrors` (400), not an empty list."""
    errors: dict[str, list[str]] = {}
    found_location = found_clinician = None
    try:
        found_location = places.public_location(location) if location else None
    except FieldErrors as exc:
        errors.update(exc.fields)
    try:
        found_clinician = places.public_clinician(clinician) if clinician else None
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    return gate.Places.of_site(request_site(request)).narrowed(
        location=found_location, clinician=found_clinician
    )


def _channel_of(request: Request) -> Channel:
    return request_channel(request, request.query_params.get("channel") or None)


@dataclass(frozen=True)
class PublicRead:
    """What a public read answers for: the reader's channel, its validators
    and its checked parameters."""

    channel: Channel
    validators: _Validators
    filters: dict[str, Any]
    places: gate.Places


class PublicReadApi(APIView):
    """Public, cacheable reads: anyone, any origin; a site's key raises the
    throttle from per-IP to per-site. `read` runs the prologue they share
    (validators, parameters, 304) and `answer` the rest."""

    authentication_classes = [SiteKeyAuthentication]
    throttle_classes = PUBLIC_THROTTLES
    FilterSerializer: type[serializers.Serializer[Any]]

    def read(self, request: Request) -> HttpResponseBase:
        # Validators first: a change committing during this request can then
        # only make the answer newer than its ETag, never older.
        channel = _channel_of(request)
        validators = _Validators.of(request, channel)
        # Bad parameters are a 400 even when the client's copy is current.
        filters = self.FilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        places = request_places(
            request, location=data.get("location", ""), clinician=data.get("clinician", "")
        )
        not_modified = validators.not_modified(request)
        if not_modified is not None:
            return not_modified
        return self.answer(request, PublicRead(channel, validators, data, places))

    def answer(self, request: Request, read: PublicRead) -> HttpResponseBase:
        raise NotImplementedError

    def cached_json(
        self, request: Request, read: PublicRead, kind: str, build: Callable[[], bytes]
    ) -> HttpResponse:
        """The JSON `build` makes, shared by every process for this ETag and,
        for anonymous readers, replayed by this one (`public_cache`)."""
        validators = read.validators
        content = public_cache.shared_get(validators.etag)
        if content is None:
            content = build()
            public_cache.shared_set(validators.etag, content, validity=validators.generation)
        response = HttpResponse(content, content_type="application/json")
        validators.apply(response)
        if request.auth is None:
            public_cache.remember(request, kind, validators.generation, response)
        return response


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


PLACE_PARAMETERS = [
    OpenApiParameter(
        "location",
        str,
        description="Only this location's stories: a slug from `GET /api/v1/locations/` "
        "(unknown: `400`). A site's key reads only its own organisation's (location's).",
    ),
    OpenApiParameter(
        "clinician",
        str,
        description="Only the stories about this clinician: a slug from "
        "`GET /api/v1/locations/` (unknown: `400`).",
    ),
]


class PlaceFilterMixin(serializers.Serializer[Any]):
    location = serializers.SlugField(required=False, max_length=60)
    clinician = serializers.SlugField(required=False, max_length=60)


CHANNEL_PARAMETER = OpenApiParameter(
    "channel",
    str,
    enum=["partners", "widget", "clinic"],
    description="Whose stories: only those the patients authorized for this channel. Without "
    "a key, `partners` (the default) or `widget` (what the widget asks for); with a site's "
    "key, the site's own channel (leave it out). `clinic` needs the clinic's own site's key.",
)


class PublishedListApi(PublicReadApi):
    class FilterSerializer(PlaceFilterMixin):
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
            *PLACE_PARAMETERS,
            CHANNEL_PARAMETER,
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: PublishedPageSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No topic with this slug."),
        },
        examples=PUBLISHED_LIST_EXAMPLES,
        summary="Published testimonials, newest first",
        description="The stories websites may show. Cacheable: `ETag` and `Last-Modified` "
        "change the moment a story is published, edited, unpublished or withdrawn. "
        "Any origin may read it (CORS).",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.read(request)

    def answer(self, request: Request, read: PublicRead) -> HttpResponseBase:
        return self.cached_json(request, read, "published", lambda: self._page(request, read))

    def _page(self, request: Request, read: PublicRead) -> bytes:
        data = read.filters
        topic = gate.topic_get(slug=data["topic"]) if data.get("topic") else None
        paginator = PublishedPagination()
        rows = paginator.paginate_queryset(
            representations.published_rows(
                gate.published_testimonials(
                    channel=read.channel,
                    topic=topic,
                    min_rating=data.get("min_rating"),
                    featured=data.get("featured"),
                    places=read.places,
                )
            ),
            request,
            view=self,
        )
        rows = rows or []
        media = media_selectors.media_of_stories(row["id"] for row in rows)
        page: dict[str, Any] = {
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": [
                representations.published_row_representation(row, media.get(row["id"]))
                for row in rows
            ],
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
    class FilterSerializer(PlaceFilterMixin):
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
            *PLACE_PARAMETERS,
            CHANNEL_PARAMETER,
            *CONDITIONAL_HEADERS,
        ],
        responses={
            200: ChangesPageSerializer,
            304: NOT_MODIFIED,
            404: OpenApiResponse(description="No topic with this slug."),
        },
        examples=PUBLISHED_CHANGES_EXAMPLES,
        summary="What was published, updated or removed since a cursor",
        description="For websites that keep a copy: apply the results in order, a "
        "`published` or `updated` change as an upsert, a `removed` one (a tombstone: "
        "withdrawn or taken down) as a delete, then keep `next_cursor`. Each story "
        "appears in its state now; repeating a page is harmless.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.read(request)

    def answer(self, request: Request, read: PublicRead) -> HttpResponseBase:
        data = read.filters
        topic = gate.topic_get(slug=data["topic"]) if data.get("topic") else None
        page = changes_feed.publication_changes(
            cursor=data.get("since") or None,
            topic=topic,
            limit=data["limit"],
            channel=read.channel,
            places=read.places,
        )
        response = Response(
            {"results": page.results, "next_cursor": page.next_cursor, "has_more": page.has_more}
        )
        read.validators.apply(response)
        return response
