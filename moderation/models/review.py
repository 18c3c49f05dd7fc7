"""Who is reviewing an item now, and the moderators' private notes on it."""

from typing import Any

from django.conf import settings
from django.db import models

from testimonials.models import Testimonial


class ReviewClaim(models.Model):
    """Who is looking at an item now, so that two moderators don't review it
    at once. Informational and expiring; the version check on the decision
    is what actually refuses a second decision."""

    testimonial = models.OneToOneField(
        Testimonial, on_delete=models.CASCADE, related_name="review_claim"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.moderator} on {self.testimonial_id}"


class ModeratorNote(models.Model):
    """A private note on an item; never shown to the patient or the public."""

    testimonial = models.ForeignKey(Testimonial, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note by {self.author_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Notes are append-only.")
        super().save(*args, **kwargs)
