"""Local accounts set up their own second factor: an authenticator app from
a QR code, confirmed with a code, then ten recovery codes shown once; a
recovery code signs in once in place of the TOTP code."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.accounts import moderators as moderation_moderators

pytestmark = pytest.mark.django_db

PAGE = "/admin/two-factor/"
PASSWORD = "alice-pass-123"


@pytest.fixture
def alice(db):
    return moderation_moderators.moderator_create(username="alice", password=PASSWORD).user


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)


def sign_in(token: str) -> Client:
    browser = Client()
    browser.post(
        "/admin/login/",
        {"username": "alice", "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )
    return browser


def enrol(alice) -> list[str]:
    browser = Client()
    browser.force_login(alice)
    assert f'href="{PAGE}">Two-factor sign-in</a>' in browser.get("/admin/").content.decode()
    setup = browser.get(PAGE).content.decode()
    assert "Set up an authenticator app" in setup
    assert "<svg" in setup, "the QR code"
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    confirmed = browser.post(PAGE, {"action": "confirm", "otp_token": _code(device)})
    page = confirmed.content.decode()
    assert "Authenticator app set up" in page
    codes = _codes_on(page)
    assert len(set(codes)) == 10
    assert "shown only now" in page
    assert _codes_on(browser.get(PAGE).content.decode()) == [], "shown once"
    return codes


def test_a_staff_member_sets_up_an_authenticator_and_gets_ten_recovery_codes(alice):
    enrol(alice)
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=alice).count() == 10


def test_a_wrong_code_does_not_confirm_the_authenticator(alice):
    browser = Client()
    browser.force_login(alice)
    browser.get(PAGE)
    wrong = browser.post(PAGE, {"action": "confirm", "otp_token": "000000"}).content.decode()
    assert "did not match" in wrong
    assert "Set up an authenticator app" in wrong
    assert _codes_on(wrong) == []
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_a_recovery_code_signs_in_once(alice):
    codes = enrol(alice)
    with override_settings(ADMIN_REQUIRE_2FA=True):
        recovery_sign_ins(alice, codes)


def recovery_sign_ins(alice, codes: list[str]) -> None:

    browser = sign_in(codes[0])
    assert browser.get("/admin/").status_code == 200
    assert 'id="remaining-codes">9<' in browser.get(PAGE).content.decode()

    again = sign_in(codes[0])
    assert again.get("/admin/").status_code == 302, "a used code does not sign in again"

    # The next time step: the code that confirmed the app cannot be replayed.
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        with_app = sign_in(_code(TOTPDevice.objects.get(user=alice)))
        assert with_app.get("/admin/").status_code == 200, "the app's code works beside them"


def test_new_recovery_codes_replace_the_old_ones(alice):
    old = enrol(alice)
    with override_settings(ADMIN_REQUIRE_2FA=True):
        replaced(old)


def replaced(old: list[str]) -> None:
    browser = sign_in(old[0])
    new = _codes_on(browser.post(PAGE, {"action": "recovery_codes"}).content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert sign_in(new[0]).get("/admin/").status_code == 200
    assert sign_in(old[1]).get("/admin/").status_code == 302, "the old ones stop working"


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_the_page_is_behind_the_second_factor_once_there_is_an_authenticator(alice):
    # Without one, the first sign-in sets it up (test_two_factor_first_sign_in).
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    browser = Client()
    browser.force_login(alice)
    assert browser.get(PAGE).status_code == 302
