"""The patient hears about the decision on their story.

A notification is a row first (the outbox) and an email second: the row is
written in the decision's transaction, the task sends it after commit, and
the sweep re-enqueues rows a lost message left unsent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from moderation.models import NotificationKind, PatientNotification
from testimonials import languages, outbox
from testimonials.models import Status, Testimonial
from testimonials.stories.patient_links import patient_secret

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """A link for an email: the site's public address and `path`."""
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
    outbox.enqueue_on_commit(
        "moderation.tasks.notify_patient", notification.pk, label="notification"
    )
    return notification


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
        "status_url": absolute(
            reverse(
                "testimonial-status",
                kwargs={"public_id": testimonial.public_id, "secret": secret},
            )
        ),
        "withdraw_url": absolute(
            reverse(
                "testimonial-withdraw",
                kwargs={"public_id": testimonial.public_id, "secret": secret},
            )
        ),
        "education_url": absolute(
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
