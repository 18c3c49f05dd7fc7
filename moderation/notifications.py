"""Emails: the patient hears about the decision on their story; moderators
get a digest when items wait too long.

A notification is a row first (the outbox) and an email second: the row is
written in the decision's transaction, the task sends it after commit, and
the sweep re-enqueues rows a lost message left unsent.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from moderation.models import ModeratorDigest, NotificationKind, PatientNotification
from moderation.permissions import MODERATE_PERMISSION
from testimonials import languages, outbox
from testimonials.models import Status, Testimonial
from testimonials.stories.patient_links import patient_secret

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def patient_decision_enqueue(testimonial: Testimonial) -> PatientNotification | None:
    """Record that the patient must hear about this decision, and send it
    after commit. Nothing to do when the patient left no email."""
    if not testimonial.email:
        return None
    kind = (
        NotificationKind.PUBLISHED
        if testimonial.status == Status.PUBLISHED
        else NotificationKind.REJECTED
    )
    notification, _ = PatientNotification.objects.get_or_create(
        testimonial=testimonial, kind=kind, decision_version=testimonial.version
    )
    transaction.on_commit(partial(_enqueue, notification.pk))
    return notification


def _enqueue(notification_id: int) -> None:
    from moderation.tasks import notify_patient

    outbox.enqueue(notify_patient.delay, notification_id, label="notification")


def patient_notification_send(*, notification_id: int) -> bool:
    """Send one patient email, at most once: the row is claimed before the
    email goes out, and released again if sending fails (the task retries).
    Returns whether this call sent it."""
    return outbox.send_once(
        PatientNotification.objects.select_related("testimonial__topic"),
        notification_id,
        build=_decision_email,
    )


def _decision_email(notification: PatientNotification) -> outbox.Email:
    testimonial = notification.testimonial
    secret = patient_secret(testimonial.public_id)
    links = {
        "status_url": _absolute(
            reverse(
                "testimonial-status",
                kwargs={"public_id": testimonial.public_id, "secret": secret},
            )
        ),
        "withdraw_url": _absolute(
            reverse(
                "testimonial-withdraw",
                kwargs={"public_id": testimonial.public_id, "secret": secret},
            )
        ),
        "education_url": _absolute(
            reverse("education-topic", kwargs={"slug": testimonial.topic.slug})
        ),
    }
    return outbox.Email(
        to=[testimonial.email],
        template=f"moderation/email/patient_{notification.kind}",
        context=lambda: {
            "testimonial": testimonial,
            "topic": testimonial.topic,
            **links,
            "reason": testimonial.get_rejection_reason_display(),
        },
        language=languages.for_testimonial(testimonial),
        label=f"{notification.kind} notification",
    )


def unsent_notification_ids(*, older_than: timedelta) -> list[int]:
    return outbox.unsent_ids(PatientNotification.objects.all(), older_than=older_than)


def moderator_digest_send() -> ModeratorDigest | None:
    """Tell moderators which items have waited longer than
    `MODERATION_OVERDUE_AFTER`, at most once per `MODERATION_DIGEST_INTERVAL`."""
    now = timezone.now()
    last = ModeratorDigest.objects.order_by("-sent_at").first()
    if last is not None and last.sent_at > now - settings.MODERATION_DIGEST_INTERVAL:
        return None
    overdue = list(
        Testimonial.objects.filter(
            status=Status.PENDING_REVIEW,
            status_changed_at__lt=now - settings.MODERATION_OVERDUE_AFTER,
        )
        .select_related("topic")
        .order_by("status_changed_at")
    )
    if not overdue:
        return None
    recipients = sorted(
        {
            user.email
            for user in User.objects.filter(is_active=True)
            .exclude(email="")
            .filter(
                Q(is_superuser=True)
                | Q(groups__permissions__codename=MODERATE_PERMISSION.split(".")[1])
            )
        }
    )
    if not recipients:
        logger.warning("%d items overdue but no moderator has an email address", len(overdue))
        return None
    context = {
        "items": overdue[:50],
        "count": len(overdue),
        "overdue_hours": round(settings.MODERATION_OVERDUE_AFTER.total_seconds() / 3600),
        "queue_url": _absolute(reverse("admin:testimonials_testimonial_changelist")),
        "now": now,
    }
    outbox.deliver(
        outbox.Email(
            to=recipients,
            template="moderation/email/moderator_digest",
            context=lambda: context,
            language=None,
            label="moderator digest",
        )
    )
    logger.info("moderator digest: %d overdue, %d recipients", len(overdue), len(recipients))
    return ModeratorDigest.objects.create(overdue_count=len(overdue), recipients=len(recipients))
