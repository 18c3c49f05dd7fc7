"""The transparency report: what happened to every story a topic received,
and the ratings of every reviewed story next to those of the published ones,
so that anyone can check that nothing is withheld for its rating (16 CFR
465.7). Reads only; one grouped query per topic.

"Reviewed" means decided by the clinic: published, rejected (by a moderator
or, for clear spam, by screening) or taken down. Stories a patient withdrew
are counted as withdrawn and left out of both rating columns: that was the
patient's decision, not the clinic's.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from testimonials.honesty import disclosures
from testimonials.models import PublishingMode, RejectionReason, Status, Testimonial, Topic

RATING_KEYS: tuple[str, ...] = ("1", "2", "3", "4", "5", "none")
AWAITING = (Status.SUBMITTED, Status.SCREENING, Status.PENDING_REVIEW)
REVIEWED = (Status.PUBLISHED, Status.REJECTED, Status.UNPUBLISHED)
# A decided story whose row names no reason (none should exist): counted, never hidden.
UNSPECIFIED = "unspecified"


def _rating_key(rating: int | None) -> str:
    return str(rating) if rating else "none"


def _by_reason(counts: Counter[str]) -> dict[str, int]:
    reasons = {reason: counts.get(reason, 0) for reason in RejectionReason.values}
    if counts.get(UNSPECIFIED):
        reasons[UNSPECIFIED] = counts[UNSPECIFIED]
    return reasons


@dataclass(frozen=True)
class TopicStats:
    topic: Topic
    received: int
    awaiting_review: int
    published: int
    rejected: dict[str, int]
    unpublished: dict[str, int]
    withdrawn: int
    ratings_reviewed: dict[str, int]
    ratings_published: dict[str, int]
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def unpublished_total(self) -> int:
        return sum(self.unpublished.values())

    @property
    def reviewed_total(self) -> int:
        return sum(self.ratings_reviewed.values())

    @property
    def declined_reasons(self) -> list[tuple[str, int]]:
        """Rejected and taken down together, by reason, in words; only the
        reasons that were used."""
        labels = dict(RejectionReason.choices)
        both = Counter(self.rejected) + Counter(self.unpublished)  # drops the zeros
        return [(str(labels.get(reason, "Unspecified")), both[reason]) for reason in both]

    def rating_rows(self) -> list[dict[str, Any]]:
        """Per rating: how many reviewed, how many published, and the share
        of each column, for the page's table."""
        reviewed, published = self.reviewed_total, self.published
        return [
            {
                "rating": key,
                "reviewed": self.ratings_reviewed[key],
                "published": self.ratings_published[key],
                "reviewed_share": _share(self.ratings_reviewed[key], reviewed),
                "published_share": _share(self.ratings_published[key], published),
            }
            for key in RATING_KEYS
        ]

    def as_dict(self) -> dict[str, Any]:
        mode = PublishingMode(self.topic.publishing_mode)
        return {
            "topic": self.topic.slug,
            "publishing_mode": mode.value,
            "publishing_mode_label": mode.label,
            "received": self.received,
            "awaiting_review": self.awaiting_review,
            "published": self.published,
            "rejected": {"total": self.rejected_total, "by_reason": self.rejected},
            "unpublished": {"total": self.unpublished_total, "by_reason": self.unpublished},
            "withdrawn": self.withdrawn,
            "ratings": {"reviewed": self.ratings_reviewed, "published": self.ratings_published},
            "content_based_reasons": list(disclosures.CONTENT_BASED_REASONS),
            "generated_at": self.generated_at,
        }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _grouped(
    topic: Topic | None, within: QuerySet[Testimonial] | None = None
) -> list[dict[str, Any]]:
    rows = Testimonial.objects.all() if within is None else within
    if topic is not None:
        rows = rows.filter(topic=topic)
    # order_by() drops the model's default ordering, which would split the groups.
    grouped = rows.order_by().values("status", "rejection_reason", "rating").annotate(n=Count("id"))
    return [dict(row) for row in grouped]


def topic_stats(*, topic: Topic) -> TopicStats:
    """Every story the topic received, by what became of it."""
    status_counts: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    unpublished: Counter[str] = Counter()
    reviewed: Counter[str] = Counter()
    published: Counter[str] = Counter()
    for row in _grouped(topic):
        status, n = row["status"], row["n"]
        status_counts[status] += n
        reason = row["rejection_reason"] or UNSPECIFIED
        if status == Status.REJECTED:
            rejected[reason] += n
        elif status == Status.UNPUBLISHED:
            unpublished[reason] += n
        if status in REVIEWED:
            reviewed[_rating_key(row["rating"])] += n
        if status == Status.PUBLISHED:
            published[_rating_key(row["rating"])] += n
    return TopicStats(
        topic=topic,
        received=sum(status_counts.values()),
        awaiting_review=sum(status_counts[s] for s in AWAITING),
        published=status_counts[Status.PUBLISHED],
        rejected=_by_reason(rejected),
        unpublished=_by_reason(unpublished),
        withdrawn=status_counts[Status.WITHDRAWN],
        ratings_reviewed={key: reviewed[key] for key in RATING_KEYS},
        ratings_published={key: published[key] for key in RATING_KEYS},
    )


@dataclass(frozen=True)
class RatingRow:
    """One rating's fate, for the admin's report."""

    rating: str
    received: int
    reviewed: int
    published: int
    declined: int
    declined_by_reason: dict[str, int]
    withdrawn: int
    awaiting: int

    @property
    def declined_reasons(self) -> list[tuple[str, int]]:
        labels = dict(RejectionReason.choices)
        return [
            (str(labels.get(reason, "Unspecified")), n)
            for reason, n in self.declined_by_reason.items()
            if n
        ]

    @property
    def declined_rate(self) -> int | None:
        """Rejected or taken down, as a share of the reviewed, in percent."""
        return _share(self.declined, self.reviewed)


def rejection_rates_by_rating(
    *, topic: Topic | None = None, within: QuerySet[Testimonial] | None = None
) -> list[RatingRow]:
    """For each rating (and none): how many stories were reviewed and how
    many declined, by reason. A clinic that does not withhold by sentiment
    shows similar rates across ratings, or differences its reasons explain.
    Of the stories `within` only, when given (a staff member's places)."""
    return _rating_rows(_grouped(topic, within))


def rejection_rates_by_location(*, location_ids: Iterable[int]) -> dict[int, list[RatingRow]]:
    """`rejection_rates_by_rating` for each of `location_ids`, in one query:
    a group's proof that none of its locations withholds stories by rating."""
    by_location: dict[int, list[dict[str, Any]]] = {pk: [] for pk in location_ids}
    grouped = (
        Testimonial.objects.filter(location__in=sorted(by_location))
        .order_by()
        .values("location_id", "status", "rejection_reason", "rating")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        by_location[row["location_id"]].append(dict(row))
    return {pk: _rating_rows(rows) for pk, rows in by_location.items()}


def _rating_rows(grouped: list[dict[str, Any]]) -> list[RatingRow]:
    received: Counter[str] = Counter()
    reviewed: Counter[str] = Counter()
    published: Counter[str] = Counter()
    withdrawn: Counter[str] = Counter()
    awaiting: Counter[str] = Counter()
    declined: dict[str, Counter[str]] = {key: Counter() for key in RATING_KEYS}
    for row in grouped:
        key, status, n = _rating_key(row["rating"]), row["status"], row["n"]
        received[key] += n
        if status in REVIEWED:
            reviewed[key] += n
        if status == Status.PUBLISHED:
            published[key] += n
        elif status in (Status.REJECTED, Status.UNPUBLISHED):
            declined[key][row["rejection_reason"] or UNSPECIFIED] += n
        elif status == Status.WITHDRAWN:
            withdrawn[key] += n
        else:
            awaiting[key] += n
    return [
        RatingRow(
            rating=key,
            received=received[key],
            reviewed=reviewed[key],
            published=published[key],
            declined=sum(declined[key].values()),
            declined_by_reason=_by_reason(declined[key]),
            withdrawn=withdrawn[key],
            awaiting=awaiting[key],
        )
        for key in RATING_KEYS
    ]


def published_claims_without_statement(
    *, topic: Topic | None = None, within: QuerySet[Testimonial] | None = None
) -> list[Testimonial]:
    """Published stories that claim a result yet show no typical-results
    statement: published before the rule existed. Each needs a moderator
    (take it down and approve it again with a statement, or decline it)."""
    rows = (Testimonial.objects.all() if within is None else within).filter(
        status=Status.PUBLISHED, typical_results__isnull=True
    )
    if topic is not None:
        rows = rows.filter(topic=topic)
    claimed = Q()
    for kind in disclosures.OUTCOME_FLAG_KINDS:
        claimed |= Q(flag_kinds__contains=f",{kind},")
    return list(rows.filter(claimed).select_related("topic").order_by("published_at")[:200])
