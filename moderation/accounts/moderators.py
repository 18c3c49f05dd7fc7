"""Creating or updating a moderator account, with a new API token."""

import logging

from django.contrib.auth import get_user_model

from moderation.accounts import api_tokens
from moderation.accounts.groups import moderators_group_ensure

logger = logging.getLogger(__name__)


def moderator_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    purpose: str = "create_moderator",
) -> api_tokens.IssuedToken:
    """Create or update a moderator account and issue it a new API token
    (earlier tokens keep working until they expire or are revoked)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.is_staff = True
    user.is_active = True
    if email:
        user.email = email
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    user.groups.add(moderators_group_ensure())
    issued = api_tokens.token_issue(user=user, name=purpose)
    logger.info("moderator account %s %s", user.pk, "created" if created else "updated")
    return issued
