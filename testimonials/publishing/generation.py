"""What happens when the set of public stories changes.

`testimonials.transitions` calls `publication_record` inside the transaction
of every move into, within or out of `published`, so the changes feed row and
the webhook outbox rows commit with the change or not at all; and it calls
`publication_changed` after commit: the cache generation moves on (every
ETag built before the change stops matching) and the webhooks are enqueued.
"""

import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone

from config import enqueue
from testimonials.models import (
    Authorization,
    Channel,
    DeliveryStatus,
    PublicationChange,
    PublicationEvent,
    Status,
    Testimonial,
    WebhookDelivery,
    WebhookEndpoint,
    channels_key,
)

__all__ = [
    "PublicationEvent",
    "PublicationState",
    "publication_cache_bump",
    "publication_cache_check",
    "publication_changed",
    "publication_record",
    "publication_state",
    "stats_changed",
    "webhook_deliveries_enqueue",
]

logger = logging.getLogger(__name__)

STATE_KEY = "testimonials:publication-state"
# Rendered public answers (`publishing.cache`), each under a key naming its generation.
PAGE_KEY_PREFIX = "testimonials:page:"
# Moves on with every submission and status change: the education pages'
# transparency figures count every story, public or not.
STATS_KEY = "testimonials:stats-generation"
# Any constant: the key of the advisory lock that orders the feed's writers.
_FEED_LOCK = 0x7E57_1F0D


@dataclass(frozen=True)
class PublicationState:
    """What every public response's validators derive from.

    `generation` is new after every change, so an ETag built from it never
    matches a response built before the change; `last_modified` is the time
    of the newest change (None before the first one). `next_expiry` (a
    Unix time) is when the first authorization of a public story runs out:
    from then on the generation is stale, though nothing committed, and the
    next reader starts a new one (`publication_state`)."""

    generation: str
    change_id: int
    last_modified: datetime | None
    next_expiry: float | None = None
    # How many stories the gate let through when the sweep last looked.
    public_count: int | None = None

    def expired(self, now: float) -> bool:
        return self.next_expiry is not None and now >= self.next_expiry


def publication_record(
    *,
    testimonial: Testimonial,
    event: PublicationEvent,
    channels: Iterable[str] = tuple(Channel.values),
) -> PublicationChange:
    """Inside the change's transaction: append to the changes feed and write
    one outbox row per webhook that listens for this event, among the sites
    of the `channels` it concerns (a partner site never hears of a story
    not authorized for partners) and of the story's organisation (location)."""
    channels = frozenset(channels)
    _serialize_feed_writers()
    change = PublicationChange.objects.create(
        event=event,
        testimonial=testimonial,
        public_id=testimonial.public_id,
        topic_id=testimonial.topic_id,
        location_id=testimonial.location_id,
        channels=channels_key(channels),
    )
    # Only the sites of the story's organisation, and of its location when
    # they have one, hear of it.
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            Q(site__location=None) | Q(site__location=testimonial.location_id),
            is_active=True,
            site__revoked_at=None,
            site__channel__in=channels,
            site__organisation__locations=testimonial.location_id,
        )
        if event in endpoint.events
        and (endpoint.topic_id is None or endpoint.topic_id == testimonial.topic_id)
    ]
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, change=change, next_attempt_at=change.created_at)
            for endpoint in endpoints
        ]
    )
    return change


def _serialize_feed_writers() -> None:
    """Feed ids must become visible in id order, or a reader who has seen id
    12 would never see a slower transaction's id 11. PostgreSQL hands out
    ids before commit, so writers queue on one transaction-scoped advisory
    lock; SQLite already lets one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])


def publication_changed(testimonial_id: int, event: PublicationEvent) -> None:
    """Runs after commit; must never raise into the caller's request.

    A failure here loses nothing: the periodic sweeps bump a generation that
    is behind the feed and re-enqueue deliveries still pending."""
    logger.info("publication %s testimonial id=%s", event, testimonial_id)
    try:
        publication_cache_bump()
    except Exception as exc:
        logger.warning("could not bump the publication cache (%s)", type(exc).__name__)
    try:
        fresh = list(
            WebhookDelivery.objects.filter(
                change__testimonial_id=testimonial_id,
                status=DeliveryStatus.PENDING,
                attempts=0,
            ).values_list("pk", flat=True)
        )
    except Exception as exc:
        logger.warning("could not list webhook deliveries (%s)", type(exc).__name__)
        return
    webhook_deliveries_enqueue(fresh)


def webhook_deliveries_enqueue(delivery_ids: list[int]) -> None:
    """Hand deliveries to the worker. Never raises: the rows are the outbox,
    and the sweep sends what could not be enqueued now."""
    enqueue.send_each("testimonials.tasks.deliver_webhook", delivery_ids, label="webhook delivery")


def _state_from_database(nonce: str) -> PublicationState:
    latest = PublicationChange.objects.order_by("-id").values_list("id", "created_at").first()
    change_id, at = latest if latest is not None else (0, None)
    # The in-effect authorization index (expires_at) answers this.
    next_expiry = Authorization.objects.filter(
        superseded_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
        testimonial__status=Status.PUBLISHED,
    ).aggregate(first=Min("expires_at"))["first"]
    return PublicationState(
        generation=f"{change_id}.{nonce}",
        change_id=change_id,
        last_modified=at,
        next_expiry=next_expiry.timestamp() if next_expiry else None,
    )


def publication_cache_bump() -> PublicationState:
    """Start a new generation: every cached response and ETag is stale now."""
    state = _state_from_database(secrets.token_hex(4))
    cache.set(STATE_KEY, asdict(state), timeout=None)
    _drop_rendered_pages()
    return state


def _drop_rendered_pages() -> None:
    """Delete every rendered answer in Redis. A new generation has made them
    unreachable already; deleting them at once means a withdrawn or erased
    story's text does not stay in Redis until its keys time out. (The file
    cache of `make run` keeps them on local disk until then.)"""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return
    try:
        client: Any = backend._cache.get_client(write=True)
        pattern = backend.make_key(f"{PAGE_KEY_PREFIX}*")
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
    except Exception as exc:
        logger.warning("could not drop rendered pages (%s)", type(exc).__name__)


def publication_state() -> PublicationState:
    """The current generation: one cache lookup, the database only when the
    cache is cold (or down, when the feed's newest id stands in for it)."""
    try:
        cached = cache.get(STATE_KEY)
    except Exception as exc:
        logger.warning("publication cache unavailable (%s)", type(exc).__name__)
        return _state_from_database("db")
    if cached is not None:
        return publication_state_from(cached)
    state = _state_from_database(secrets.token_hex(4))
    try:
        if not cache.add(STATE_KEY, asdict(state), timeout=None):
            # Another process started the generation first: share its.
            cached = cache.get(STATE_KEY)
            if cached is not None:
                return publication_state_from(cached)
    except Exception as exc:
        logger.warning("publication cache unavailable (%s)", type(exc).__name__)
    return state


def publication_state_from(cached: dict[str, object]) -> PublicationState:
    """The state as cached, or a new generation when an authorization of a
    public story ran out since it began (an expiry commits nothing)."""
    state = PublicationState(**cached)  # type: ignore[arg-type]
    if not state.expired(time.time()):
        return state
    try:
        return publication_cache_bump()
    except Exception as exc:
        logger.warning("publication cache unavailable (%s)", type(exc).__name__)
        return _state_from_database("db")


def stats_changed() -> None:
    """After a submission or a status change commits: the transparency
    figures move on. Never raises into the caller's request."""
    try:
        cache.set(STATS_KEY, secrets.token_hex(4), timeout=None)
    except Exception as exc:
        logger.warning("could not bump the statistics generation (%s)", type(exc).__name__)


def stats_generation() -> str:
    """The current statistics generation ("db" with the cache down: then
    nothing is cached)."""
    try:
        value = cache.get(STATS_KEY)
        if value is None:
            value = secrets.token_hex(4)
            if not cache.add(STATS_KEY, value, timeout=None):
                value = cache.get(STATS_KEY) or value
    except Exception as exc:
        logger.warning("statistics cache unavailable (%s)", type(exc).__name__)
        return "db"
    return str(value)


def publication_cache_check() -> bool:
    """The sweep: bump a generation that is older than the newest change (a
    bump lost to a crash or a cache outage right after commit), or whose
    stories the gate no longer lets through in the same number (a row
    changed behind the services' back, e.g. by hand in SQL, which no hook
    sees). Returns whether it bumped."""
    from testimonials.publishing.gate import published_testimonials

    cached = cache.get(STATE_KEY)
    latest = PublicationChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    public_count = published_testimonials().count()
    if (
        cached is not None
        and cached["change_id"] >= latest
        and not PublicationState(**cached).expired(time.time())
        and cached.get("public_count") in (None, public_count)
    ):
        if cached.get("public_count") is None:
            cache.set(STATE_KEY, {**cached, "public_count": public_count}, timeout=None)
        return False
    state = publication_cache_bump()
    cache.set(STATE_KEY, {**asdict(state), "public_count": public_count}, timeout=None)
    if cached is not None:
        logger.warning("publication cache generation was behind the database; bumped")
    return True
