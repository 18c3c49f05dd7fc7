"""Staff sign-in through the clinic's identity provider (OpenID Connect,
mozilla-django-oidc): off unless `OIDC_RP_CLIENT_ID` is set. The provider's
groups claim decides the account: a value in `OIDC_MODERATOR_GROUPS` makes a
moderator, one in `OIDC_ADMIN_GROUPS` a clinic admin; anyone in neither is
refused and no account is made. Accounts are matched by email, made on the
first sign-in as staff without a usable password, and their two groups
follow the claim at every sign-in. A superuser's account is never reached
this way.

The endpoints come from the settings or the provider's discovery document
(`provider_discovery`); while the provider cannot be reached, its link
leads to a page that says so. Signing out of an account signed in this
way ends its session at the provider too (`sign_out_url`)."""

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from moderation.accounts import provider_discovery
from moderation.accounts.groups import clinic_admins_group_ensure, moderators_group_ensure
from moderation.accounts.provider_discovery import ProviderUnreachable

logger = logging.getLogger(__name__)

BACKEND_PATH = "moderation.accounts.identity_provider.StaffOIDCBackend"
# Set on the request when the backend could not find the provider's endpoints.
PROVIDER_UNREACHABLE = "oidc_provider_unreachable"
# Where a sign-out leads back to, here and from the provider.
SIGNED_OUT_PATH = "/admin/login/"


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
        if not oidc_enabled() or request is None or "code" not in request.GET:
            return None  # a password sign-in: the provider is not asked
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = provider_discovery.endpoint("OIDC_OP_TOKEN_ENDPOINT")
            self.OIDC_OP_USER_ENDPOINT = provider_discovery.endpoint("OIDC_OP_USER_ENDPOINT")
            self.OIDC_OP_JWKS_ENDPOINT = provider_discovery.endpoint("OIDC_OP_JWKS_ENDPOINT")
        except ProviderUnreachable:
            setattr(request, PROVIDER_UNREACHABLE, True)  # the callback view says so
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
        if settings.OIDC_OP_DISCOVERY_URL and payload.get("iss") != (
            provider_discovery.expected_issuer()
        ):
            raise SuspiciousOperation("id_token from another issuer")
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
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_discovery.endpoint(
                "OIDC_OP_AUTHORIZATION_ENDPOINT"
            )
        except ProviderUnreachable:
            return provider_unreachable_page(request)
        return super().get(request)  # type: ignore[no-any-return]


class StaffOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer; a forged or replayed one is refused, not a 400."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            answer: HttpResponse = super().get(request)
        except SuspiciousOperation:
            answer = self.login_failure()
        if getattr(request, PROVIDER_UNREACHABLE, False):
            return provider_unreachable_page(request)
        return answer


class StaffOIDCLogoutView(OIDCLogoutView):  # type: ignore[misc]
    """POST /oidc/logout/: our session ends, then the provider's
    (`sign_out_url`); without one, back to the login page."""

    @property
    def redirect_url(self) -> str:
        return SIGNED_OUT_PATH


def provider_unreachable_page(request: HttpRequest) -> HttpResponse:
    """503, saying so in words; the cause is in the log (provider_discovery)."""
    context = {"title": "Sign-in unavailable", "provider_name": settings.OIDC_PROVIDER_NAME}
    return TemplateResponse(request, "admin/oidc_unreachable.html", context, status=503)


def end_session_url(request: HttpRequest) -> str | None:
    """The provider's end_session address for this session, with the
    id_token as `id_token_hint` and our login page as
    `post_logout_redirect_uri`; None if the session did not come from the
    provider or it has no end_session endpoint (or cannot be reached)."""
    if not oidc_enabled() or request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return None
    try:
        end_session = provider_discovery.endpoint("OIDC_OP_LOGOUT_URL")
    except ProviderUnreachable:
        return None  # signed out here all the same
    if not end_session:
        return None
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(SIGNED_OUT_PATH),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        query["id_token_hint"] = id_token
    separator = "&" if "?" in end_session else "?"
    return f"{end_session}{separator}{urlencode(query)}"


def sign_out_url(request: HttpRequest) -> str:
    """`OIDC_OP_LOGOUT_URL_METHOD`: where /oidc/logout/ sends the browser
    once our session ends: the provider's end_session, else the login page."""
    return end_session_url(request) or SIGNED_OUT_PATH
