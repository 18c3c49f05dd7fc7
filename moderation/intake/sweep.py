"""Starting screening by task name, and the sweep that re-enqueues
submissions stuck before review (a lost message, a broker that was down, a
worker that died).

The sweep must not multiply messages: with a backlog larger than the
workers get through in `SCREENING_STUCK_AFTER`, re-enqueueing every story
still waiting would add a second message for each at every pass. So it
marks what it sends (`Testimonial.screening_enqueued_at`), sends nothing a
second time within the stuck interval, and asks the broker how many
messages wait in the screening queue: the queue is first in, first out, so
those are the messages sent last, and only a story sent before them can
have lost its message (tests/faults/test_sweep_backlog.py).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from config import enqueue
from testimonials.models import Status, Testimonial

logger = logging.getLogger(__name__)

# Most stories one pass re-enqueues.
SWEEP_BATCH = 1000
# A submission's row is written a moment before its message is sent (on
# commit): rows this recent may have messages the broker's count missed, so
# they are left out of the count's match, which only ever protects more.
SEND_LAG = timedelta(seconds=1)


def screening_enqueue(testimonial_id: int) -> None:
    """Hand a committed submission to the screening worker, by task name.
    Never raises: the `submitted` row waits for the sweep if the broker
    cannot take the message."""
    enqueue.send_now("moderation.tasks.screen_testimonial", testimonial_id, label="screening")


def screening_sweep() -> int:
    """Re-enqueue stories stuck before review whose message is lost (a
    broker that was down or emptied, a worker that died), each at most once
    per `SCREENING_STUCK_AFTER`. Returns how many were re-enqueued."""
    waiting = enqueue.queue_depth("moderation.tasks.screen_testimonial")
    if waiting is None:
        return 0  # the broker is away: nothing could be sent anyway
    now = timezone.now()
    cutoff = now - settings.SCREENING_STUCK_AFTER
    pending = Testimonial.objects.filter(status__in=[Status.SUBMITTED, Status.SCREENING]).annotate(
        last_sent=Coalesce("screening_enqueued_at", "status_changed_at")
    )
    stuck = pending.filter(status_changed_at__lt=cutoff, last_sent__lt=cutoff)
    if waiting:
        # The `waiting` messages in the queue are the last sent: the stories
        # sent last (in the order the sweep sends, by id) still have theirs.
        still_queued = (
            pending.filter(last_sent__lte=now - SEND_LAG)
            .order_by("-last_sent", "-pk")
            .values("pk")[:waiting]
        )
        stuck = stuck.exclude(pk__in=still_queued)
    ids = sorted(stuck.order_by("last_sent", "pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    if not ids:
        return 0
    Testimonial.objects.filter(pk__in=ids).update(screening_enqueued_at=now)
    sent = enqueue.send_each("moderation.tasks.screen_testimonial", ids, label="screening")
    if sent < len(ids):
        # Not sent, so not marked: the next pass tries them again.
        Testimonial.objects.filter(pk__in=ids[sent:]).update(screening_enqueued_at=None)
    if sent:
        logger.info(
            "sweep re-enqueued %d testimonials for screening (%d messages were waiting)",
            sent,
            waiting,
        )
    return sent
