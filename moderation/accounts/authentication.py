"""`Authorization: Token KEY` for moderators' tools, checked against the
hashed, expiring tokens of `moderation.accounts.api_tokens`."""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from moderation.accounts import api_tokens
from moderation.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """The header and its parsing are REST framework's (keyword `Token`, a
    401 naming it in WWW-Authenticate), so clients and the schema's
    `tokenAuth` scheme stay as they were; only the lookup changes. An
    unknown, expired or revoked key, or one whose account is inactive, is
    the same 401."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = api_tokens.token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        api_tokens.token_used(token)
        return token.user, token
