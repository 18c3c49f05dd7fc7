"""The changes feed: what websites were told, page by page, with opaque
signed cursors."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing

from testimonials.errors import FieldErrors
from testimonials.models import (
    Channel,
    PublicationChange,
    PublicationEvent,
    Topic,
)
from testimonials.publishing.gate import EVERY_PLACE, Places, published_testimonials
from testimonials.publishing.representations import api_time, published_representation

# --- The changes feed -------------------------------------------------------

_CURSOR_SALT = "testimonials.changes-cursor"


def changes_cursor(change_id: int) -> str:
    """An opaque, signed position in the changes feed."""
    return signing.dumps(change_id, salt=_CURSOR_SALT)


def changes_position(cursor: str) -> int:
    try:
        value = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature as exc:
        raise FieldErrors({"since": ["Not a cursor this feed gave out."]}) from exc
    if not isinstance(value, int) or value < 0:
        raise FieldErrors({"since": ["Not a cursor this feed gave out."]})
    return value


@dataclass(frozen=True)
class ChangesPage:
    results: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def publication_changes(
    *,
    cursor: str | None = None,
    topic: Topic | None = None,
    limit: int = 100,
    channel: str | None = None,
    places: Places = EVERY_PLACE,
) -> ChangesPage:
    """What was published, updated or removed after `cursor`, oldest first.

    Each story appears once per page in its state now, read through
    `published_testimonials` for the reader's `channel`: a story that is public now comes with its
    representation; one that is not is a tombstone (its id and topic), so
    a withdrawn story's text is never served from here, whatever the events
    before the withdrawal said. `places` keeps the changes of one
    organisation's, location's or clinician's stories (a clinician's by the
    story as it is now: a story no longer public under that filter is a
    tombstone). Applying a page as upserts and deletes, in
    order, brings a copy up to date; repeating a page is harmless.
    """
    after = changes_position(cursor) if cursor else 0
    changes = PublicationChange.objects.filter(id__gt=after)
    if topic is not None:
        changes = changes.filter(topic=topic)
    if channel is not None:
        changes = changes.filter(channels__contains=f",{Channel(channel)},")
    changes = places.filter(changes)
    if places.clinician_id is not None:
        changes = changes.filter(testimonial__clinician_id=places.clinician_id)
    batch = list(
        changes.order_by("id").values_list("id", "event", "public_id", "topic__slug", "created_at")[
            : limit + 1
        ]
    )
    has_more = len(batch) > limit
    batch = batch[:limit]
    latest: dict[uuid.UUID, tuple[str, str, datetime]] = {}
    for _, event, public_id, topic_slug, created_at in batch:
        latest.pop(public_id, None)  # keeps each story at the place of its newest change
        latest[public_id] = (event, topic_slug, created_at)
    public = {
        t.public_id: t
        for t in published_testimonials(channel=channel, places=places).filter(
            public_id__in=list(latest)
        )
    }
    results: list[dict[str, Any]] = []
    for public_id, (event, topic_slug, created_at) in latest.items():
        testimonial = public.get(public_id)
        if testimonial is None:
            results.append(
                {
                    "type": "removed",
                    "id": str(public_id),
                    "topic": topic_slug,
                    "changed_at": api_time(created_at),
                    "testimonial": None,
                }
            )
            continue
        results.append(
            {
                "type": "updated" if event == PublicationEvent.UPDATED else "published",
                "id": str(public_id),
                "topic": topic_slug,
                "changed_at": api_time(created_at),
                "testimonial": published_representation(testimonial),
            }
        )
    next_position = batch[-1][0] if batch else after
    return ChangesPage(
        results=results, next_cursor=changes_cursor(next_position), has_more=has_more
    )
