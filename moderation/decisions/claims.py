"""Review claims: who is looking at an item now, so that two moderators
don't review it at once. Informational and expiring; the version check on
a decision is what refuses a second one."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from moderation.models import ReviewClaim
from testimonials.models import Testimonial


@dataclass(frozen=True)
class ClaimState:
    """Who is reviewing an item; `mine` is False when someone else is."""

    moderator: str
    expires_at: datetime
    mine: bool


def review_claim(*, testimonial: Testimonial, moderator: User) -> ClaimState:
    """Claim an item on opening it, unless another moderator's claim is still
    running; either way, say who is looking. Claims expire on their own."""
    now = timezone.now()
    expires_at = now + settings.REVIEW_CLAIM_TTL
    with transaction.atomic():
        ReviewClaim.objects.filter(testimonial=testimonial, expires_at__lte=now).delete()
        claim, created = ReviewClaim.objects.select_for_update().get_or_create(
            testimonial=testimonial,
            defaults={"moderator": moderator, "claimed_at": now, "expires_at": expires_at},
        )
        if not created and claim.moderator_id == moderator.pk:
            claim.expires_at = expires_at
            claim.save(update_fields=["expires_at"])
    return ClaimState(
        moderator=claim.moderator.get_username(),
        expires_at=claim.expires_at,
        mine=claim.moderator_id == moderator.pk,
    )


def review_release(*, testimonial: Testimonial, moderator: User) -> None:
    ReviewClaim.objects.filter(testimonial=testimonial, moderator=moderator).delete()


def claims_end(*, testimonial: Testimonial, moderator: User) -> None:
    """A decision ends its moderator's claim on the item."""
    ReviewClaim.objects.filter(testimonial=testimonial, moderator=moderator).delete()
