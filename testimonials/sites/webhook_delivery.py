"""Delivering webhooks: one signed POST per delivery row, leased so two
workers never send it twice, with retries by the task's policy."""

import http.client
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config import metrics
from testimonials.models import (
    DeliveryStatus,
    PublicationEvent,
    WebhookDelivery,
)
from testimonials.publishing import gate, generation, representations
from testimonials.sites import webhooks

# Given the attempts so far, how long to wait before the next (None: stop).
RetryDelay = Callable[[int], float | None]

logger = logging.getLogger(__name__)

# A claimed delivery is someone's for this long; a worker that dies while
# sending leaves it to the sweep after that.
_LEASE_MARGIN = timedelta(seconds=30)
# A retry may arrive a little before its time (clocks, ETA rounding).
_DUE_SLACK = timedelta(seconds=2)


def _webhook_payload(delivery: WebhookDelivery) -> dict[str, Any] | None:
    """What the receiver gets: the story as it is public now in the site's
    channel and places, or a tombstone.

    None when the event is no longer true (a story published then withdrawn
    before its turn, or removed then published again): the later event's
    own delivery tells the receiver the truth."""
    change = delivery.change
    site = delivery.endpoint.site
    testimonial = (
        gate.published_testimonials(channel=site.channel, places=gate.Places.of_site(site))
        .filter(public_id=change.public_id)
        .first()
    )
    story: dict[str, Any]
    if change.event == PublicationEvent.UNPUBLISHED:
        if testimonial is not None:
            return None
        story = {"id": str(change.public_id), "topic": change.topic.slug}
    else:
        if testimonial is None:
            return None
        story = representations.published_representation(testimonial)
    return {
        "id": str(delivery.public_id),
        "event": change.event,
        "occurred_at": representations.api_time(change.created_at),
        "testimonial": story,
    }


def webhook_delivery_attempt(
    *, delivery_id: int, retry_delay: RetryDelay
) -> WebhookDelivery | None:
    """Send one pending delivery once, if its time has come.

    The row is claimed first (compare-and-set on `next_attempt_at`), so two
    workers never send it at once. A 2xx answer delivers it; any other
    answer or a network error schedules the next attempt after
    `retry_delay(attempts)` seconds, or fails it for good when that is None
    (or the URL became unsafe). Returns the delivery after the attempt;
    None when there was nothing to do (not pending, not due, claimed).
    """
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__site", "change__topic")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None
    due = delivery.next_attempt_at
    if due is not None and due > now + _DUE_SLACK:
        return None
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + _LEASE_MARGIN
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=due
    ).update(next_attempt_at=lease)
    if claimed != 1:
        return None  # another worker got there first

    endpoint = delivery.endpoint
    payload = _webhook_payload(delivery)
    if not (endpoint.is_active and endpoint.site.is_active) or payload is None:
        why = "no longer true" if payload is None else "endpoint or site disabled"
        return _delivery_finish(delivery, lease, status=DeliveryStatus.SKIPPED, last_error=why)

    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": webhooks.USER_AGENT,
        webhooks.EVENT_HEADER: delivery.change.event,
        webhooks.DELIVERY_HEADER: str(delivery.public_id),
        webhooks.SIGNATURE_HEADER: webhooks.sign(
            secret=endpoint.secret, timestamp=int(time.time()), body=body
        ),
    }
    status_code: int | None = None
    retryable = True
    try:
        status_code = webhooks.post(
            endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
        error = "" if 200 <= status_code < 300 else f"HTTP {status_code}"
    except webhooks.UnsafeURL as exc:
        error, retryable = str(exc), False
    except (OSError, http.client.HTTPException) as exc:
        error = type(exc).__name__

    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": status_code,
        "last_error": error[:200],
    }
    if not error:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
        return _delivery_finish(delivery, lease, **fields)
    delay = retry_delay(attempts) if retryable else None
    if delay is None:
        return _delivery_finish(delivery, lease, status=DeliveryStatus.FAILED, **fields)
    fields["next_attempt_at"] = timezone.now() + timedelta(seconds=delay)
    return _delivery_finish(delivery, lease, **fields)


def _delivery_finish(
    delivery: WebhookDelivery, lease: Any, **fields: Any
) -> WebhookDelivery | None:
    if fields.get("status", DeliveryStatus.PENDING) != DeliveryStatus.PENDING:
        fields["next_attempt_at"] = None
    # Only while our claim holds: past the lease the sweep may have handed
    # the delivery to another worker, whose record wins.
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at=lease).update(**fields)
    delivery.refresh_from_db()
    if updated:
        result = fields.get("status", "retrying")
        metrics.webhook_deliveries.labels(str(result)).inc()
    logger.info(
        "webhook delivery id=%s endpoint=%s %s attempts=%s%s",
        delivery.pk,
        delivery.endpoint_id,
        delivery.status,
        delivery.attempts,
        "" if updated else " (claim lost)",
    )
    return delivery


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again as a new delivery; the log keeps both.
    The new one carries the story as it is public at the time of sending."""
    resent = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        change=delivery.change,
        resend_of=delivery,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(generation.webhook_deliveries_enqueue, [resent.pk]))
    return resent


def webhook_deliveries_due(*, older_than: timedelta) -> list[int]:
    """Pending deliveries whose time passed more than `older_than` ago: a
    lost message, a broker that was down, a worker that died mid-send."""
    cutoff = timezone.now() - older_than
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
