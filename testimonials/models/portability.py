"""Records of data exports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ExportScope(models.TextChoices):
    PUBLISHED = "published", "Published stories"
    ALL = "all", "All stories, with personal data"


class DataExport(models.Model):
    """That an export of stories happened: who, when, what and how many.
    Never what it held."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="A username, or 'command:…'.")
    scope = models.CharField(max_length=20, choices=ExportScope.choices)
    format = models.CharField(max_length=10)
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=ExportScope.values), name="data_export_scope_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Export of {self.count} {self.scope} stories by {self.actor_label}"
