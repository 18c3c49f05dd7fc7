"""`GET /api/v1/locations/`: the locations that publish, for a share form's
list and a website's filters; cached like every public read."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from testimonials.models import Location
from testimonials.places import selectors
from testimonials.publishing import cache as public_cache
from testimonials.publishing.apis import (
    CONDITIONAL_HEADERS,
    NOT_MODIFIED,
    PublicRead,
    PublicReadApi,
    json_bytes,
)
from testimonials.throttling import public_anon_counter

_KIND = "locations"


class ClinicianOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField(help_text="As shown publicly.")


class LocationOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(help_text="For `?location=` and a submission's `location`.")
    name = serializers.CharField()
    organisation = serializers.CharField(help_text="The organisation's slug.")
    organisation_name = serializers.CharField()
    education_url = serializers.URLField(help_text="The location's education pages.")
    clinicians = ClinicianOutputSerializer(
        many=True,
        help_text="The active clinicians who work there, for a submission's `clinician` and "
        "`?clinician=`.",
    )


LOCATIONS_EXAMPLE = [
    {
        "slug": "riverside",
        "name": "Riverside",
        "organisation": "move-well",
        "organisation_name": "Move Well Physical Therapy",
        "education_url": "https://stories.clinic.example/education/?location=riverside",
        "clinicians": [{"slug": "ana-ruiz", "name": "Ana Ruiz, PT"}],
    }
]


def education_url(request: HttpRequest, location: Location) -> str:
    """The location's education pages: the topic index for its stories."""
    index = reverse("education-index")
    return request.build_absolute_uri(f"{index}?{urlencode({'location': location.slug})}")


class LocationListApi(PublicReadApi):
    class FilterSerializer(serializers.Serializer[Any]):
        pass

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        replayed = public_cache.replay_published(request, throttle=public_anon_counter, kind=_KIND)
        if replayed is not None:
            return replayed
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        parameters=[*CONDITIONAL_HEADERS],
        responses={200: LocationOutputSerializer(many=True), 304: NOT_MODIFIED},
        examples=[OpenApiExample("Locations", value=LOCATIONS_EXAMPLE, response_only=True)],
        summary="The locations that publish, with their clinicians",
        description="Each location's slug (for `?location=` and a submission's `location`), "
        "its organisation and education pages, and the clinicians a story may name. A site's "
        "key lists only its own organisation's (location's). Cacheable like the published list.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.read(request)

    def answer(self, request: Request, read: PublicRead) -> HttpResponseBase:
        return self.cached_json(
            request, read, _KIND, lambda: json_bytes(self._locations(request, read))
        )

    def _locations(self, request: Request, read: PublicRead) -> list[dict[str, Any]]:
        locations = selectors.publishing_locations()
        if read.places.organisation_id is not None:
            locations = locations.filter(organisation_id=read.places.organisation_id)
        if read.places.location_id is not None:
            locations = locations.filter(pk=read.places.location_id)
        found = list(locations)
        clinicians = selectors.clinicians_by_location(found)
        return [
            {
                "slug": location.slug,
                "name": location.name,
                "organisation": location.organisation.slug,
                "organisation_name": location.organisation.name,
                "education_url": education_url(request, location),
                "clinicians": [
                    {"slug": clinician.slug, "name": clinician.name}
                    for clinician in clinicians[location.pk]
                ],
            }
            for location in found
        ]
