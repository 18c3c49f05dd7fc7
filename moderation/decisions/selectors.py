"""What moderators read: the review queue, one item whole, the same
patient's earlier stories, counts by status, the audit trail by dates.

Every read takes the reader's `StaffScope` (`moderation.accounts.scopes`):
a story outside it is absent from lists and counts and "not found" when
addressed, so it can be neither counted nor guessed."""

import uuid
from datetime import date

from django.db.models import Count, F, QuerySet

from moderation.accounts.scopes import StaffScope
from testimonials.errors import NotFound
from testimonials.models import Status, StatusChange, Testimonial


def stories_in_scope(scope: StaffScope) -> QuerySet[Testimonial]:
    """Every story of the places `scope` covers."""
    return scope.filter(Testimonial.objects.all(), location="location")


def review_queue(
    *,
    scope: StaffScope,
    flag_kind: str | None = None,
    topic_slug: str | None = None,
    location_slug: str | None = None,
) -> QuerySet[Testimonial]:
    """Items awaiting review in `scope`, most urgent first: highest risk,
    then oldest. `location_slug` narrows an organisation-wide queue to one
    of its locations (a location outside the scope: an empty queue)."""
    queue = (
        stories_in_scope(scope)
        .filter(status=Status.PENDING_REVIEW)
        .select_related("topic", "location")
    )
    if location_slug:
        queue = queue.filter(location__slug=location_slug)
    if flag_kind:
        queue = queue.filter(flag_kinds__contains=f",{flag_kind},")
    if topic_slug:
        queue = queue.filter(topic__slug=topic_slug)
    return queue.order_by(F("risk_score").desc(nulls_first=True), "created_at", "id")


def earlier_from_same_email(
    testimonial: Testimonial, *, scope: StaffScope, limit: int = 20
) -> QuerySet[Testimonial]:
    """The same patient's other stories (by email) in `scope`, newest first:
    a patient of two organisations is two patients to each one's staff."""
    if not testimonial.email:
        return Testimonial.objects.none()
    return (
        stories_in_scope(scope)
        .filter(email__iexact=testimonial.email, created_at__lt=testimonial.created_at)
        .exclude(pk=testimonial.pk)
        .select_related("topic")
        .order_by("-created_at")[:limit]
    )


def testimonial_for_moderator(*, public_id: uuid.UUID, scope: StaffScope) -> Testimonial:
    """One story whole, if `scope` covers it; otherwise `NotFound`, as for
    a story that does not exist."""
    testimonial = (
        stories_in_scope(scope)
        .select_related("topic", "location", "consent_text", "decided_by", "typical_results")
        .prefetch_related("history", "notes")
        .filter(public_id=public_id)
        .first()
    )
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial


def status_counts(*, scope: StaffScope) -> dict[str, int]:
    """How many items of `scope` are in each status, every status named."""
    counts = dict(
        stories_in_scope(scope)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Status.values}


def next_in_queue(*, scope: StaffScope, after: Testimonial | None = None) -> Testimonial | None:
    """The next item a moderator should open: the first of their queue,
    skipping `after` (the one just decided or skipped)."""
    queue = review_queue(scope=scope)
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    return queue.first()


def audit_events(*, start: date, end: date, scope: StaffScope) -> QuerySet[StatusChange]:
    """Status changes of `scope`'s stories from `start` to `end`, both days
    included, as days of the current time zone (the clinic's in the admin)."""
    return (
        scope.filter(StatusChange.objects.all(), location="testimonial__location")
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("testimonial")
        .order_by("created_at", "id")
    )
