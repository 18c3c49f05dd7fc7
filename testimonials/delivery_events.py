"""The email provider's delivery events, recorded on the outbox row the
email came from: anymail's `tracking` signal (its webhook, under
`/anymail/`, checks the provider's basic-auth secret first) calls `record`.

A row is found by the metadata `outbox.Rendered.send` attached (the row's
model label and id), else by the provider's message id stored at send time.
Only models with the delivery fields (`models.DeliveryTracked`) are looked
at, through the app registry, so this module imports neither app's outbox
models. An event for no known row is logged (provider, event, message id:
never the address) and dropped.
"""

import logging
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone

from testimonials.models import DeliveryTracked, EmailDeliveryStatus
from testimonials.outbox import OUTBOX_ROW_METADATA

logger = logging.getLogger(__name__)

# anymail's event types that say something about delivery; the rest (opened,
# clicked, queued, deferred...) change nothing on the row.
STATUS_FOR_EVENT = {
    "delivered": EmailDeliveryStatus.DELIVERED,
    "bounced": EmailDeliveryStatus.BOUNCED,
    "rejected": EmailDeliveryStatus.BOUNCED,
    "failed": EmailDeliveryStatus.BOUNCED,
    "complained": EmailDeliveryStatus.COMPLAINED,
}

# A later event never hides a worse one: a "delivered" arriving after a
# complaint leaves the complaint shown.
RANK = {
    "": 0,
    EmailDeliveryStatus.SENT: 1,
    EmailDeliveryStatus.DELIVERED: 2,
    EmailDeliveryStatus.BOUNCED: 3,
    EmailDeliveryStatus.COMPLAINED: 4,
}

REASONS = {"invalid", "bounced", "timed_out", "blocked", "spam", "unsubscribed", "other"}


def tracked_models() -> list[type[DeliveryTracked]]:
    """Every outbox model carrying the delivery fields."""
    return [model for model in apps.get_models() if issubclass(model, DeliveryTracked)]


def find_row(metadata: dict[str, Any] | None, message_id: str | None) -> DeliveryTracked | None:
    """The outbox row an event is about, or None."""
    models = {model._meta.label_lower: model for model in tracked_models()}
    label, _, pk = str((metadata or {}).get(OUTBOX_ROW_METADATA, "")).partition(":")
    model = models.get(label)
    if model is not None and pk.isdigit():
        row = model._default_manager.filter(pk=int(pk)).first()
        if row is not None:
            return row
    if message_id:
        for model in models.values():
            row = model._default_manager.filter(esp_message_id=message_id).first()
            if row is not None:
                return row
    return None


def record(
    *,
    esp_name: str,
    event_type: str,
    message_id: str | None,
    metadata: dict[str, Any] | None,
    reject_reason: str | None,
    timestamp: datetime | None,
) -> bool:
    """Record one delivery event on its row. Returns whether a row changed."""
    status = STATUS_FOR_EVENT.get(event_type)
    if status is None:
        return False
    row = find_row(metadata, message_id)
    if row is None:
        logger.warning(
            "delivery event for no known email esp=%s event=%s message_id=%s",
            esp_name,
            event_type,
            message_id,
        )
        return False
    if RANK[status] < RANK.get(row.delivery_status, 0):
        return False
    problem = reject_reason if reject_reason in REASONS else ""
    if status in (EmailDeliveryStatus.BOUNCED, EmailDeliveryStatus.COMPLAINED) and not problem:
        problem = "other"
    type(row)._default_manager.filter(pk=row.pk).update(
        delivery_status=status,
        delivery_status_at=timestamp or timezone.now(),
        delivery_problem=problem if status != EmailDeliveryStatus.DELIVERED else "",
    )
    logger.info(
        "delivery event %s for %s id=%s esp=%s",
        status,
        row._meta.label_lower,
        row.pk,
        esp_name,
    )
    return True


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's `tracking` signal receiver."""
    record(
        esp_name=esp_name,
        event_type=str(event.event_type or ""),
        message_id=None if event.message_id is None else str(event.message_id),
        metadata=event.metadata if isinstance(event.metadata, dict) else None,
        reject_reason=event.reject_reason,
        timestamp=event.timestamp,
    )
