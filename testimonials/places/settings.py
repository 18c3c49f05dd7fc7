"""The settings a story's place decides: one rule, read by every code path
that applies them to a story.

A location's own value, else its organisation's, else the installation's
(config/settings). Whatever is stored, the installation's bounds hold:
personal data is kept no longer than `PERSONAL_DATA_RETENTION`, an
authorization's evidence no shorter than `AUTHORIZATION_RETENTION` (HIPAA's
six years), no term longer than `AUTHORIZATION_MAX_TERM`, and the default
term within the longest. So an operator who tightens the environment
tightens every place at once."""

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.conf import settings

from testimonials.models import (
    Location,
    Organisation,
    PublishingMode,
    SettingsOverrides,
    Topic,
    sole_organisation_id,
)


@dataclass(frozen=True)
class EffectiveSettings:
    """Days, as the installation's settings count them (clinic calendar days)."""

    personal_data_retention_days: int
    authorization_retention_days: int
    authorization_default_days: int
    authorization_max_days: int


def _first(field: str, places: list[SettingsOverrides]) -> int | None:
    for place in places:
        value = getattr(place, field)
        if value is not None:
            return int(value)
    return None


def effective_settings(
    location: Location | None = None, *, organisation: Organisation | None = None
) -> EffectiveSettings:
    """The settings for a story at `location` (or, before a location is
    known, one of `organisation`'s; with neither, the installation's)."""
    places: list[SettingsOverrides] = []
    if location is not None:
        places.append(location)
        organisation = location.organisation
    if organisation is not None:
        places.append(organisation)
    installation_max = settings.AUTHORIZATION_MAX_TERM.days
    personal = _first("personal_data_retention_days", places)
    evidence = _first("authorization_retention_days", places)
    longest = min(_first("authorization_max_days", places) or installation_max, installation_max)
    default = _first("authorization_default_days", places)
    default = default or settings.AUTHORIZATION_DEFAULT_TERM.days
    return EffectiveSettings(
        personal_data_retention_days=min(
            personal or settings.PERSONAL_DATA_RETENTION.days,
            settings.PERSONAL_DATA_RETENTION.days,
        ),
        authorization_retention_days=max(
            evidence or settings.AUTHORIZATION_RETENTION.days,
            settings.AUTHORIZATION_RETENTION.days,
        ),
        authorization_default_days=min(default, longest),
        authorization_max_days=longest,
    )


def effective_settings_of_topic(topic: Topic) -> EffectiveSettings:
    """For a new story on `topic` before its location is chosen: the
    topic's location's settings, or those of its organisation's only
    location, else the organisation's."""
    if topic.location_id is not None:
        return effective_settings(topic.location)
    locations = list(
        Location.objects.filter(organisation_id=cast(int, topic.organisation_id))
        .select_related("organisation")
        .order_by("pk")[:2]
    )
    if len(locations) == 1:
        return effective_settings(locations[0])
    return effective_settings(organisation=topic.organisation)


def effective_settings_of_location_id(location_id: int | None) -> EffectiveSettings:
    """`effective_settings` for a story of which only the location's id is at hand."""
    if location_id is None:
        return effective_settings()
    location = Location.objects.select_related("organisation").filter(pk=location_id).first()
    return effective_settings(location)


def locations_by_personal_data_retention() -> dict[int, list[int]]:
    """Every location's id, grouped by its personal-data retention in days."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for location in Location.objects.select_related("organisation").order_by("pk"):
        grouped[effective_settings(location).personal_data_retention_days].append(location.pk)
    return dict(grouped)


def default_publishing_mode(organisation: Organisation | None) -> str:
    """What a new topic of `organisation` starts with (of the only
    organisation, when none is named)."""
    if organisation is None:
        sole_id = sole_organisation_id()
        if sole_id is None:
            return PublishingMode.SELECTED
        organisation = Organisation.objects.get(pk=sole_id)
    return str(organisation.default_publishing_mode)
