"""The access log: who saw which patient's story, when and where (HIPAA's
audit controls ask for a record of reads, not only of changes).

Append-only: a row is written once (`moderation.access_log`) and never
changed or removed, neither by the ORM (`save`, `delete`, the queryset's
`update` and `delete` refuse) nor in the admin (read-only). A row names the
story by its public id, never what the story says or who wrote it.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccessSurface(models.TextChoices):
    REVIEW_PAGE = "review_page", "Review page"
    API_DETAIL = "api_detail", "API: one item"
    API_QUEUE = "api_queue", "API: the queue"
    ADMIN_QUEUE = "admin_queue", "Admin: the queue"
    EVIDENCE_ZIP = "evidence_zip", "Evidence ZIP"
    EXPORT = "export", "Export of stories"
    ACCESS_LOG_EXPORT = "access_log_export", "Export of this log"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of the access log."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"The access log is append-only: rows cannot be {what}.")


class StoryAccessQuerySet(models.QuerySet["StoryAccess"]):
    def update(self, **kwargs: Any) -> int:
        _refuse("updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse("updated")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("updated")


class StoryAccess(models.Model):
    """One moderator's (or clinic admin's) read of patients' stories."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A user who read stories is deactivated, never deleted: deleting
        # would change this log.
        on_delete=models.PROTECT,
        related_name="+",
    )
    moderator_label = models.CharField(max_length=150, help_text="The username at the time.")
    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    surface = models.CharField(max_length=32, choices=AccessSurface.choices)
    # The public id, not a foreign key: erasing a story must neither fail on
    # nor rewrite its access record.
    testimonial_public_id = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="Blank for an export of many stories."
    )
    story_count = models.PositiveIntegerField(default=1)
    export = models.CharField(
        max_length=40, blank=True, help_text="Which export: its scope and format."
    )
    request_id = models.CharField(max_length=128, blank=True)

    objects = StoryAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = "story access"
        verbose_name_plural = "story accesses"
        constraints = [
            models.CheckConstraint(
                condition=Q(surface__in=AccessSurface.values), name="story_access_surface_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.moderator_label} via {self.surface} at {self.accessed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleted")
