"""The changes feed: each time a story became public or stopped being."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from testimonials.models.places import Location
from testimonials.models.stories import ALL_CHANNELS_KEY, Testimonial
from testimonials.models.topics import Topic


class PublicationEvent(models.TextChoices):
    """What websites hear about: a story entered, changed within, or left `published`."""

    PUBLISHED = "testimonial.published"
    UPDATED = "testimonial.updated"
    UNPUBLISHED = "testimonial.unpublished"


class PublicationChange(models.Model):
    """The changes feed: one row per publication event, written by
    `testimonials.transitions` in the same transaction as the change.

    Append-only. The id orders the feed; it never leaves the server (cursors
    are signed). `public_id`, `topic` and `location` are copied so that a
    removal stays a tombstone even if the testimonial row is later erased.
    """

    event = models.CharField(max_length=40, choices=PublicationEvent.choices)
    testimonial = models.ForeignKey(
        Testimonial,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publication_changes",
    )
    public_id = models.UUIDField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        Location,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The story's location: which sites and `?location=` readers hear of it.",
    )
    channels = models.CharField(
        max_length=60,
        default=ALL_CHANNELS_KEY,
        help_text="',partners,widget,': the channels whose readers this change concerns.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=PublicationEvent.values),
                name="publication_change_event_valid",
            )
        ]
        indexes = [
            # testimonials.publishing.changes_feed.publication_changes(topic=...)
            models.Index(fields=["topic", "id"], name="publication_change_topic_idx"),
            # publication_changes(places=...)
            models.Index(fields=["location", "id"], name="publication_change_loc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The changes feed is append-only.")
        super().save(*args, **kwargs)
