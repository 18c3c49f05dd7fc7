"""Moderators' API tokens: only a hash of each secret is stored, each has a
name and an expiry, and a revoked one stays listed with why it ended."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenEnd(models.TextChoices):
    REVOKED = "revoked", "revoked in the admin"
    PASSWORD_CHANGED = "password_changed", "the account's password changed"
    DEACTIVATED = "deactivated", "the account was deactivated"


class ApiToken(models.Model):
    """One moderator's credential for `Authorization: Token KEY`.

    The key itself exists only in the answer that issued it
    (`moderation.accounts.api_tokens`); the table holds its SHA-256."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'triage script'."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_because = models.CharField(
        max_length=20, choices=TokenEnd.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
