"""Reads with policy for the patients' and the websites' side."""

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
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
from django.utils.crypto import salted_hmac

from testimonials.consent import rules as consent_rules
from testimonials.errors import FieldErrors, NotFound
from testimonials.honesty import disclosures
from testimonials.models import (
    CHANNEL_FIELDS,
    DISPLAY_ORDER,
    Authorization,
    Channel,
    ConsentText,
    DisplayPreference,
    PublicationChange,
    PublicationEvent,
    Site,
    Status,
    Testimonial,
    Topic,
    display_name_for,
)

_PATIENT_LINK_SALT = "testimonials.patient-secret"


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("title")


def topic_get(*, slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise NotFound("No such topic.")
    return topic


def consent_current() -> ConsentText | None:
    """The consent text a patient must agree to now."""
    return ConsentText.objects.filter(superseded_at__isnull=True).order_by("-created_at").first()


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


def api_time(value: datetime) -> str:
    """The way the API writes times (DRF's): UTC, ISO 8601, a `Z`."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def published_representation(testimonial: Testimonial) -> dict[str, Any]:
    """A published story as every public surface shows it: the API, the
    changes feed and webhooks, with its disclosures. Never the email, the
    name as written or the original text when a moderator published an edit."""
    published_at = testimonial.published_at  # never None when published (a constraint)
    return {
        "id": str(testimonial.public_id),
        "display_name": testimonial.display_name,
        "body": testimonial.shown_body,
        "rating": testimonial.rating,
        "topic": testimonial.topic.slug,
        "published_at": api_time(published_at) if published_at else None,
        "featured": testimonial.featured,
        **disclosures.public_disclosures(testimonial),
    }


# The columns `published_row_representation` reads: the published list's
# pages are built from `.values()` rows, not model instances.
PUBLISHED_COLUMNS = (
    "id",
    "public_id",
    "public_name",
    "author_name",
    "display_preference",
    "body",
    "published_body",
    "rating",
    "topic__slug",
    "published_at",
    "featured",
    "invitation_id",
    "material_connection",
    "material_connection_detail",
    "incentive",
    "typical_results_id",
    "typical_results__text",
    "typical_results__tag",
    "typical_results__label",
    "typical_results__source",
)


def published_rows(queryset: QuerySet[Testimonial]) -> QuerySet[Testimonial, dict[str, Any]]:
    """`published_testimonials(...)` as the rows `published_row_representation` takes."""
    rows: QuerySet[Testimonial, dict[str, Any]] = queryset.values(*PUBLISHED_COLUMNS)
    return rows


def published_row_representation(row: dict[str, Any]) -> dict[str, Any]:
    """`published_representation` of a `published_rows` row: the same
    JSON (a test compares the two over every shape a story can take)."""
    published_at = row["published_at"]
    return {
        "id": str(row["public_id"]),
        "display_name": row["public_name"]
        or display_name_for(row["author_name"], row["display_preference"]),
        "body": row["published_body"] or row["body"],
        "rating": row["rating"],
        "topic": row["topic__slug"],
        "published_at": api_time(published_at) if published_at else None,
        "featured": row["featured"],
        "verified_patient": row["invitation_id"] is not None,
        "material_connections": disclosures.connections_shown(
            row["material_connection"], row["material_connection_detail"], row["incentive"]
        ),
        "typical_results": (
            None
            if row["typical_results_id"] is None
            else disclosures.typical_results_shown(
                row["typical_results__text"],
                row["typical_results__tag"],
                row["typical_results__label"],
                row["typical_results__source"],
            )
        ),
    }


# --- The changes feed -------------------------------------------------------

_CURSOR_SALT = "testimonials.changes-cursor"


def changes_cursor(change_id: int) -> str:
    """An opaque, signed position in the changes feed."""
    return signing.dumps(change_id, salt=_CURSOR_SALT)


def changes_position(cursor: str) -> int:
    try:
        value = signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature as exc:
        raise FieldErrors({"since": ["Not a cursor this feed gave out."]}) from exc
    if not isinstance(value, int) or value < 0:
        raise FieldErrors({"since": ["Not a cursor this feed gave out."]})
    return value


@dataclass(frozen=True)
class ChangesPage:
    results: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def publication_changes(
    *,
    cursor: str | None = None,
    topic: Topic | None = None,
    limit: int = 100,
    channel: str | None = None,
) -> ChangesPage:
    """What was published, updated or removed after `cursor`, oldest first.

    Each story appears once per page in its state now, read through
    `published_testimonials` for the reader's `channel`: a story that is public now comes with its
    representation; one that is not is a tombstone (its id and topic), so
    a withdrawn story's text is never served from here, whatever the events
    before the withdrawal said. Applying a page as upserts and deletes, in
    order, brings a copy up to date; repeating a page is harmless.
    """
    after = changes_position(cursor) if cursor else 0
    changes = PublicationChange.objects.filter(id__gt=after)
    if topic is not None:
        changes = changes.filter(topic=topic)
    if channel is not None:
        changes = changes.filter(channels__contains=f",{Channel(channel)},")
    batch = list(
        changes.order_by("id").values_list("id", "event", "public_id", "topic__slug", "created_at")[
            : limit + 1
        ]
    )
    has_more = len(batch) > limit
    batch = batch[:limit]
    latest: dict[uuid.UUID, tuple[str, str, datetime]] = {}
    for _, event, public_id, topic_slug, created_at in batch:
        latest.pop(public_id, None)  # keeps each story at the place of its newest change
        latest[public_id] = (event, topic_slug, created_at)
    public = {
        t.public_id: t
        for t in published_testimonials(channel=channel).filter(public_id__in=list(latest))
    }
    results: list[dict[str, Any]] = []
    for public_id, (event, topic_slug, created_at) in latest.items():
        testimonial = public.get(public_id)
        if testimonial is None:
            results.append(
                {
                    "type": "removed",
                    "id": str(public_id),
                    "topic": topic_slug,
                    "changed_at": api_time(created_at),
                    "testimonial": None,
                }
            )
            continue
        results.append(
            {
                "type": "updated" if event == PublicationEvent.UPDATED else "published",
                "id": str(public_id),
                "topic": topic_slug,
                "changed_at": api_time(created_at),
                "testimonial": published_representation(testimonial),
            }
        )
    next_position = batch[-1][0] if batch else after
    return ChangesPage(
        results=results, next_cursor=changes_cursor(next_position), has_more=has_more
    )


# --- Sites ------------------------------------------------------------------


def site_key_hash(key: str) -> str:
    """How a site's key is stored: its SHA-256. The key is 256 random bits,
    so a slow password hash would add nothing but latency."""
    return hashlib.sha256(key.encode()).hexdigest()


def site_for_key(*, key: str) -> Site | None:
    """The active site this API key belongs to, or None."""
    return Site.objects.filter(key_hash=site_key_hash(key), revoked_at=None).first()


def patient_secret(public_id: uuid.UUID, *, key: str | None = None) -> str:
    """The patient's capability secret for one testimonial.

    Derived, not stored: a leaked database gives no one the power to withdraw
    a story, and an idempotent retry of a submission can answer the same URLs.
    """
    digest = salted_hmac(_PATIENT_LINK_SALT, str(public_id), secret=key, algorithm="sha256")
    return digest.hexdigest()


def testimonial_for_patient(*, public_id: uuid.UUID, secret: str) -> Testimonial:
    """The testimonial whose secret this is; anything else is `NotFound`,
    the same answer for an unknown id and a wrong secret."""
    keys = [str(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    # As bytes: compare_digest refuses str with non-ASCII characters, and a
    # link can carry any (found by tests/security/test_api_fuzz.py).
    given = secret.encode()
    if not any(
        hmac.compare_digest(patient_secret(public_id, key=key).encode(), given) for key in keys
    ):
        raise NotFound("No such testimonial.")
    testimonial = Testimonial.objects.select_related("topic").filter(public_id=public_id).first()
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial


# --- Authorizations -------------------------------------------------------------


def authorization_current(*, testimonial_id: int) -> Authorization | None:
    """The story's current authorization (in effect or not), or None."""
    return Authorization.objects.filter(testimonial_id=testimonial_id, superseded_at=None).first()


def authorization_in_effect(*, testimonial_id: int) -> Authorization | None:
    """The current authorization if it is neither revoked nor expired."""
    return Authorization.objects.filter(
        testimonial_id=testimonial_id,
        superseded_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).first()


def awaiting_first_authorization(testimonial: Testimonial) -> bool:
    """An imported story that came without consent and that its patient can
    still be asked to authorize: it has an email address and has never had
    an authorization. A moderator may approve it; the gate keeps it off
    every surface until the patient signs. Without an email address no one
    can ask, so it can never be published."""
    return (
        bool(testimonial.source)
        and not testimonial.consent_to_publish
        and bool(testimonial.email)
        and testimonial.erased_at is None
        and not Authorization.objects.filter(testimonial_id=testimonial.pk).exists()
    )


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


def covers(authorization: Authorization, testimonial: Testimonial) -> bool:
    """Whether the authorization covers what the story shows now."""
    fingerprint = consent_rules.content_sha256(
        text=testimonial.shown_body, display_name=testimonial.display_name
    )
    return authorization.content_sha256 == fingerprint


@dataclass(frozen=True)
class AuthorizationState:
    """A story's authorization as the patient's page, the moderators and
    the API describe it."""

    current: Authorization | None
    in_effect: bool
    expired: bool
    revoked: bool
    covers_shown: bool
    awaiting_approval: bool
    renewal_open: bool
    diff: list[consent_rules.DiffPart] = field(default_factory=list)
    history: list[Authorization] = field(default_factory=list)

    @property
    def state(self) -> str:
        """One word: `active`, `awaiting_approval`, `expired`, `revoked` or `none`."""
        if self.current is None:
            return "none"
        if self.revoked:
            return "revoked"
        if self.expired:
            return "expired"
        return "awaiting_approval" if self.awaiting_approval else "active"


def authorization_state(
    testimonial: Testimonial, *, history: list[Authorization] | None = None
) -> AuthorizationState:
    """`history`, oldest first, when the caller has just written it all (a
    new submission's one row); read from the database otherwise."""
    if history is None:
        history = list(
            Authorization.objects.filter(testimonial_id=testimonial.pk)
            .select_related("consent_text")
            .order_by("created_at", "id")
        )
    current = next((row for row in history if row.superseded_at is None), None)
    if current is None:
        return AuthorizationState(
            current=None,
            in_effect=False,
            expired=False,
            revoked=False,
            covers_shown=False,
            awaiting_approval=False,
            renewal_open=False,
            history=history,
        )
    now = timezone.now()
    in_effect = current.is_in_effect(now)
    covers_shown = covers(current, testimonial)
    awaiting = in_effect and not covers_shown and testimonial.status == Status.PUBLISHED
    renewal_open = (
        in_effect
        and testimonial.status in (Status.PUBLISHED, Status.PENDING_REVIEW)
        and current.expires_at <= now + settings.AUTHORIZATION_RECONFIRM_BEFORE
    )
    return AuthorizationState(
        current=current,
        in_effect=in_effect,
        expired=current.revoked_at is None and current.expires_at <= now,
        revoked=current.revoked_at is not None,
        covers_shown=covers_shown,
        awaiting_approval=awaiting,
        renewal_open=renewal_open,
        diff=consent_rules.word_diff(current.text, testimonial.shown_body) if awaiting else [],
        history=history,
    )


def authorization_copy(
    testimonial: Testimonial, *, history: list[Authorization] | None = None
) -> dict[str, Any] | None:
    """The patient's copy of their current authorization, as JSON."""
    state = authorization_state(testimonial, history=history)
    if state.current is None:
        return None
    return {
        **authorization_record(state.current),
        "state": state.state,
        "awaiting_approval": state.awaiting_approval,
    }


def authorization_record(current: Authorization) -> dict[str, Any]:
    """One authorization row as JSON: the copy, the export, the evidence."""
    template = current.consent_text
    return {
        "id": str(current.public_id),
        "basis": current.basis,
        "text": current.text,
        "created_at": api_time(current.created_at),
        "superseded_at": api_time(current.superseded_at) if current.superseded_at else None,
        "content_sha256": current.content_sha256,
        "display_name": current.display_name,
        "channels": current.channels,
        "expires_at": api_time(current.expires_at),
        "signature": current.signature,
        "signature_method": current.signature_method,
        "signer_role": current.signer_role,
        "patient_is_adult": current.patient_is_adult,
        "signed_at": api_time(current.signed_at),
        "revoked_at": api_time(current.revoked_at) if current.revoked_at else None,
        "consent_version": template.version,
        "consent_text": template.text,
        "discloser": template.discloser,
        "purpose": template.purpose,
        "statements": {
            "revocation": template.revocation_statement,
            "conditioning": template.conditioning_statement,
            "redisclosure": template.redisclosure_statement,
        },
    }


@dataclass(frozen=True)
class AuthorizationEvent:
    """One row of a story's authorization history, with how its text differs
    from the row before it (empty when the text did not change)."""

    authorization: Authorization
    diff: list[consent_rules.DiffPart]


def authorization_history(history: list[Authorization]) -> list[AuthorizationEvent]:
    by_id = {row.pk: row for row in history}
    events = []
    for row in history:
        parent = by_id.get(row.parent_id) if row.parent_id else None
        changed = parent is not None and parent.text != row.text and row.text
        diff = consent_rules.word_diff(parent.text, row.text) if parent and changed else []
        events.append(AuthorizationEvent(authorization=row, diff=diff))
    return events


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


def authorization_page(testimonial: Testimonial) -> dict[str, Any]:
    """What the patient's page shows of the authorization, and the choices
    its forms offer (narrowing only takes away; renewing chooses anew)."""
    state = authorization_state(testimonial)
    current = state.current
    labels = dict(Channel.choices)
    preferences = dict(DisplayPreference.choices)
    chosen = set(current.channels) if current else set()
    preference = current.display_preference if current else testimonial.display_preference
    narrower = DISPLAY_ORDER[DISPLAY_ORDER.index(preference) :]
    return {
        "authorization": state,
        "authorization_history": authorization_history(state.history),
        "authorized_channels": [
            labels[channel] for channel in (current.channels if current else [])
        ],
        "narrow_channels": [Choice(c, str(labels[c]), True) for c in Channel.values if c in chosen],
        "narrow_preferences": [Choice(p, str(preferences[p]), p == preference) for p in narrower],
        "renew_channels": [Choice(c, str(labels[c]), c in chosen) for c in Channel.values],
        "renew_preferences": [
            Choice(p, str(preferences[p]), p == preference) for p in DISPLAY_ORDER
        ],
        "can_change": state.in_effect and testimonial.status != Status.WITHDRAWN,
    }
