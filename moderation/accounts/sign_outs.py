"""When an account's password changes or it is deactivated, every session
and API token it had ends: whoever held an old credential (a stolen
laptop's cookie, a leaked script token) is out at once.

Django already refuses a session whose password hash no longer matches, and
an inactive user's session; the rows are deleted here too, so that nothing
left in the session table can be replayed, and API tokens (which carry no
password hash) are revoked. Connected to the user model's saves by
`moderation.apps`.
"""

import hmac
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, is_password_usable
from django.contrib.sessions.models import Session
from django.utils import timezone

from moderation.accounts import api_tokens
from moderation.models import TokenEnd

logger = logging.getLogger(__name__)

# Set by the pre_save receiver on the instance being saved, read by post_save.
_PENDING = "_credentials_end_because"


def sessions_end_for_user(*, user_id: int) -> int:
    """Delete every unexpired database session signed in as this user.

    Sessions hold no user column, so each live one is decoded: there are
    only as many as people signed in during the last SESSION_IDLE_MINUTES.
    """
    wanted = str(user_id)
    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == wanted
    ]
    deleted, _ = Session.objects.filter(session_key__in=mine).delete()
    return deleted


def credentials_end_for_user(*, user_id: int, because: str) -> None:
    sessions = sessions_end_for_user(user_id=user_id)
    tokens = api_tokens.tokens_end_for_user(user_id=user_id, because=because)
    logger.info(
        "credentials ended user=%s sessions=%s api_tokens=%s reason=%s",
        user_id,
        sessions,
        tokens,
        because,
    )


def note_credential_change(sender: Any, instance: Any, update_fields: Any, **kwargs: Any) -> None:
    """pre_save: compare the password hash and is_active with the stored row.
    Giving a first password to an account that had none changes nothing."""
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. the last_login update of every sign-in
    stored = get_user_model().objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    because = ""
    if stored["is_active"] and not instance.is_active:
        because = TokenEnd.DEACTIVATED
    elif (
        is_password_usable(stored["password"])
        and not hmac.compare_digest(stored["password"].encode(), instance.password.encode())
        and not _same_password(instance, stored["password"])
    ):
        because = TokenEnd.PASSWORD_CHANGED
    setattr(instance, _PENDING, because)


def _same_password(instance: Any, stored_hash: str) -> bool:
    """A new hash of the same password is no change: Django re-hashes on
    sign-in when the hasher's settings change."""
    raw = getattr(instance, "_password", None)
    return raw is not None and check_password(raw, stored_hash)


def end_credentials_after_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save: end sessions and tokens if pre_save saw a change."""
    because = getattr(instance, _PENDING, "")
    if because:
        setattr(instance, _PENDING, "")
        credentials_end_for_user(user_id=instance.pk, because=because)
