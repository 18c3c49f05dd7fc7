"""What moderators see."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, QuerySet
from django.utils import timezone

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
    """Status changes from `start` to `end`, both days included (UTC)."""
    return (
        StatusChange.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("testimonial")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class WeekNumbers:
    """A clinic's last seven days, for the admin index."""

    start: datetime
    end: datetime
    received: int
    screened: int
    decided: int
    published: int
    withdrawn: int
    # From the story's arrival to a moderator's decision; None without decisions.
    median_time_to_decision: timedelta | None


def week_numbers(*, now: datetime | None = None) -> WeekNumbers:
    """The seven days up to `now`, from the audit trail: `screened` is
    screening's verdicts (to review or to spam), `decided` moderators'
    approvals and rejections of items under review, `published` and
    `withdrawn` every move into those statuses. `received` counts the
    stories that arrived, which no status change records."""
    end = now or timezone.now()
    start = end - timedelta(days=7)
    changes = StatusChange.objects.filter(created_at__gte=start, created_at__lt=end)
    decisions = list(
        changes.filter(
            from_status=Status.PENDING_REVIEW, to_status__in=[Status.PUBLISHED, Status.REJECTED]
        ).values_list("created_at", "testimonial__created_at")
    )
    waits = [decided - arrived for decided, arrived in decisions]
    return WeekNumbers(
        start=start,
        end=end,
        received=Testimonial.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        screened=changes.filter(
            from_status=Status.SCREENING, to_status__in=[Status.PENDING_REVIEW, Status.REJECTED]
        ).count(),
        decided=len(decisions),
        published=changes.filter(to_status=Status.PUBLISHED).count(),
        withdrawn=changes.filter(to_status=Status.WITHDRAWN).count(),
        median_time_to_decision=_median(waits),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
