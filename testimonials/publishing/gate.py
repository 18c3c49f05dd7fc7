"""The gate every public read goes through: which stories may be public now,
and in which channels; the topics they belong to."""

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

from testimonials.errors import NotFound
from testimonials.models import (
    CHANNEL_FIELDS,
    Authorization,
    Channel,
    PublicationChange,
    PublicationEvent,
    Status,
    Testimonial,
    Topic,
)


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
    the stories a moderator featured (True) or did not (False)."""
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
        .select_related("topic", "typical_results")
    )
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
