"""Self-service two-factor set-up for a signed-in staff member: an
authenticator app (TOTP, shown as a QR code) and ten recovery codes
(django-otp's static device), shown once and each good for one sign-in.

The first authenticator, when `ADMIN_REQUIRE_2FA` is on: a staff member
with no confirmed device signs in with the password alone and reaches
only this page (`config.admin`), for `ADMIN_2FA_ENROLMENT_DAYS` after the
account's password was set or the account made; after that an admin must
reset the password first. Each set-up is recorded in the account's admin
history."""

import logging
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

import segno
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"

logger = logging.getLogger(__name__)


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def enrolment_closes_at(user: Any) -> datetime:
    """`ADMIN_2FA_ENROLMENT_DAYS` after the password was last set, or after
    the account was made if it never had one set since we keep count."""
    # By name: moderation keeps the time (config does not import moderation).
    password_set = apps.get_model("moderation", "PasswordSet")
    set_at = password_set.objects.filter(user=user).values_list("set_at", flat=True).first()
    opened: datetime = max(set_at or user.date_joined, user.date_joined)
    return opened + timedelta(days=settings.ADMIN_2FA_ENROLMENT_DAYS)


def first_enrolment_open(user: Any) -> bool:
    """May this account set up its first authenticator without a code?"""
    return not has_confirmed_device(user) and timezone.now() < enrolment_closes_at(user)


def enrolment_closed_message(user: Any) -> str:
    days = settings.ADMIN_2FA_ENROLMENT_DAYS
    closed = date_format(timezone.localtime(enrolment_closes_at(user)), "DATE_FORMAT")
    return (
        f"This account has no authenticator app, and the {days} days to set one up after "
        f"its password was set ended on {closed}. Ask a clinic admin to reset your "
        f"password; you can then set up two-factor sign-in within {days} days."
    )


def enrolment_record(user: Any, message: str) -> None:
    """In the account's admin history, where its password resets are too."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )
    logger.info("two-factor set-up user=%s: %s", user.pk, message)


def confirmed_authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user: Any) -> TOTPDevice:
    """The authenticator being set up: kept until confirmed with a code, so
    the QR code stays the same across reloads."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": AUTHENTICATOR_NAME}
    )
    return device


def recovery_codes_replace(user: Any) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Only the hash-free
    tokens live in django-otp's table, so they are shown only now."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_confirm(device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def remaining_recovery_codes(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def two_factor_page(
    request: HttpRequest, context: dict[str, Any], *, first_sign_in: bool = False
) -> HttpResponse:
    """`first_sign_in`: signed in with the password alone, to set up the
    first authenticator; nothing else of the admin is shown."""
    user: AbstractBaseUser | AnonymousUser = request.user
    error = ""
    new_codes: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        authenticator = confirmed_authenticator(user)
        if action == "confirm" and authenticator is None:
            pending = pending_authenticator(user)
            if authenticator_confirm(pending, request.POST.get("otp_token", "")):
                otp_login(request, pending)
                new_codes = recovery_codes_replace(user)
                enrolment_record(
                    user,
                    "Set up an authenticator app and recovery codes"
                    + (" at first sign-in." if first_sign_in else "."),
                )
            else:
                error = "That code did not match. Try the code your app shows now."
        elif action == "recovery_codes" and authenticator is not None:
            new_codes = recovery_codes_replace(user)
            enrolment_record(user, "Replaced the recovery codes.")
    authenticator = confirmed_authenticator(user)
    context.update(
        {
            "title": "Two-factor sign-in",
            "authenticator": authenticator,
            "new_codes": new_codes,
            "remaining_codes": remaining_recovery_codes(user),
            "error": error,
            "first_sign_in": first_sign_in and authenticator is None,
        }
    )
    if first_sign_in and authenticator is None:
        context["available_apps"] = []
        context["enrolment_closes_at"] = enrolment_closes_at(user)
    if authenticator is None:
        pending = pending_authenticator(user)
        context["qr_svg"] = qr_svg(pending)
        context["secret"] = b32encode(pending.bin_key).decode()
    return TemplateResponse(request, "admin/two_factor.html", context)
