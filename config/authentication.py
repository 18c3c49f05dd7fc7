"""REST framework authentication that honours the admin's second factor."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from config.admin import is_verified, setting_up_first_authenticator, two_factor_required


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only if it would count for the
    admin: verified by a TOTP code when `ADMIN_REQUIRE_2FA` is on. API
    tokens are machine credentials and are unaffected."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None or not two_factor_required():
            return result
        if not is_verified(result[0], request.session):
            if setting_up_first_authenticator(result[0], request.session):
                raise AuthenticationFailed(
                    "Set up two-factor sign-in at /admin/two-factor/ before using the API."
                )
            return None
        return result


class VerifiedSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    """The same cookie as REST framework's session scheme, in the schema."""

    target_class = "config.authentication.VerifiedSessionAuthentication"
