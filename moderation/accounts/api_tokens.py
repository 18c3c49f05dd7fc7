"""Moderators' API tokens: issuing one (the only time its key exists in
clear), finding the token a request's key belongs to, recording its use,
and ending one or all of an account's tokens.

Written here rather than with django-rest-knox: knox has no name, last use
or kept revocation, reads all of a user's tokens on every request (2 queries
to our 1) and deletes expired rows, so it would have needed a swapped model,
its own admin replaced and its authentication overridden; the same rules as
the sites' keys (`testimonials.sites.site_keys`) take less code."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from config.security import secret_digest
from moderation.models import ApiToken, TokenEnd

logger = logging.getLogger(__name__)

# Tells a moderator's key apart from a site's (`tsk_`) in a config file.
KEY_PREFIX = "tmk_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its key: show the key once, it is not stored."""

    token: ApiToken
    key: str

    @property
    def user(self) -> User:
        return self.token.user


def token_prepare(token: ApiToken) -> str:
    """Give an unsaved token its key hash and expiry; returns the key."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token.key_hash = secret_digest(key)
    token.created_at = timezone.now()
    token.expires_at = token.created_at + settings.API_TOKEN_TTL
    return key


def token_issue(*, user: User, name: str) -> IssuedToken:
    """A new token for `user`, valid for API_TOKEN_TTL_DAYS."""
    token = ApiToken(user=user, name=name)
    key = token_prepare(token)
    token.save()
    logger.info("api token id=%s issued for user %s", token.pk, user.pk)
    return IssuedToken(token=token, key=key)


def token_for_key(key: str) -> ApiToken | None:
    """The live token (not expired, not revoked, its account active) this
    key belongs to, with its user; else None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=secret_digest(key), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def token_used(token: ApiToken) -> None:
    """Record that the token was used now, at most once a minute per token
    so that a busy client does not write on every request."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def token_revoke(*, token: ApiToken, because: str = TokenEnd.REVOKED) -> bool:
    """End one token at once. Idempotent; True if it was live."""
    ended = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_because=because
    )
    token.refresh_from_db(fields=["revoked_at", "revoked_because"])
    if ended:
        logger.info("api token id=%s revoked (%s)", token.pk, because)
    return bool(ended)


def tokens_end_for_user(*, user_id: int, because: str) -> int:
    """End every token of one account; returns how many were live."""
    ended = ApiToken.objects.filter(user_id=user_id, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_because=because
    )
    if ended:
        logger.info("%s api tokens of user %s ended (%s)", ended, user_id, because)
    return ended
