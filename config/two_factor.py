"""Self-service two-factor set-up for a signed-in staff member: an
authenticator app (TOTP, shown as a QR code) and ten recovery codes
(django-otp's static device), shown once and each good for one sign-in."""

from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


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


def two_factor_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
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
            else:
                error = "That code did not match. Try the code your app shows now."
        elif action == "recovery_codes" and authenticator is not None:
            new_codes = recovery_codes_replace(user)
    authenticator = confirmed_authenticator(user)
    context.update(
        {
            "title": "Two-factor sign-in",
            "authenticator": authenticator,
            "new_codes": new_codes,
            "remaining_codes": remaining_recovery_codes(user),
            "error": error,
        }
    )
    if authenticator is None:
        pending = pending_authenticator(user)
        context["qr_svg"] = qr_svg(pending)
        context["secret"] = b32encode(pending.bin_key).decode()
    return TemplateResponse(request, "admin/two_factor.html", context)
