"""Photos, video and audio a patient sends with their story: one row per
sanitized file in the media storage (`testimonials.media`)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from testimonials.models.stories import Testimonial


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("my photo")
    VIDEO = "video", _("my video")
    AUDIO = "audio", _("my audio recording")


class MediaStatus(models.TextChoices):
    """`pending` until a moderator approves the story with it (a person,
    always); `withdrawn` once the patient took it back or the story went:
    its file is deleted from storage then."""

    PENDING = "pending", "Awaiting a moderator"
    APPROVED = "approved", "Approved by a moderator"
    WITHDRAWN = "withdrawn", "Withdrawn; the file is deleted"


class StoryMedia(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    testimonial = models.ForeignKey(Testimonial, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=10, choices=MediaKind.choices)
    storage_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The sanitized file's name in the media storage (random); blank once deleted.",
    )
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the sanitized file.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    alt_text = models.CharField(max_length=300, blank=True)
    captions = models.TextField(blank=True, help_text="WebVTT captions or a transcript.")
    captions_flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Screening's flags on the captions (offsets into `captions`).",
    )
    status = models.CharField(
        max_length=10, choices=MediaStatus.choices, default=MediaStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name_plural = "story media"
        constraints = [
            models.UniqueConstraint(
                fields=["testimonial", "kind"], name="story_media_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MediaKind.values), name="story_media_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MediaStatus.values), name="story_media_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

    @property
    def is_moving(self) -> bool:
        return self.kind in (MediaKind.VIDEO, MediaKind.AUDIO)
