"""The clinic's first admin: a superuser made by a command, never by a
demo seed, so no password of it is ever printed or logged."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from moderation.accounts.groups import clinic_admins_group_ensure

logger = logging.getLogger(__name__)


class AdminExists(Exception):
    """An account of that name exists already; it is left as it is."""


def admin_create(*, username: str, password: str, email: str = "") -> None:
    """Create a superuser in the Clinic admins group. The password must pass
    the password validators (ValidationError otherwise); it is hashed, never
    logged."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise AdminExists(username)
    user = user_model(username=username, email=email, is_staff=True, is_superuser=True)
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    user.groups.add(clinic_admins_group_ensure())
    logger.info("admin account %s created", user.pk)
