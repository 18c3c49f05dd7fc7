"""When each staff account's password was last set: the window in which a
local account may set up its first authenticator (`ADMIN_2FA_ENROLMENT_DAYS`,
`config.two_factor`) runs from it. Kept by `moderation.accounts.passwords`."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PasswordSet(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_set",
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "password set"

    def __str__(self) -> str:
        return f"{self.user_id} at {self.set_at:%Y-%m-%d %H:%M}"
