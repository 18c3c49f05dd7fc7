"""Moderators get a digest when items wait too long for review."""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from moderation.accounts.permissions import MODERATE_PERMISSION
from moderation.models import ModeratorDigest
from moderation.notifications.patients import absolute
from testimonials import outbox
from testimonials.models import Status, Testimonial

logger = logging.getLogger(__name__)


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
        "queue_url": absolute(reverse("admin:testimonials_testimonial_changelist")),
        "now": now,
    }
    # Moderators read the clinic's times, in the admin and here.
    with timezone.override(settings.CLINIC_TIME_ZONE):
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
