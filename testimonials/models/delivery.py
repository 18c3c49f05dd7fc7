"""What the email provider said became of an outbox row's email: sent,
delivered, bounced or complained about, when, and the reason's category.
Never the address: the row's story (or invitation) holds that, and erasure
removes it there."""

from django.db import models


class EmailDeliveryStatus(models.TextChoices):
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Marked as spam"


class DeliveryTracked(models.Model):
    """The fields every outbox model with a `sent_at` adds. `esp_message_id`
    is the provider's id for the message, kept to match its events to the
    row; the events also carry the row's label and id as metadata."""

    esp_message_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    delivery_status = models.CharField(
        max_length=12, choices=EmailDeliveryStatus.choices, blank=True, default=""
    )
    delivery_status_at = models.DateTimeField(null=True, blank=True)
    # anymail's reject_reason (invalid, bounced, timed_out, blocked, spam,
    # unsubscribed, other): a category, never the provider's text.
    delivery_problem = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        abstract = True
