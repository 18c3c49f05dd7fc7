"""Reads about places: where a new story belongs, and the locations and
clinicians the public API can filter by."""

from dataclasses import dataclass
from typing import cast

from django.db.models import QuerySet
from django.utils.translation import gettext

from testimonials.errors import FieldErrors
from testimonials.models import Clinician, Location, Topic, place_of_topic


@dataclass(frozen=True)
class Place:
    location: Location
    clinician: Clinician | None = None


def place_for_story(*, topic: Topic, location_slug: str = "", clinician_slug: str = "") -> Place:
    """The location (and clinician) a new story on `topic` belongs to.

    A location must be the topic's own, or, for a topic its organisation
    shares, one of the organisation's; without one, the topic's location or
    the organisation's only one. A clinician must work at that location.
    Refuses with `FieldErrors` (nothing stored)."""
    errors: dict[str, list[str]] = {}
    location: Location | None = None
    if location_slug:
        location = Location.objects.filter(
            slug=location_slug, organisation_id=cast(int, topic.organisation_id)
        ).first()
        if location is None:
            errors["location"] = [gettext("No location with this slug.")]
        elif topic.location_id is not None and topic.location_id != location.pk:
            errors["location"] = [gettext("This topic belongs to another location.")]
    else:
        try:
            location = place_of_topic(topic)
        except ValueError:
            errors["location"] = [gettext("Choose the location where you were treated.")]
    clinician = None
    if clinician_slug and location is not None and not errors:
        clinician = Clinician.objects.filter(
            slug=clinician_slug, is_active=True, locations=location
        ).first()
        if clinician is None:
            errors["clinician"] = [gettext("No clinician with this slug works at this location.")]
    if errors or location is None:
        raise FieldErrors(errors)
    return Place(location=location, clinician=clinician)


def publishing_locations() -> QuerySet[Location]:
    """The locations listed publicly, with their organisation."""
    return (
        Location.objects.filter(publishes=True)
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def public_location(slug: str) -> Location:
    """A publishing location by slug, for `?location=`; unknown: 400."""
    location = publishing_locations().filter(slug=slug).first()
    if location is None:
        raise FieldErrors({"location": [gettext("No location with this slug.")]})
    return location


def public_clinician(slug: str) -> Clinician:
    """An active clinician by slug, for `?clinician=`; unknown: 400."""
    clinician = Clinician.objects.filter(slug=slug, is_active=True).first()
    if clinician is None:
        raise FieldErrors({"clinician": [gettext("No clinician with this slug.")]})
    return clinician


def clinicians_by_location(locations: list[Location]) -> dict[int, list[Clinician]]:
    """The active clinicians at each of `locations`, by location id."""
    found: dict[int, list[Clinician]] = {location.pk: [] for location in locations}
    through = Clinician.locations.through.objects.filter(
        location__in=locations, clinician__is_active=True
    ).select_related("clinician")
    for row in through.order_by("clinician__name", "clinician__pk"):
        found[row.location_id].append(row.clinician)
    return found
