"""Celery tasks: ids in, one service call, the retry policy.

The thin entry module Celery autodiscovers. Every task carries its dotted
name explicitly, so that messages already queued find it whatever moves
behind it; services start these by that name (`config.enqueue`), never by
importing this module.

Failures are logged and retried by the exception's type and where it was
raised, never its message (`testimonials.tasks.TaskFailed`).
"""

import logging
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from moderation import privacy
from moderation.intake import screening, sweep
from moderation.notifications import digest, patients
from testimonials.tasks import TaskFailed, backoff_seconds, email_send_or_retry, failure_summary

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, name="moderation.tasks.screen_testimonial")
def screen_testimonial(self: Task[Any, Any], testimonial_id: int) -> None:
    try:
        screening.testimonial_screen(testimonial_id=testimonial_id)
    except Exception as exc:
        failure = failure_summary(exc)
        if self.request.retries >= settings.SCREENING_MAX_RETRIES:
            logger.error(
                "screening testimonial id=%s failed %d times (%s); sending it to human review",
                testimonial_id,
                self.request.retries + 1,
                failure,
            )
            screening.screening_give_up(testimonial_id=testimonial_id, error=type(exc).__name__)
            return
        countdown = backoff_seconds(self.request.retries)
        logger.warning(
            "screening testimonial id=%s failed (%s); retry %d in %d s",
            testimonial_id,
            failure,
            self.request.retries + 1,
            countdown,
        )
        raise self.retry(exc=TaskFailed(failure), countdown=countdown) from None
    screen_waiting(exclude=testimonial_id)


def screen_waiting(*, exclude: int) -> None:
    """After its own story, a screening task takes up to
    `SCREENING_BATCH_SIZE - 1` more stories waiting, in one batch. A batch
    that fails is not this task's failure: its stories still have their own
    messages, and the sweep."""
    try:
        screening.screening_batch(limit=settings.SCREENING_BATCH_SIZE - 1, exclude=exclude)
    except Exception as exc:
        logger.warning("screening a batch failed (%s)", failure_summary(exc))


@shared_task(name="moderation.tasks.sweep_stuck_screening")
def sweep_stuck_screening() -> int:
    return sweep.screening_sweep()


@shared_task(bind=True, max_retries=None, name="moderation.tasks.notify_patient")
def notify_patient(self: Task[Any, Any], notification_id: int) -> None:
    email_send_or_retry(
        self,
        partial(patients.patient_notification_send, notification_id=notification_id),
        label="notification",
        pk=notification_id,
    )


@shared_task(name="moderation.tasks.sweep_unsent_notifications")
def sweep_unsent_notifications() -> int:
    ids = patients.unsent_notification_ids(older_than=settings.SCREENING_STUCK_AFTER)
    for notification_id in ids:
        notify_patient.delay(notification_id)
    return len(ids)


@shared_task(name="moderation.tasks.send_moderator_digest")
def send_moderator_digest() -> bool:
    return digest.moderator_digest_send() is not None


@shared_task(name="moderation.tasks.expire_personal_data")
def expire_personal_data() -> int:
    return privacy.personal_data_expire()


@shared_task
def retrain_screening_model() -> str:
    """Celery beat runs it when `SCREENING_RETRAIN_ENABLED` (off by default)."""
    from moderation.screening.learned import services as learned

    row = learned.retrain()
    return f"{row.version} {'active' if row.is_active else 'refused'}"
