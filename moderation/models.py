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


class NotificationKind(models.TextChoices):
    PUBLISHED = "published"
    REJECTED = "rejected"


class PatientNotification(models.Model):
    """One email to a patient about one decision; the unique constraint makes
    the sending task safe to run twice."""

    testimonial = models.ForeignKey(
        Testimonial, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    decision_version = models.PositiveIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["testimonial", "kind", "decision_version"],
                name="patient_notification_once_per_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} notification for {self.testimonial_id}"


class ModeratorDigest(models.Model):
    """A digest sent to moderators about items waiting too long."""

    sent_at = models.DateTimeField(auto_now_add=True)
    overdue_count = models.PositiveIntegerField()
    recipients = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Digest {self.sent_at:%Y-%m-%d %H:%M}: {self.overdue_count} overdue"


class DuplicateKey(models.Model):
    """Lookup keys of a screened testimonial's text (its exact normalised
    form and its MinHash-LSH bands, `screening.duplicate.lookup_keys`), so
    that screening finds the few earlier stories worth comparing by index
    instead of reading every body."""

    testimonial = models.ForeignKey(
        Testimonial, on_delete=models.CASCADE, related_name="duplicate_keys"
    )
    key = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["testimonial", "key"], name="duplicate_key_once"),
        ]
        indexes = [
            # moderation.services.earlier_candidates
            models.Index(fields=["key"], name="duplicate_key_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of testimonial {self.testimonial_id}"


# The learned screening layer keeps its models' records beside its code;
# they are this app's models.
from moderation.screening.learned.records import ScreeningModel  # noqa: E402, F401
