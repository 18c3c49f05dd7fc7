"""Delivery receipts: the SMS provider's word on what became of a text
(queued, sent, delivered, undelivered, failed), kept on its `AskText`.

Receipts may come twice or out of order (a late "sent" after "delivered"):
a status is recorded only over an earlier one, in one conditional UPDATE, so
a repeat or a late one changes nothing and two at once cannot both win. A
final status (delivered, undelivered, failed) is never replaced."""

import logging

from django.utils import timezone

from testimonials.models import AskText

logger = logging.getLogger(__name__)

# How far along each status is; a status replaces only those before it.
STAGE = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
}
FAILED = {"undelivered", "failed"}


def receipt_record(
    *, message_id: str, status: str, error_code: str = "", text_id: int | None = None
) -> bool:
    """Record `status` for the text the provider knows as `message_id`;
    returns whether it changed anything (False for a repeat, a late
    receipt, an unknown status or a message that is not an ask's text).

    `text_id` is our reference the provider hands back: it finds a text
    whose receipt came before the send stored the provider's id."""
    status = status.strip().lower()
    stage = STAGE.get(status)
    if stage is None or not message_id:
        logger.info("sms receipt ignored: status not tracked")
        return False
    earlier = [""] + [name for name, rank in STAGE.items() if rank < stage]
    fields: dict[str, object] = {"provider_status": status}
    if status == "delivered":
        fields["delivered_at"] = timezone.now()
    elif status in FAILED:
        fields["failed_at"] = timezone.now()
        fields["error_code"] = error_code[:20]
    texts = AskText.objects.filter(provider_message_id=message_id)
    if text_id is not None and not texts.exists():
        AskText.objects.filter(pk=text_id, provider_message_id="").exclude(sent_at=None).update(
            provider_message_id=message_id[:255]
        )
    changed = texts.filter(provider_status__in=earlier).update(**fields)
    text_id = texts.values_list("pk", flat=True).first()
    if text_id is None:
        logger.info("sms receipt status=%s for no ask text", status)
    else:
        logger.info("sms receipt ask text id=%s status=%s recorded=%s", text_id, status, changed)
    return changed > 0
