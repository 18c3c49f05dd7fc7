"""Starting screening by task name, and the sweep that re-enqueues
submissions stuck before review (a lost message, a broker that was down, a
worker that died)."""

import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from config import enqueue
from testimonials.models import Status, Testimonial

logger = logging.getLogger(__name__)


def screening_enqueue(testimonial_id: int) -> None:
    """Hand a committed submission to the screening worker, by task name.
    Never raises: the `submitted` row waits for the sweep if the broker
    cannot take the message."""
    enqueue.send_now("moderation.tasks.screen_testimonial", testimonial_id, label="screening")


def screening_sweep() -> int:
    """Re-enqueue submissions stuck before review (a lost message, a broker
    that was down, a worker that died). Returns how many were re-enqueued."""
    cutoff = timezone.now() - settings.SCREENING_STUCK_AFTER
    stuck_ids = list(
        Testimonial.objects.filter(
            Q(status=Status.SUBMITTED) | Q(status=Status.SCREENING),
            status_changed_at__lt=cutoff,
        )
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:1000]
    )
    for testimonial_id in stuck_ids:
        screening_enqueue(testimonial_id)
    if stuck_ids:
        logger.info("sweep re-enqueued %d testimonials for screening", len(stuck_ids))
    return len(stuck_ids)
