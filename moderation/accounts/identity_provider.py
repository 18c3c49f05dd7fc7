"""Staff sign-in through the clinic's identity provider (OpenID Connect,
mozilla-django-oidc): off unless `OIDC_RP_CLIENT_ID` is set. The provider's
groups claim decides the account: a value in `OIDC_MODERATOR_GROUPS` makes a
moderator, one in `OIDC_ADMIN_GROUPS` a clinic admin; anyone in neither is
refused and no account is made. Accounts are matched by email, made on the
first sign-in as staff without a usable password, and their two groups
follow the claim at every sign-in. A superuser's account is never reached
this way."""

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from moderation.accounts.groups import clinic_admins_group_ensure, moderators_group_ensure

BACKEND_PATH = "moderation.accounts.identity_provider.StaffOIDCBackend"


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def claimed_groups(claims: dict[str, Any]) -> set[str]:
    """The provider's group names for this person (a list or one string)."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return {str(name) for name in value}


def mapped_groups(claims: dict[str, Any]) -> list[Group]:
    """Our groups for these claims: Moderators, Clinic admins, both or none."""
    names = claimed_groups(claims)
    groups = []
    if names & set(settings.OIDC_MODERATOR_GROUPS):
        groups.append(moderators_group_ensure())
    if names & set(settings.OIDC_ADMIN_GROUPS):
        groups.append(clinic_admins_group_ensure())
    return groups


def staff_groups_apply(user: User, groups: list[Group]) -> User:
    """Staff, in exactly the mapped ones of our two groups (other groups kept)."""
    ours = [moderators_group_ensure(), clinic_admins_group_ensure()]
    user.groups.remove(*[group for group in ours if group not in groups])
    user.groups.add(*groups)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


class StaffOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's code flow, with our claims check and groups."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not oidc_enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]
        except SuspiciousOperation:
            # A bad signature or nonce: refused, like an unknown person.
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks signature and nonce; an expired token, or one
        issued to another client, is refused here too."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation("id_token refused") from error
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id_token issued to another client")
        return payload

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # A superuser signs in with a password and TOTP here, never through
        # the provider: an account there with the same email gets its own.
        return super().filter_users_by_claims(claims).filter(is_superuser=False)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and bool(mapped_groups(claims))

    def create_user(self, claims: dict[str, Any]) -> User:
        email = claims["email"].strip().lower()
        username = email if not User.objects.filter(username=email).exists() else None
        with transaction.atomic():
            user = User.objects.create_user(
                username or self.get_username(claims),
                email=email,
                first_name=str(claims.get("given_name", ""))[:150],
                last_name=str(claims.get("family_name", ""))[:150],
            )
            return staff_groups_apply(user, mapped_groups(claims))

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        with transaction.atomic():
            return staff_groups_apply(user, mapped_groups(claims))


class StaffOIDCStartView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider; not found while OIDC is off."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().get(request)  # type: ignore[no-any-return]


class StaffOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer; a forged or replayed one is refused, not a 400."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except SuspiciousOperation:
            return self.login_failure()  # type: ignore[no-any-return]
