"""The outbox rows of moderation's emails: one per decision a patient
hears about, one per digest sent to moderators."""

from django.db import models

from testimonials.models import DeliveryTracked, Testimonial


class NotificationKind(models.TextChoices):
    PUBLISHED = "published"
    REJECTED = "rejected"


class PatientNotification(DeliveryTracked):
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
