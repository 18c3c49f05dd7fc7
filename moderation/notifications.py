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
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from moderation.models import ModeratorDigest, NotificationKind, PatientNotification
from moderation.permissions import MODERATE_PERMISSION
from testimonials import languages
from testimonials.models import Status, Testimonial
from testimonials.selectors import patient_secret

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

    try:
        notify_patient.delay(notification_id)
    except Exception as exc:
        logger.warning(
            "could not enqueue notification id=%s (%s); the sweep will retry",
            notification_id,
            type(exc).__name__,
        )


def patient_notification_send(*, notification_id: int) -> bool:
    """Send one patient email, at most once: the row is claimed before the
    email goes out, and released again if sending fails (the task retries).
    Returns whether this call sent it."""
    claimed = PatientNotification.objects.filter(pk=notification_id, sent_at=None).update(
        sent_at=timezone.now()
    )
    if claimed != 1:
        return False
    notification = PatientNotification.objects.select_related("testimonial__topic").get(
        pk=notification_id
    )
    testimonial = notification.testimonial
    secret = patient_secret(testimonial.public_id)
    context = {
        "testimonial": testimonial,
        "topic": testimonial.topic,
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
        "reason": testimonial.get_rejection_reason_display(),
    }
    template = f"moderation/email/patient_{notification.kind}"
    with override(languages.for_testimonial(testimonial)):
        context["reason"] = testimonial.get_rejection_reason_display()
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        message = render_to_string(f"{template}.txt", context)
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=[testimonial.email],
        )
    except Exception:
        PatientNotification.objects.filter(pk=notification_id).update(sent_at=None)
        raise
    logger.info("sent %s notification id=%s", notification.kind, notification_id)
    return True


def unsent_notification_ids(*, older_than: timedelta) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        PatientNotification.objects.filter(sent_at=None, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )


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
    send_mail(
        subject=render_to_string("moderation/email/moderator_digest_subject.txt", context).strip(),
        message=render_to_string("moderation/email/moderator_digest.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    logger.info("moderator digest: %d overdue, %d recipients", len(overdue), len(recipients))
    return ModeratorDigest.objects.create(overdue_count=len(overdue), recipients=len(recipients))
