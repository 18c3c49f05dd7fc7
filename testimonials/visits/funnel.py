"""The ask funnel: what became of the asks sent, per location and ISO week
(at the clinic, `CLINIC_TIME_ZONE`, Monday to Sunday), in counts only.

A row follows the asks invited in one week (a cohort), whenever what
happened to them happened, so every stage is a part of `asked`:

- asked: asks that became an invitation (by email, text, or both);
- delivered: the email delivered (the provider's delivery event; a later
  complaint still means it arrived) or the text delivered (its receipt);
- opened: the email's first-party image was fetched from us
  (`testimonials.invitations.opens`); mail clients that block images, or
  fetch every image in advance, make this a rough count;
- link_clicked: the invitation's link first opened the share page;
- story_submitted: a story came through the invitation;
- opted_out: the patient asked not to be asked again after this ask
  (unsubscribe link, STOP, or staff);
- bounced: the email bounced or was refused, or the text failed.

Nothing here names a patient: each figure is a count of asks. Which
locations a caller may see is passed in (`locations`): the staff's scope
is moderation's to decide, and this module does not import it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from config.clinic_time import clinic_week_of, clinic_zone
from testimonials.models import Ask, AskStatus, EmailDeliveryStatus, Location, PatientOptOut

STAGES = (
    "asked",
    "delivered",
    "opened",
    "link_clicked",
    "story_submitted",
    "opted_out",
    "bounced",
)

DEFAULT_WEEKS = 8
MAX_WEEKS = 52


def _stage_counts() -> dict[str, Any]:
    """Each stage but `opted_out` as a filtered count over asks (one row an
    ask: its invitation and its text are one-to-one, so the joins repeat
    nothing)."""
    return {
        "asked": Count("pk"),
        "delivered": Count(
            "pk",
            filter=Q(
                invitation__delivery_status__in=[
                    EmailDeliveryStatus.DELIVERED,
                    EmailDeliveryStatus.COMPLAINED,
                ]
            )
            | Q(text__delivered_at__isnull=False),
        ),
        "opened": Count("pk", filter=Q(invitation__email_opened_at__isnull=False)),
        "link_clicked": Count("pk", filter=Q(invitation__link_opened_at__isnull=False)),
        "story_submitted": Count("pk", filter=Q(invitation__used_at__isnull=False)),
        "bounced": Count(
            "pk",
            filter=Q(invitation__delivery_status=EmailDeliveryStatus.BOUNCED)
            | Q(text__failed_at__isnull=False),
        ),
    }


def _opted_out_after_ask(asks: QuerySet[Ask]) -> list[tuple[int, datetime]]:
    """(location id, the ask's time) of each ask in `asks` whose patient
    opted out of its organisation, by either contact hash, once it had gone
    out.

    Two small queries and a comparison here, not a correlated subquery in
    the counts: that one runs once an ask, and its estimated cost alone
    made PostgreSQL compile the whole count with JIT (2.5 s of a 3 s query
    on 50,000 asks). Few asks have an opt-out; their hashes name their
    organisation, so the `IN` finds them and the times decide."""
    hashes = PatientOptOut.objects.values("contact_hash")
    opted = asks.filter(Q(email_hash__in=hashes) | Q(phone_hash__in=hashes))
    candidates = list(
        opted.values_list(
            "visit__location_id", "decided_at", "organisation_id", "email_hash", "phone_hash"
        )
    )
    if not candidates:
        return []
    opted_at = {
        (organisation_id, contact_hash): created_at
        for organisation_id, contact_hash, created_at in PatientOptOut.objects.filter(
            Q(contact_hash__in=opted.values("email_hash"))
            | Q(contact_hash__in=opted.values("phone_hash"))
        ).values_list("organisation_id", "contact_hash", "created_at")
    }
    found = []
    for location_id, decided_at, organisation_id, *contact_hashes in candidates:
        if decided_at is None:  # an invited ask always has its time
            continue
        times = [opted_at.get((organisation_id, value)) for value in contact_hashes if value]
        if any(at is not None and at >= decided_at for at in times):
            found.append((location_id, decided_at))
    return found


@dataclass(frozen=True)
class FunnelRow:
    location: Location
    # The Monday of the clinic's ISO week.
    week: date
    asked: int = 0
    delivered: int = 0
    opened: int = 0
    link_clicked: int = 0
    story_submitted: int = 0
    opted_out: int = 0
    bounced: int = 0

    @property
    def week_label(self) -> str:
        year, week, _day = self.week.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def clicked_rate(self) -> int | None:
        """Links clicked per ask, in percent; None without asks."""
        return _percent(self.link_clicked, self.asked)

    @property
    def submitted_rate(self) -> int | None:
        return _percent(self.story_submitted, self.asked)

    def counts(self) -> dict[str, int]:
        return {stage: getattr(self, stage) for stage in STAGES}


def ask_funnel(
    *, locations: QuerySet[Location], weeks: int = DEFAULT_WEEKS, now: datetime | None = None
) -> list[FunnelRow]:
    """The funnel of each location in `locations` (the caller's scope),
    for the `weeks` ISO weeks up to `now` (this week included): one row per
    location and week, weeks without asks included (all zero), by location
    name and then newest week first. A grouped query, and two small ones for the opt-outs."""
    weeks = min(max(weeks, 1), MAX_WEEKS)
    end = now or timezone.now()
    zone = clinic_zone()
    this_monday = clinic_week_of(end.astimezone(zone).date())
    mondays = [this_monday - timedelta(weeks=back) for back in range(weeks)]
    start = datetime.combine(mondays[-1], time(0), tzinfo=zone)
    shown = list(locations.order_by("name", "pk"))
    asks = Ask.objects.filter(
        status=AskStatus.INVITED,
        visit__location__in=[location.pk for location in shown],
        decided_at__gte=start,
        decided_at__lt=end,
    )
    grouped = (
        asks.annotate(week=TruncWeek("decided_at", tzinfo=zone))
        .order_by()
        .values("visit__location_id", "week")
        .annotate(**_stage_counts())
    )
    counted: dict[tuple[int, date], dict[str, int]] = defaultdict(dict)
    for row in cast(Iterable[dict[str, Any]], grouped):
        counted[(row["visit__location_id"], clinic_week_of(row["week"]))] = {
            stage: row[stage] for stage in STAGES if stage != "opted_out"
        }
    for location_id, decided_at in _opted_out_after_ask(asks):
        week = counted[(location_id, clinic_week_of(decided_at))]
        week["opted_out"] = week.get("opted_out", 0) + 1
    return [
        FunnelRow(location=location, week=monday, **counted[(location.pk, monday)])
        for location in shown
        for monday in mondays
    ]


def ask_funnel_totals() -> dict[str, dict[str, int]]:
    """Every location's funnel since its first ask, by location slug: what
    `/metrics` shows (`testimonial_asks_total`). Locations without asks
    are left out."""
    asks = Ask.objects.filter(status=AskStatus.INVITED)
    grouped = asks.order_by().values("visit__location_id").annotate(**_stage_counts())
    counted = {
        row["visit__location_id"]: {
            **{stage: row[stage] for stage in STAGES if stage != "opted_out"},
            "opted_out": 0,
        }
        for row in cast(Iterable[dict[str, Any]], grouped)
    }
    for location_id, _decided_at in _opted_out_after_ask(asks):
        counted[location_id]["opted_out"] += 1
    slugs = dict(Location.objects.filter(pk__in=counted).values_list("pk", "slug"))
    return {slugs[pk]: counts for pk, counts in counted.items()}


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
