"""The admin site, with two-factor authentication when `ADMIN_REQUIRE_2FA`
is on (production's default): staff sign in with their password and a TOTP
code from a device registered with django-otp, and a session that was not
verified by such a code does not reach the admin. A session signed in
through the clinic's identity provider counts as verified while
`OIDC_TRUST_IDP_MFA` is on (the provider asks for its own second factor).
Staff set up their authenticator and recovery codes at `two-factor/`
(`config.two_factor`)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import two_factor

# Named here rather than imported: config does not import moderation.
OIDC_BACKEND = "moderation.accounts.identity_provider.StaffOIDCBackend"


def two_factor_required() -> bool:
    return bool(settings.ADMIN_REQUIRE_2FA)


def signed_in_through_identity_provider(session: SessionBase | None) -> bool:
    return session is not None and session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND


def is_verified(user: Any, session: SessionBase | None = None) -> bool:
    """Signed in with a second factor (django-otp's middleware sets this),
    or through the identity provider when its own second factor is trusted."""
    if settings.OIDC_TRUST_IDP_MFA and signed_in_through_identity_provider(session):
        return True
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class TwoFactorSignInForm(OTPAdminAuthenticationForm):  # type: ignore[misc]
    """Password and code on one page: a moderator with one authenticator
    need not choose it first (django-otp asks whenever none is chosen)."""

    def _chosen_device(self, user: Any) -> Any:
        device = super()._chosen_device(user)
        if device is None:
            # A recovery code is letters and digits, a TOTP code digits only.
            token = self.cleaned_data.get("otp_token") or ""
            kind = TOTPDevice if token.isdigit() else StaticDevice
            devices = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, kind)]
            if len(devices) == 1:
                return devices[0]
        return device


class ModerationAdminSite(admin.AdminSite):
    # Read on every login, so that the setting (and tests) can turn it.
    @property
    def login_form(self) -> type[AdminAuthenticationForm]:  # type: ignore[override]
        return TwoFactorSignInForm if two_factor_required() else AdminAuthenticationForm

    @property
    def login_template(self) -> str:  # type: ignore[override]
        return "otp/admin111/login.html" if two_factor_required() else "admin/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if allowed and two_factor_required():
            return is_verified(request.user, request.session)
        return allowed

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        context = dict(extra_context or {})
        if settings.OIDC_RP_CLIENT_ID:
            context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
            context["oidc_refused"] = request.GET.get("oidc") == "refused"
        return super().login(request, extra_context=context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        own: list[URLResolver | URLPattern] = [
            path(
                "two-factor/",
                self.admin_view(self.two_factor_view),
                name="two_factor",
            ),
        ]
        return own + super().get_urls()

    def two_factor_view(self, request: HttpRequest) -> HttpResponse:
        return two_factor.two_factor_page(request, dict(self.each_context(request)))
