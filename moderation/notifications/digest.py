"""Moderators get a digest when items wait too long for review."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from moderation.accounts.permissions import MODERATE_PERMISSION
from moderation.accounts.scopes import staff_scope
from moderation.models import ModeratorDigest
from moderation.notifications.patients import absolute
from testimonials import outbox
from testimonials.models import Status, Testimonial

logger = logging.getLogger(__name__)


def moderator_digest_send() -> ModeratorDigest | None:
    """Tell moderators which items have waited longer than
    `MODERATION_OVERDUE_AFTER`, at most once per `MODERATION_DIGEST_INTERVAL`.

    Each moderator hears only of their own places' stories (`staff_scope`):
    moderators who see the same overdue stories share one email, and one
    with none overdue at their locations gets none."""
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
    by_stories = overdue_by_recipient(overdue)
    if not by_stories:
        logger.warning("%d items overdue but no moderator has an email address", len(overdue))
        return None
    # Moderators read the clinic's times, in the admin and here.
    with timezone.override(settings.CLINIC_TIME_ZONE):
        for story_ids, recipients in by_stories.items():
            _send([story for story in overdue if story.pk in story_ids], sorted(recipients), now)
    recipient_count = sum(len(recipients) for recipients in by_stories.values())
    told_of = len(set().union(*by_stories))
    logger.info("moderator digest: %d overdue, %d recipients", told_of, recipient_count)
    return ModeratorDigest.objects.create(overdue_count=told_of, recipients=recipient_count)


def overdue_by_recipient(overdue: list[Testimonial]) -> dict[frozenset[int], set[str]]:
    """The email addresses to tell, grouped by the overdue stories (ids)
    each may see; a moderator who may see none of them is left out."""
    moderators = (
        User.objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=MODERATE_PERMISSION.split(".")[1])
        )
        .distinct()
        .order_by("pk")
    )
    grouped: dict[frozenset[int], set[str]] = {}
    for moderator in moderators:
        scope = staff_scope(moderator)
        theirs = frozenset(
            story.pk for story in overdue if scope.allows_location(story.location_id)
        )
        if theirs:
            grouped.setdefault(theirs, set()).add(moderator.email)
    return grouped


def _send(stories: list[Testimonial], recipients: list[str], now: datetime) -> None:
    context = {
        "items": stories[:50],
        "count": len(stories),
        "overdue_hours": round(settings.MODERATION_OVERDUE_AFTER.total_seconds() / 3600),
        "queue_url": absolute(reverse("admin:testimonials_testimonial_changelist")),
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
