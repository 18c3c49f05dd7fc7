"""How a published story looks in JSON: from a model row, or from the
narrow row the published list selects."""

from datetime import UTC, datetime
from typing import Any

from django.db.models import (
    QuerySet,
)

from testimonials.honesty import disclosures
from testimonials.media import selectors as media_selectors
from testimonials.models import (
    Testimonial,
    display_name_for,
)


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
        "location": testimonial.location.slug,
        "clinician": testimonial.clinician.slug if testimonial.clinician else None,
        "published_at": api_time(published_at) if published_at else None,
        "featured": testimonial.featured,
        **disclosures.public_disclosures(testimonial),
        "media": media_selectors.media_of_stories([testimonial.pk]).get(testimonial.pk, []),
    }


# The columns `published_row_representation` reads: the published list's
# pages are built from `.values()` rows, not model instances.
PUBLISHED_COLUMNS = (
    "id",
    "public_id",
    "public_name",
    "author_name",
    "display_preference",
    "body",
    "published_body",
    "rating",
    "topic__slug",
    "location__slug",
    "clinician__slug",
    "published_at",
    "featured",
    "invitation_id",
    "material_connection",
    "material_connection_detail",
    "incentive",
    "typical_results_id",
    "typical_results__text",
    "typical_results__tag",
    "typical_results__label",
    "typical_results__source",
)


def published_rows(queryset: QuerySet[Testimonial]) -> QuerySet[Testimonial, dict[str, Any]]:
    """`published_testimonials(...)` as the rows `published_row_representation` takes."""
    rows: QuerySet[Testimonial, dict[str, Any]] = queryset.values(*PUBLISHED_COLUMNS)
    return rows


def published_row_representation(
    row: dict[str, Any], media: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """`published_representation` of a `published_rows` row: the same
    JSON (a test compares the two over every shape a story can take).
    `media`: the story's, from `media_selectors.media_of_stories` for the page."""
    published_at = row["published_at"]
    return {
        "id": str(row["public_id"]),
        "display_name": row["public_name"]
        or display_name_for(row["author_name"], row["display_preference"]),
        "body": row["published_body"] or row["body"],
        "rating": row["rating"],
        "topic": row["topic__slug"],
        "location": row["location__slug"],
        "clinician": row["clinician__slug"],
        "published_at": api_time(published_at) if published_at else None,
        "featured": row["featured"],
        "verified_patient": row["invitation_id"] is not None,
        "material_connections": disclosures.connections_shown(
            row["material_connection"], row["material_connection_detail"], row["incentive"]
        ),
        "typical_results": (
            None
            if row["typical_results_id"] is None
            else disclosures.typical_results_shown(
                row["typical_results__text"],
                row["typical_results__tag"],
                row["typical_results__label"],
                row["typical_results__source"],
            )
        ),
        "media": media or [],
    }
