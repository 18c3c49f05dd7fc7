"""Creating or updating a moderator account, with its API token."""

import logging

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from moderation.accounts.groups import moderators_group_ensure

logger = logging.getLogger(__name__)


def moderator_create(*, username: str, email: str = "", password: str | None = None) -> Token:
    """Create or update a moderator account; returns its API token."""
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
    token, _ = Token.objects.get_or_create(user=user)
    logger.info("moderator account %s %s", user.pk, "created" if created else "updated")
    return token
