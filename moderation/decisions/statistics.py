"""A clinic's week in numbers, from the audit trail, for the admin index."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from moderation.accounts.scopes import StaffScope
from testimonials.models import Status, StatusChange, Testimonial


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


def week_numbers(*, scope: StaffScope, now: datetime | None = None) -> WeekNumbers:
    """The seven days up to `now`, from the audit trail: `screened` is
    screening's verdicts (to review or to spam), `decided` moderators'
    approvals and rejections of items under review, `published` and
    `withdrawn` every move into those statuses. `received` counts the
    stories that arrived, which no status change records. Of `scope`'s
    stories only."""
    end = now or timezone.now()
    start = end - timedelta(days=7)
    stories = scope.filter(Testimonial.objects.all(), location="location")
    changes = scope.filter(StatusChange.objects.all(), location="testimonial__location").filter(
        created_at__gte=start, created_at__lt=end
    )
    decisions = list(
        changes.filter(
            from_status=Status.PENDING_REVIEW, to_status__in=[Status.PUBLISHED, Status.REJECTED]
        ).values_list("created_at", "testimonial__created_at")
    )
    waits = [decided - arrived for decided, arrived in decisions]
    return WeekNumbers(
        start=start,
        end=end,
        received=stories.filter(created_at__gte=start, created_at__lt=end).count(),
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
