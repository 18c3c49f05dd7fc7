"""The dashboard's figures for one organisation, all its locations at once.

Four grouped queries whatever the number of locations and weeks: stories
received (by location and week), the audit trail's screenings, decisions
and publications (counted as the admin index's week counts them), the
decisions' waits (for the medians),
and the transparency figures by rating (`testimonials.honesty.stats`, as the
transparency report computes them). Weeks are ISO weeks at the clinic
(`CLINIC_TIME_ZONE`), Monday to Sunday. Nothing here names a patient.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from config.clinic_time import clinic_week_of, clinic_zone
from moderation.accounts.scopes import StaffScope
from testimonials.honesty import stats
from testimonials.models import (
    Location,
    Organisation,
    RejectionReason,
    Status,
    StatusChange,
    Testimonial,
)

# What each number counts in the audit trail, as the admin index's week
# (`moderation.decisions.statistics.week_numbers`) counts it: screening's
# verdicts (to review or to spam), moderators' approvals and rejections of
# items under review, and every move into published.
SCREENED = Q(from_status=Status.SCREENING, to_status__in=[Status.PENDING_REVIEW, Status.REJECTED])
DECIDED = Q(from_status=Status.PENDING_REVIEW, to_status__in=[Status.PUBLISHED, Status.REJECTED])
PUBLISHED = Q(to_status=Status.PUBLISHED)

DEFAULT_WEEKS = 8
MAX_WEEKS = 52
# The ratings a group watches: is any location declining its low ratings
# more often than its high ones?
LOW_RATINGS = ("1", "2")
HIGH_RATINGS = ("4", "5")


def administered_organisations(scope: StaffScope) -> list[Organisation]:
    """The organisations whose dashboard a staff member may see: every one
    for a superuser, else those they administer."""
    organisations = Organisation.objects.order_by("name", "pk")
    if scope.everywhere:
        return list(organisations)
    return list(organisations.filter(pk__in=sorted(scope.admin_of)))


@dataclass(frozen=True)
class WeekFigures:
    """One location's week (or, as `LocationFigures.period`, all its weeks shown)."""

    start: date
    received: int = 0
    screened: int = 0
    decided: int = 0
    published: int = 0
    # From a story's arrival to a moderator's decision; None without decisions.
    median_time_to_decision: timedelta | None = None

    @property
    def label(self) -> str:
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class LocationFigures:
    location: Location
    weeks: list[WeekFigures]
    period: WeekFigures
    # Since the first story, by rating: what the transparency report shows.
    ratings: list[stats.RatingRow]

    @property
    def reviewed(self) -> int:
        return sum(row.reviewed for row in self.ratings)

    @property
    def published(self) -> int:
        return sum(row.published for row in self.ratings)

    @property
    def declined_reasons(self) -> list[tuple[str, int]]:
        """Rejected and taken down, by reason in words; only those used."""
        both: Counter[str] = Counter()
        for row in self.ratings:
            both.update(row.declined_by_reason)
        labels = dict(RejectionReason.choices)
        return [
            (str(labels.get(reason, "Unspecified")), n)
            for reason, n in sorted(both.items(), key=lambda item: (-item[1], item[0]))
            if n
        ]

    def _rows(self, keys: tuple[str, ...]) -> list[stats.RatingRow]:
        return [row for row in self.ratings if row.rating in keys]

    @property
    def low_rated_share_reviewed(self) -> int | None:
        """Of the reviewed stories, the share rated 1 or 2, in percent."""
        return _percent(sum(row.reviewed for row in self._rows(LOW_RATINGS)), self.reviewed)

    @property
    def low_rated_share_published(self) -> int | None:
        return _percent(sum(row.published for row in self._rows(LOW_RATINGS)), self.published)

    @property
    def low_rated_declined_rate(self) -> int | None:
        rows = self._rows(LOW_RATINGS)
        return _percent(sum(row.declined for row in rows), sum(row.reviewed for row in rows))

    @property
    def high_rated_declined_rate(self) -> int | None:
        rows = self._rows(HIGH_RATINGS)
        return _percent(sum(row.declined for row in rows), sum(row.reviewed for row in rows))


@dataclass(frozen=True)
class Dashboard:
    organisation: Organisation
    start: datetime
    end: datetime
    # The weeks shown, newest first (their Mondays).
    weeks: list[date]
    locations: list[LocationFigures] = field(default_factory=list)


def organisation_dashboard(
    *, organisation: Organisation, weeks: int = DEFAULT_WEEKS, now: datetime | None = None
) -> Dashboard:
    """Every location of `organisation`, over the `weeks` ISO weeks up to
    `now` (this week included)."""
    end = now or timezone.now()
    zone = clinic_zone()
    this_monday = clinic_week_of(end.astimezone(zone).date())
    mondays = [this_monday - timedelta(weeks=back) for back in range(weeks)]
    start = datetime.combine(mondays[-1], time(0), tzinfo=zone)
    locations = list(Location.objects.filter(organisation=organisation).order_by("name", "pk"))
    ids = [location.pk for location in locations]

    counts: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    received = (
        Testimonial.objects.filter(location__in=ids, created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .order_by()
        .values("location_id", "week")
        .annotate(n=Count("id"))
    )
    for row in received:
        counts[(row["location_id"], clinic_week_of(row["week"]))]["received"] += row["n"]
    changes = StatusChange.objects.filter(
        testimonial__location__in=ids, created_at__gte=start, created_at__lt=end
    )
    moves = (
        changes.filter(SCREENED | DECIDED | PUBLISHED)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .order_by()
        .values("testimonial__location_id", "week")
        .annotate(
            screened=Count("id", filter=SCREENED),
            decided=Count("id", filter=DECIDED),
            published=Count("id", filter=PUBLISHED),
        )
    )
    for move in moves:
        key = (move["testimonial__location_id"], clinic_week_of(move["week"]))
        counts[key].update({name: move[name] for name in ("screened", "decided", "published")})
    waits: dict[tuple[int, date], list[timedelta]] = defaultdict(list)
    for location_id, decided_at, arrived_at in changes.filter(DECIDED).values_list(
        "testimonial__location_id", "created_at", "testimonial__created_at"
    ):
        waits[(location_id, clinic_week_of(decided_at))].append(decided_at - arrived_at)
    ratings = stats.rejection_rates_by_location(location_ids=ids)

    figures = []
    for location in locations:
        rows = [
            _week(monday, counts[(location.pk, monday)], waits[(location.pk, monday)])
            for monday in mondays
        ]
        all_waits = [wait for monday in mondays for wait in waits[(location.pk, monday)]]
        period = _week(
            mondays[-1], sum((counts[(location.pk, m)] for m in mondays), Counter()), all_waits
        )
        figures.append(
            LocationFigures(
                location=location, weeks=rows, period=period, ratings=ratings[location.pk]
            )
        )
    return Dashboard(
        organisation=organisation, start=start, end=end, weeks=mondays, locations=figures
    )


def _week(monday: date, counted: Counter[str], waits: list[timedelta]) -> WeekFigures:
    return WeekFigures(
        start=monday,
        received=counted["received"],
        screened=counted["screened"],
        decided=counted["decided"],
        published=counted["published"],
        median_time_to_decision=(
            timedelta(seconds=statistics.median(wait.total_seconds() for wait in waits))
            if waits
            else None
        ),
    )


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
