"""The learned screening models a clinic has had: which one screens, what
each was trained on, how it measured, and the one before it
(`moderation.screening.learned` trains, gates, activates and rolls back)."""

from typing import Any

from django.db import models


class ScreeningModel(models.Model):
    version = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    trained_on = models.JSONField(
        default=dict, help_text="Corpus files and items, and the clinic's decisions it learned."
    )
    metrics = models.JSONField(
        default=dict,
        help_text="Per kind precision and recall on the frozen test split and on the "
        "clinic's recent decisions, beside the model it was compared with.",
    )
    artifact = models.BinaryField(help_text="The trained model, as the shipped .npz file.")
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The model that screened before this one was activated; "
        "empty: the model shipped with the code.",
    )
    refused_because = models.TextField(
        blank=True, help_text="Why the retrain gate kept it from screening; empty if it passed."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_screening_model",
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.is_active else ("refused" if self.refused_because else "kept")
        return f"screening model {self.version} ({state})"

    def figures(self) -> dict[str, Any]:
        return dict(self.metrics)
