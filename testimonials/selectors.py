"""Reads with policy for the patients' and the websites' side."""

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from testimonials import disclosures
from testimonials.errors import FieldErrors, NotFound
from testimonials.models import (
    ConsentText,
    PublicationChange,
    PublicationEvent,
    Site,
    Status,
    Testimonial,
    Topic,
)

_PATIENT_LINK_SALT = "testimonials.patient-secret"


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("title")


def topic_get(*, slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise NotFound("No such topic.")
    return topic


def consent_current() -> ConsentText | None:
    """The consent text a patient must agree to now."""
    return ConsentText.objects.filter(superseded_at__isnull=True).order_by("-created_at").first()


def published_testimonials(
    *,
    topic: Topic | None = None,
    min_rating: int | None = None,
    featured: bool | None = None,
) -> QuerySet[Testimonial]:
    """What may be public. Every public surface reads through here.

    `min_rating` leaves out stories without a rating; `featured` keeps only
    the stories a moderator featured (True) or did not (False)."""
    queryset = Testimonial.objects.filter(status=Status.PUBLISHED).select_related(
        "topic", "typical_results"
    )
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    if min_rating is not None:
        queryset = queryset.filter(rating__gte=min_rating)
    if featured is not None:
        queryset = queryset.filter(featured=featured)
    return queryset.order_by("-published_at", "-id")


def api_time(value: datetime) -> str:
    """The way the API writes times (DRF's): UTC, ISO 8601, a `Z`."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def published_representation(testimonial: Testimonial) -> dict[str, Any]:
    """A published story as every public surface shows it: the API, the
    changes feed and webhooks, with its disclosures. Never the email, the
    name as written or the original text when a moderator published an edit."""
    published_at = testimonial.published_at  # never None when published (a constraint)
    return {
        "id": str(testimonial.public_id),
        "display_name": testimonial.display_name,
        "body": testimonial.shown_body,
        "rating": testimonial.rating,
        "topic": testimonial.topic.slug,
        "published_at": api_time(published_at) if published_at else None,
        "featured": testimonial.featured,
        **disclosures.public_disclosures(testimonial),
    }


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
    *, cursor: str | None = None, topic: Topic | None = None, limit: int = 100
) -> ChangesPage:
    """What was published, updated or removed after `cursor`, oldest first.

    Each story appears once per page in its state now, read through
    `published_testimonials`: a story that is public now comes with its
    representation; one that is not is a tombstone (its id and topic), so
    a withdrawn story's text is never served from here, whatever the events
    before the withdrawal said. Applying a page as upserts and deletes, in
    order, brings a copy up to date; repeating a page is harmless.
    """
    after = changes_position(cursor) if cursor else 0
    changes = PublicationChange.objects.filter(id__gt=after)
    if topic is not None:
        changes = changes.filter(topic=topic)
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
    public = {t.public_id: t for t in published_testimonials().filter(public_id__in=list(latest))}
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


# --- Sites ------------------------------------------------------------------


def site_key_hash(key: str) -> str:
    """How a site's key is stored: its SHA-256. The key is 256 random bits,
    so a slow password hash would add nothing but latency."""
    return hashlib.sha256(key.encode()).hexdigest()


def site_for_key(*, key: str) -> Site | None:
    """The active site this API key belongs to, or None."""
    return Site.objects.filter(key_hash=site_key_hash(key), revoked_at=None).first()


def patient_secret(public_id: uuid.UUID, *, key: str | None = None) -> str:
    """The patient's capability secret for one testimonial.

    Derived, not stored: a leaked database gives no one the power to withdraw
    a story, and an idempotent retry of a submission can answer the same URLs.
    """
    digest = salted_hmac(_PATIENT_LINK_SALT, str(public_id), secret=key, algorithm="sha256")
    return digest.hexdigest()


def testimonial_for_patient(*, public_id: uuid.UUID, secret: str) -> Testimonial:
    """The testimonial whose secret this is; anything else is `NotFound`,
    the same answer for an unknown id and a wrong secret."""
    keys = [str(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    if not any(hmac.compare_digest(patient_secret(public_id, key=key), secret) for key in keys):
        raise NotFound("No such testimonial.")
    testimonial = Testimonial.objects.select_related("topic").filter(public_id=public_id).first()
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial
