"""Moderators' accounts: lockout after repeated failures (django-axes), a
TOTP second factor for the admin (django-otp), sessions that end when idle,
passwords hashed with Argon2."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from config.settings import base
from moderation.accounts import api_tokens
from moderation.accounts import moderators as moderation_moderators

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def alice(db):
    return moderation_moderators.moderator_create(username="alice", password="alice-pass-123").user


def sign_in(client, password="alice-pass-123", address="192.0.2.10", **extra):  # noqa: S107
    return client.post(
        LOGIN,
        {"username": "alice", "password": password, "next": "/admin/", **extra},
        REMOTE_ADDR=address,
    )


def signed_in(client):
    return client.get("/admin/").status_code == 200


@override_settings(AXES_ENABLED=True)
def test_repeated_failures_lock_out_that_username_from_that_address(alice):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(browser, password="wrong").status_code == 200  # the form again
    assert sign_in(browser, password="wrong").status_code == 429, "the last failure allowed"
    locked = sign_in(browser)
    assert locked.status_code == 429, "even the right password, once locked out"
    assert not signed_in(browser)

    elsewhere = Client()
    assert sign_in(elsewhere, address="198.51.100.20").status_code == 302
    assert signed_in(elsewhere), "a stranger cannot lock a moderator out everywhere"

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        later = Client()
        assert sign_in(later).status_code == 302, "the lockout ends after the cool-off"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_with_two_factor_on_the_admin_needs_a_totp_code(alice):
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    without_code = Client()
    assert sign_in(without_code).status_code == 200
    assert not signed_in(without_code)

    chosen = {"otp_device": device.persistent_id}
    with_code = Client()
    response = sign_in(with_code, otp_token=_code(device))
    assert response.status_code == 302, "one device: no need to choose it"
    assert signed_in(with_code)

    wrong_code = Client()
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert sign_in(wrong_code, otp_token=wrong, **chosen).status_code == 200
    assert not signed_in(wrong_code)


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_with_two_factor_on_a_password_only_session_reaches_neither_admin_nor_api(alice):
    browser = APIClient()
    browser.force_login(alice)  # a session without a verified device
    assert browser.get("/admin/").status_code == 302
    assert browser.get("/api/v1/moderation/queue/").status_code in (401, 403)

    machine = APIClient()
    key = api_tokens.token_issue(user=alice, name="tests").key
    machine.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert machine.get("/api/v1/moderation/queue/").status_code == 200, "tokens are unaffected"


def test_totp_device_registers_an_authenticator(alice, capsys):
    call_command("totp_device", "alice")
    address = capsys.readouterr().out.strip().splitlines()[-1]
    assert address.startswith("otpauth://totp/")
    assert TOTPDevice.objects.get(user=alice).confirmed


def test_production_requires_two_factor_and_tests_do_not():
    import subprocess
    import sys

    probe = "from django.conf import settings; print(settings.ADMIN_REQUIRE_2FA)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True"
    assert settings.ADMIN_REQUIRE_2FA is False


def test_a_session_ends_after_idling(alice):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    browser = Client()
    with time_machine.travel(start, tick=False):
        assert sign_in(browser).status_code == 302
    with time_machine.travel(start + idle - timedelta(minutes=1), tick=False):
        assert signed_in(browser), "activity within the idle time keeps it"
    with time_machine.travel(start + 2 * idle - timedelta(minutes=2), tick=False):
        assert signed_in(browser), "each request starts the idle time again"
    with time_machine.travel(start + 3 * idle, tick=False):
        assert not signed_in(browser), "idle longer than SESSION_IDLE_MINUTES: signed out"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded(alice):
    bob = moderation_moderators.moderator_create(username="bob", password="bob-pass-123").user
    assert bob.password.startswith("argon2$")

    alice.password = make_password("alice-pass-123", hasher="pbkdf2_sha256")
    alice.save()
    assert sign_in(Client()).status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$"), "upgraded on the next sign-in"
