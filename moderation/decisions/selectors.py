"""What moderators read: the review queue, one item whole, the same
patient's earlier stories, counts by status, the audit trail by dates."""

import uuid
from datetime import date

from django.db.models import Count, F, QuerySet

from testimonials.errors import NotFound
from testimonials.models import Status, StatusChange, Testimonial


def review_queue(
    *, flag_kind: str | None = None, topic_slug: str | None = None
) -> QuerySet[Testimonial]:
    """Items awaiting review, most urgent first: highest risk, then oldest."""
    queue = Testimonial.objects.filter(status=Status.PENDING_REVIEW).select_related("topic")
    if flag_kind:
        queue = queue.filter(flag_kinds__contains=f",{flag_kind},")
    if topic_slug:
        queue = queue.filter(topic__slug=topic_slug)
    return queue.order_by(F("risk_score").desc(nulls_first=True), "created_at", "id")


def earlier_from_same_email(testimonial: Testimonial, *, limit: int = 20) -> QuerySet[Testimonial]:
    """The same patient's other stories (by email), newest first."""
    if not testimonial.email:
        return Testimonial.objects.none()
    return (
        Testimonial.objects.filter(
            email__iexact=testimonial.email, created_at__lt=testimonial.created_at
        )
        .exclude(pk=testimonial.pk)
        .select_related("topic")
        .order_by("-created_at")[:limit]
    )


def testimonial_for_moderator(*, public_id: uuid.UUID) -> Testimonial:
    testimonial = (
        Testimonial.objects.select_related("topic", "consent_text", "decided_by", "typical_results")
        .prefetch_related("history", "notes")
        .filter(public_id=public_id)
        .first()
    )
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial


def status_counts() -> dict[str, int]:
    """How many items are in each status, every status named."""
    counts = dict(
        Testimonial.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Status.values}


def next_in_queue(*, after: Testimonial | None = None) -> Testimonial | None:
    """The next item a moderator should open: the queue's first, skipping
    `after` (the one just decided or skipped)."""
    queue = review_queue()
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    return queue.first()


def audit_events(*, start: date, end: date) -> QuerySet[StatusChange]:
    """Status changes from `start` to `end`, both days included, as days of
    the current time zone (the clinic's in the admin)."""
    return (
        StatusChange.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("testimonial")
        .order_by("created_at", "id")
    )
