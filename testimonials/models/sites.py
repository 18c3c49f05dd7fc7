"""Websites that show our stories, their webhook endpoints and deliveries."""

import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from testimonials.models.places import Location, Organisation, sole_organisation_id
from testimonials.models.publishing import PublicationChange, PublicationEvent
from testimonials.models.stories import Channel
from testimonials.models.topics import Topic
from testimonials.sites import webhooks


def validate_origins(value: str) -> None:
    """One origin a line: scheme and host (and port), nothing more."""
    for line in value.splitlines():
        origin = line.strip()
        if not origin:
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise ValidationError(f"{origin!r} is not an origin such as https://clinic.example.")


def validate_webhook_url(value: str) -> None:
    try:
        webhooks.resolve(value)
    except webhooks.UnsafeURL as exc:
        raise ValidationError(str(exc)) from exc


def validate_events(value: Any) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(event not in PublicationEvent.values for event in value)
    ):
        raise ValidationError(f"Choose one or more of: {', '.join(PublicationEvent.values)}.")


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class Site(models.Model):
    """A website that shows our stories: its API key and its webhooks.

    The key is shown once when it is issued; only its SHA-256 is stored (a
    random 256-bit key needs no slow hash)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sites",
        default=sole_organisation_id,
        help_text="Its key reads only this organisation's stories.",
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
        help_text="Only this location's stories; empty for every location of the organisation.",
    )
    name = models.CharField(max_length=120)
    allowed_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text=(
            "One origin a line, e.g. https://clinic.example. Browsers may send this "
            "site's key only from these origins; leave empty for a key used from servers only."
        ),
    )
    channel = models.CharField(
        max_length=20,
        choices=[
            (Channel.PARTNERS, "A partner website"),
            (Channel.CLINIC, "The clinic's own site"),
        ],
        default=Channel.PARTNERS,
        help_text="Decides which stories the site's key reads and its webhooks hear about: "
        "only those the patient authorized for this channel.",
    )
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_issued_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    request_count = models.PositiveBigIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=[Channel.PARTNERS, Channel.CLINIC]),
                name="site_channel_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self) -> None:
        super().clean()
        if (
            self.location_id is not None
            and self.organisation_id is not None
            and self.location.organisation_id != self.organisation_id  # type: ignore[union-attr]
        ):
            raise ValidationError({"location": "Choose one of the organisation's locations."})

    def origins(self) -> list[str]:
        lines = self.allowed_origins.splitlines()
        return [line.strip().rstrip("/") for line in lines if line.strip()]


class WebhookEndpoint(models.Model):
    """A URL of a site's that hears about publication events."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        help_text="http(s) only; private addresses are refused.",
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only this topic's stories; empty for every topic.",
    )
    events = models.JSONField(
        default=list,
        validators=[validate_events],
        help_text="The events this URL hears about.",
    )
    secret = models.CharField(
        max_length=64,
        default=new_webhook_secret,
        editable=False,
        help_text="Signs every delivery (HMAC-SHA256); give it to the site's developers.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site__name", "id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of {self.site}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped", "Skipped (no longer public)"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, then its log.

    Written in the publication change's transaction; the task sends it after
    commit and the sweep re-sends what a lost message or a down broker left
    behind. Holds no payload: it is built from the public representation at
    each attempt, so a story withdrawn meanwhile is never sent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(
        PublicationChange, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            )
        ]
        indexes = [
            # testimonials.sites.webhook_delivery.webhook_deliveries_due (the sweep)
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=Q(status=DeliveryStatus.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.public_id}"
