"""The admin site, with two-factor authentication when `ADMIN_REQUIRE_2FA`
is on (production's default): staff sign in with their password and a TOTP
code from a device registered with django-otp, and a session that was not
verified by such a code does not reach the admin. A session signed in
through the clinic's identity provider counts as verified while
`OIDC_TRUST_IDP_MFA` is on (the provider asks for its own second factor).
Staff set up their authenticator and recovery codes at `two-factor/`
(`config.two_factor`); one with none yet signs in with the password alone
while `ADMIN_2FA_ENROLMENT_DAYS` allow and reaches only that page (and
sign-out) until an authenticator is confirmed."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import two_factor

# Named here rather than imported: config does not import moderation.
OIDC_BACKEND = "moderation.accounts.identity_provider.StaffOIDCBackend"
OIDC_END_SESSION = "moderation.accounts.identity_provider.end_session_url"


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


def setting_up_first_authenticator(user: Any, session: SessionBase | None) -> bool:
    """Signed in without a second factor by an account that has none yet and
    may still set one up: such a session reaches only the set-up page."""
    return (
        two_factor_required()
        and user.is_active
        and user.is_staff
        and not is_verified(user, session)
        and two_factor.first_enrolment_open(user)
    )


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

    def clean_otp(self, user: Any) -> None:
        """An account with no authenticator signs in without a code while it
        may still set one up (and reaches only that page); after that, never."""
        if user is None or two_factor.has_confirmed_device(user):
            super().clean_otp(user)
        elif two_factor.first_enrolment_open(user):
            user.otp_device = None
        else:
            raise ValidationError(
                two_factor.enrolment_closed_message(user), code="enrolment_closed"
            )


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

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def set_up_first(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if setting_up_first_authenticator(request.user, request.session):
                if request.path == reverse("admin:logout", current_app=self.name):
                    signed_out: HttpResponse = csrf_protect(self.logout)(request)
                    return signed_out
                return self.to_two_factor_page()
            return checked(request, *args, **kwargs)  # type: ignore[no-any-return]

        return set_up_first

    def to_two_factor_page(self) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:two_factor", current_app=self.name))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Signed in through the provider: signed out there too, when it has
        an end_session endpoint (it then sends the browser back to login)."""
        if request.method == "POST" and signed_in_through_identity_provider(request.session):
            at_provider = import_string(OIDC_END_SESSION)(request)
            if at_provider:
                auth_logout(request)
                return HttpResponseRedirect(at_provider)
        return super().logout(request, extra_context)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        signed_in = request.user, request.session
        if request.method == "GET" and setting_up_first_authenticator(*signed_in):
            return self.to_two_factor_page()
        context = dict(extra_context or {})
        if settings.OIDC_RP_CLIENT_ID:
            context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
            context["oidc_refused"] = request.GET.get("oidc") == "refused"
        return super().login(request, extra_context=context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        own: list[URLResolver | URLPattern] = [
            path("two-factor/", self.two_factor_entry(), name="two_factor"),
        ]
        return own + super().get_urls()

    def two_factor_entry(self) -> Callable[[HttpRequest], HttpResponse]:
        """The admin's checks, except for the first set-up, which needs none."""
        checked = super().admin_view(self.two_factor_view)

        @never_cache
        @csrf_protect
        def entry(request: HttpRequest) -> HttpResponse:
            if setting_up_first_authenticator(request.user, request.session):
                context = dict(self.each_context(request))
                return two_factor.two_factor_page(request, context, first_sign_in=True)
            return checked(request)

        return entry

    def two_factor_view(self, request: HttpRequest) -> HttpResponse:
        return two_factor.two_factor_page(request, dict(self.each_context(request)))
