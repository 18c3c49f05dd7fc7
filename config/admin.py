"""The admin site, with two-factor authentication when `ADMIN_REQUIRE_2FA`
is on (production's default): staff sign in with their password and a TOTP
code from a device registered with django-otp, and a session that was not
verified by such a code does not reach the admin."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm


def two_factor_required() -> bool:
    return bool(settings.ADMIN_REQUIRE_2FA)


def is_verified(user: Any) -> bool:
    """Signed in with a second factor (django-otp's middleware sets this)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class TwoFactorSignInForm(OTPAdminAuthenticationForm):  # type: ignore[misc]
    """Password and code on one page: a moderator with one authenticator
    need not choose it first (django-otp asks whenever none is chosen)."""

    def _chosen_device(self, user: Any) -> Any:
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
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
            return is_verified(request.user)
        return allowed
