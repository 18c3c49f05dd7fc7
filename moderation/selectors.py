"""What moderators see."""

import uuid

from django.db.models import F, QuerySet

from testimonials.errors import NotFound
from testimonials.models import Status, Testimonial


def review_queue() -> QuerySet[Testimonial]:
    """Items awaiting review, most urgent first: highest risk, then oldest."""
    return (
        Testimonial.objects.filter(status=Status.PENDING_REVIEW)
        .select_related("topic")
        .order_by(F("risk_score").desc(nulls_first=True), "created_at", "id")
    )


def testimonial_for_moderator(*, public_id: uuid.UUID) -> Testimonial:
    testimonial = (
        Testimonial.objects.select_related("topic", "consent_text", "decided_by")
        .prefetch_related("history")
        .filter(public_id=public_id)
        .first()
    )
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial
