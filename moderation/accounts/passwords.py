"""Notes when an account's password is set: at creation, when it is given a
first password, when it changes (a reset by an admin included). A new hash
of the same password (Django re-hashes on sign-in) is no change. Connected
to the user model's saves by `moderation.apps`."""

import hmac
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, is_password_usable
from django.utils import timezone

from moderation.models import PasswordSet

# Set by the pre_save receiver on the instance being saved, read by post_save.
_PENDING = "_password_was_set"


def note_password_set(sender: Any, instance: Any, update_fields: Any, **kwargs: Any) -> None:
    """pre_save: is a usable password being stored that was not stored before?"""
    if kwargs.get("raw") or not is_password_usable(instance.password):
        return
    if update_fields is not None and "password" not in set(update_fields):
        return
    stored = None
    if instance.pk is not None:
        stored = get_user_model().objects.filter(pk=instance.pk).values("password").first()
    if stored is not None:
        if hmac.compare_digest(stored["password"].encode(), instance.password.encode()):
            return
        raw = getattr(instance, "_password", None)
        usable = is_password_usable(stored["password"])
        if raw is not None and usable and check_password(raw, stored["password"]):
            return
    setattr(instance, _PENDING, True)


def record_password_set(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save: remember when, if pre_save saw a new password."""
    if getattr(instance, _PENDING, False):
        setattr(instance, _PENDING, False)
        PasswordSet.objects.update_or_create(user=instance, defaults={"set_at": timezone.now()})
