"""The gate every public read goes through: which stories may be public now,
and in which channels; the topics they belong to."""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import SHA256, Cast, Concat, Length
from django.utils import timezone

from testimonials.errors import FieldErrors, NotFound
from testimonials.models import (
    CHANNEL_FIELDS,
    Authorization,
    Channel,
    Clinician,
    Location,
    PublicationChange,
    PublicationEvent,
    Site,
    Status,
    Testimonial,
    Topic,
)


@dataclass(frozen=True)
class Places:
    """Which places' stories a public read shows: a site's organisation (and
    location), narrowed by the reader's `?location=` and `?clinician=`.
    Empty: every place (an anonymous reader of the whole installation)."""

    organisation_id: int | None = None
    location_id: int | None = None
    clinician_id: int | None = None

    @classmethod
    def of_site(cls, site: Site | None) -> "Places":
        """What a site's key may read: its organisation's stories, or its
        location's when it has one."""
        if site is None:
            return cls()
        return cls(organisation_id=site.organisation_id, location_id=site.location_id)

    def narrowed(
        self, *, location: Location | None = None, clinician: Clinician | None = None
    ) -> "Places":
        """These places narrowed to `location` and `clinician`: a
        `FieldErrors` (400) when one lies outside them (another
        organisation's, or another location than the site's)."""
        errors: dict[str, list[str]] = {}
        location_id = self.location_id
        if location is not None:
            if not self._holds(location.organisation_id, location.pk):
                errors["location"] = ["This site's key does not read this location's stories."]
            location_id = location.pk
        if clinician is not None and self.organisation_id not in (None, clinician.organisation_id):
            errors["clinician"] = ["This site's key does not read this clinician's stories."]
        if errors:
            raise FieldErrors(errors)
        return Places(
            organisation_id=self.organisation_id,
            location_id=location_id,
            clinician_id=clinician.pk if clinician is not None else self.clinician_id,
        )

    def _holds(self, organisation_id: int, location_id: int) -> bool:
        return self.organisation_id in (None, organisation_id) and self.location_id in (
            None,
            location_id,
        )

    def filter(self, queryset: QuerySet[Any], *, location: str = "location") -> QuerySet[Any]:
        """`queryset` narrowed to these places, through its `location` path."""
        if self.organisation_id is not None:
            queryset = queryset.filter(**{f"{location}__organisation_id": self.organisation_id})
        if self.location_id is not None:
            queryset = queryset.filter(**{f"{location}_id": self.location_id})
        return queryset

    def key(self) -> str:
        """For cache keys and ETags: what these places are, in a few characters."""
        return f"o{self.organisation_id or ''}l{self.location_id or ''}c{self.clinician_id or ''}"


EVERY_PLACE = Places()


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("title")


def topic_get(*, slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise NotFound("No such topic.")
    return topic


class Sha256Hex(SHA256):
    """Hex SHA-256 of a text's UTF-8 bytes. SQLite runs Django's own
    function; PostgreSQL its built-in sha256(), which needs no extension
    (Django's SHA256 asks for pgcrypto)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super(SHA256, self).as_sql(
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def shown_sha256() -> Sha256Hex:
    """`consent.content_sha256` of what a story shows (its text, as edited
    or as written, and its name), computed by the database from the row."""
    shown = Case(
        When(published_body="", then=F("body")),
        default=F("published_body"),
        output_field=TextField(),
    )
    return Sha256Hex(
        Concat(
            Cast(Length("public_name"), CharField()),
            Value(":"),
            F("public_name"),
            Value("\n"),
            shown,
            output_field=TextField(),
        )
    )


def published_testimonials(
    *,
    channel: str | None = None,
    topic: Topic | None = None,
    min_rating: int | None = None,
    featured: bool | None = None,
    places: Places = EVERY_PLACE,
) -> QuerySet[Testimonial]:
    """What may be public. Every public surface reads through here, naming
    its channel: the clinic's pages, a partner site, the widget.

    No authorization, no publish: a story is here only while it is
    `published` and its current authorization is in effect (not revoked,
    not expired), covers `channel`, and its fingerprint matches the text
    and name the story shows now, as the database computes them from the
    row. So a text changed by any path without the patient's approval, a
    withdrawal or an expiry takes it off every surface at once. Without a
    `channel` (counts, internal reads), any channel will do.

    `min_rating` leaves out stories without a rating; `featured` keeps only
    the stories a moderator featured (True) or did not (False); `places`
    keeps one organisation's, location's or clinician's stories. A story's
    location decides where it may show: a location's own pages, lists and
    widget show only that location's stories, never a sister location's."""
    in_effect: dict[str, Any] = {
        "testimonial": OuterRef("pk"),
        "superseded_at": None,
        "revoked_at": None,
        "expires_at__gt": timezone.now(),
    }
    if channel is not None:
        in_effect[CHANNEL_FIELDS[Channel(channel)]] = True
    # A subquery per row, not a join: PostgreSQL cannot estimate how many
    # rows the fingerprint comparison keeps, and with a join it sorted every
    # published story (~500 ms at 100,000) instead of walking the
    # newest-first index until a page is full (~1 ms).
    authorized_sha256 = Subquery(
        Authorization.objects.filter(**in_effect).order_by().values("content_sha256")[:1]
    )
    queryset = (
        Testimonial.objects.filter(status=Status.PUBLISHED)
        .alias(shown_sha256=shown_sha256(), authorized_sha256=authorized_sha256)
        .filter(shown_sha256=F("authorized_sha256"))
        .select_related("topic", "typical_results", "location", "clinician")
    )
    queryset = places.filter(queryset)
    if places.clinician_id is not None:
        queryset = queryset.filter(clinician_id=places.clinician_id)
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    if min_rating is not None:
        queryset = queryset.filter(rating__gte=min_rating)
    if featured is not None:
        queryset = queryset.filter(featured=featured)
    return queryset.order_by("-published_at", "-id")


def public_channels(*, testimonial_id: int) -> frozenset[str]:
    """The channels in which the story is public now, by the gate."""
    flags = (
        Authorization.objects.filter(
            testimonial__in=published_testimonials().filter(pk=testimonial_id),
            superseded_at=None,
        )
        .values_list(*CHANNEL_FIELDS.values())
        .first()
    )
    if flags is None:
        return frozenset()
    return frozenset(channel for channel, on in zip(CHANNEL_FIELDS, flags, strict=True) if on)


def announced_channels(*, testimonial_id: int) -> frozenset[str]:
    """The channels in which websites were last told the story is public:
    its changes feed, replayed."""
    public: set[str] = set()
    changes = PublicationChange.objects.filter(testimonial_id=testimonial_id).order_by("id")
    for event, key in changes.values_list("event", "channels"):
        channels = {channel for channel in key.split(",") if channel}
        if event == PublicationEvent.PUBLISHED:
            public |= channels
        elif event == PublicationEvent.UNPUBLISHED:
            public -= channels
    return frozenset(public)
