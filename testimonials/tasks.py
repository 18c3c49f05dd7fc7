"""Celery tasks for publishing and the patients' emails: ids in, one
service call, the retry policy.

Failures are logged and retried by the exception's type and where it was
raised, never its message: a message may quote a patient's text, name or
email address (a screener's ValueError, an SMTP refusal), and Celery writes
the retry reason into its log.
"""

import logging
import math
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from config import enqueue
from config.log import SafeMessageError
from testimonials.consent import authorization_expiry, authorization_requests, consent_notices
from testimonials.invitations import services as invitations
from testimonials.media import services as media_services
from testimonials.models import DeliveryStatus
from testimonials.publishing import generation
from testimonials.sites import webhook_delivery
from testimonials.visits import asks, reminders, sms, texts

logger = logging.getLogger(__name__)


class TaskFailed(SafeMessageError):
    """What a task retries with: the failure's type and place, no message."""


def failure_summary(exc: BaseException) -> str:
    """`ValueError at pii.py:42 in screen`: enough to find the bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno} in {last.name}"


def backoff_seconds(retries: int) -> int:
    """2, 4, 8, … seconds, capped at five minutes."""
    return int(min(300, 2 ** (retries + 1)))


def retry_countdown(exc: BaseException, retries: int) -> int:
    """The backoff, unless the provider said when to come back (an SMS
    provider's 429 with Retry-After): then that."""
    if isinstance(exc, sms.SmsTemporaryFailure) and exc.retry_after is not None:
        return max(1, math.ceil(exc.retry_after))
    return backoff_seconds(retries)


def email_send_or_retry(
    task: Task[Any, Any], send: Callable[[], object], *, label: str, pk: int
) -> None:
    """Run one outbox send (`testimonials.outbox.send_once` released the row
    if it failed); retry with backoff until `NOTIFICATION_MAX_RETRIES`."""
    try:
        send()
    except Exception as exc:
        failure = failure_summary(exc)
        if task.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
            logger.error("%s id=%s failed for good (%s)", label, pk, failure)
            return
        # Celery's own retry line withholds its reason (config.log); ours is
        # a type and a place, safe to show.
        logger.warning(
            "%s id=%s will be retried, try %s (%s)", label, pk, task.request.retries + 1, failure
        )
        raise task.retry(
            exc=TaskFailed(failure), countdown=retry_countdown(exc, task.request.retries)
        ) from None


def webhook_retry_delay(attempts: int) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones:
    exponential (base, 2 * base, 4 * base, and so on, capped), None once
    `WEBHOOK_MAX_ATTEMPTS` have failed."""
    if attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        return None
    return float(
        min(
            settings.WEBHOOK_RETRY_MAX_SECONDS,
            settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
        )
    )


@shared_task(name="testimonials.tasks.deliver_webhook", bind=True, max_retries=None)
def deliver_webhook(self: Task[Any, Any], delivery_id: int) -> None:
    # The row holds the schedule (the sweep reads it too); this task waits
    # for it with a countdown instead of keeping a count of its own.
    delivery = webhook_delivery.webhook_delivery_attempt(
        delivery_id=delivery_id, retry_delay=webhook_retry_delay
    )
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return
    if delivery.next_attempt_at is None:
        return
    countdown = max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
    raise self.retry(countdown=countdown)


@shared_task(name="testimonials.tasks.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    ids = webhook_delivery.webhook_deliveries_due(older_than=settings.SCREENING_STUCK_AFTER)
    generation.webhook_deliveries_enqueue(ids)
    if ids:
        logger.info("sweep re-enqueued %d webhook deliveries", len(ids))
    return len(ids)


@shared_task(name="testimonials.tasks.check_publication_cache")
def check_publication_cache() -> bool:
    return generation.publication_cache_check()


@shared_task(name="testimonials.tasks.send_invitation", bind=True, max_retries=None)
def send_invitation(self: Task[Any, Any], invitation_id: int) -> None:
    email_send_or_retry(
        self,
        partial(invitations.invitation_send, invitation_id=invitation_id),
        label="invitation",
        pk=invitation_id,
    )


@shared_task(name="testimonials.tasks.sweep_unsent_invitations")
def sweep_unsent_invitations() -> int:
    ids = invitations.unsent_invitation_ids(older_than=settings.SCREENING_STUCK_AFTER)
    enqueue.send_each("testimonials.tasks.send_invitation", ids, label="invitation")
    return len(ids)


@shared_task(name="testimonials.tasks.sweep_withdrawn_media")
def sweep_withdrawn_media() -> int:
    """Files of withdrawn media whose delete failed (storage down) go now."""
    return media_services.media_sweep()


@shared_task(name="testimonials.tasks.send_due_asks")
def send_due_asks() -> int:
    """Visits' asks whose time has come become invitations (emailed by
    `send_invitation`, texted by `send_ask_text`); texts a lost message
    left unsent are sent again; unused invitations get their one reminder;
    visits whose ask is over lose the patient's contact."""
    unsent = texts.unsent_text_ids(older_than=settings.SCREENING_STUCK_AFTER)
    enqueue.send_each("testimonials.tasks.send_ask_text", unsent, label="ask text")
    invited = asks.asks_send_due()
    reminders.asks_remind_due()
    asks.visit_contacts_erase()
    return invited


@shared_task(name="testimonials.tasks.send_ask_text", bind=True, max_retries=None)
def send_ask_text(self: Task[Any, Any], text_id: int) -> None:
    email_send_or_retry(
        self, partial(texts.ask_text_send, text_id=text_id), label="ask text", pk=text_id
    )


@shared_task(name="testimonials.tasks.sweep_authorizations")
def sweep_authorizations() -> int:
    """Ask before expiry, take down at expiry, purge past retention."""
    asked = authorization_expiry.authorizations_reconfirm()
    expired = authorization_expiry.authorizations_expire()
    authorization_expiry.authorizations_purge()
    return asked + expired


@shared_task(name="testimonials.tasks.send_consent_notice", bind=True, max_retries=None)
def send_consent_notice(self: Task[Any, Any], notice_id: int) -> None:
    email_send_or_retry(
        self,
        partial(consent_notices.consent_notice_send, notice_id=notice_id),
        label="consent notice",
        pk=notice_id,
    )


@shared_task(name="testimonials.tasks.send_authorization_request", bind=True, max_retries=None)
def send_authorization_request(self: Task[Any, Any], request_id: int) -> None:
    email_send_or_retry(
        self,
        partial(authorization_requests.authorization_request_send, request_id=request_id),
        label="authorization request",
        pk=request_id,
    )


@shared_task(name="testimonials.tasks.sweep_consent_notices")
def sweep_consent_notices() -> int:
    """Resend the consent notices and the authorization requests that a lost
    message left unsent."""
    ids = consent_notices.consent_notices_unsent(older_than=settings.SCREENING_STUCK_AFTER)
    enqueue.send_each("testimonials.tasks.send_consent_notice", ids, label="consent notice")
    requests = authorization_requests.authorization_requests_unsent(
        older_than=settings.SCREENING_STUCK_AFTER
    )
    enqueue.send_each(
        "testimonials.tasks.send_authorization_request", requests, label="authorization request"
    )
    return len(ids) + len(requests)
