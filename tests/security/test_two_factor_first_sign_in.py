"""With ADMIN_REQUIRE_2FA on, a local account with no authenticator sets up
its first one at its first sign-in: the password alone leads only to the
set-up page (and sign-out), a confirmed code makes the session verified and
shows the recovery codes once, and the set-up is in the account's history.
Only within ADMIN_2FA_ENROLMENT_DAYS of the password being set; after that
an admin resets the password first."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.accounts import moderators as moderation_moderators

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]

PAGE = "/admin/two-factor/"
QUEUE = "/admin/testimonials/testimonial/"
API_QUEUE = "/api/v1/moderation/queue/"
PASSWORD = "bea-pass-1234"


@pytest.fixture
def two_factor_required():
    with override_settings(ADMIN_REQUIRE_2FA=True, ADMIN_2FA_ENROLMENT_DAYS=7):
        yield


@pytest.fixture
def bea(db):
    return moderation_moderators.moderator_create(username="bea", password=PASSWORD).user


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(browser: Client, password: str = PASSWORD, **extra: str):
    return browser.post(
        "/admin/login/",
        {"username": "bea", "password": password, "next": "/admin/", **extra},
    )


def test_the_first_sign_in_leads_only_to_setting_up_an_authenticator(bea):
    browser = Client()
    assert sign_in(browser).status_code == 302, "the password alone signs in"
    for page in ("/admin/", QUEUE, "/admin/password_change/", "/admin/login/"):
        answer = browser.get(page)
        assert (answer.status_code, answer["Location"]) == (302, PAGE), page
    api = browser.get(API_QUEUE)
    assert api.status_code in (401, 403)
    assert "/admin/two-factor/" in api.json()["detail"]

    setup = browser.get(PAGE).content.decode()
    assert "Set up an authenticator app" in setup
    assert "needs two-factor sign-in before you can use the admin" in setup
    assert 'href="/admin/testimonials/' not in setup, "nothing else of the admin is offered"

    device = TOTPDevice.objects.get(user=bea, confirmed=False)
    confirmed = browser.post(PAGE, {"action": "confirm", "otp_token": _code(device)})
    page = confirmed.content.decode()
    assert "Authenticator app set up" in page
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(set(codes)) == 10
    assert 'href="/admin/">Continue to the admin</a>' in page
    assert browser.get(QUEUE).status_code == 200, "the session is verified now"
    assert browser.get(API_QUEUE).status_code == 200
    assert not re.findall(r"<li><code>", browser.get(PAGE).content.decode()), "shown once"


def test_the_set_up_is_in_the_accounts_history(bea):
    browser = Client()
    sign_in(browser)
    browser.get(PAGE)
    device = TOTPDevice.objects.get(user=bea, confirmed=False)
    browser.post(PAGE, {"action": "confirm", "otp_token": _code(device)})

    root = User.objects.create_superuser("root", password="root-pass-1234")
    admin = Client()
    admin.force_login(root)
    with override_settings(ADMIN_REQUIRE_2FA=False):
        history = admin.get(f"/admin/auth/user/{bea.pk}/history/").content.decode()
    assert "Set up an authenticator app and recovery codes at first sign-in." in history


def test_a_wrong_code_leaves_the_session_on_the_set_up_page(bea):
    browser = Client()
    sign_in(browser)
    browser.get(PAGE)
    wrong = browser.post(PAGE, {"action": "confirm", "otp_token": "000000"}).content.decode()
    assert "did not match" in wrong
    assert browser.get(QUEUE)["Location"] == PAGE


def test_signing_out_works_before_the_set_up(bea):
    browser = Client()
    sign_in(browser)
    assert browser.post("/admin/logout/").status_code == 200
    assert browser.get(PAGE)["Location"].startswith("/admin/login/")


def test_after_the_window_the_password_alone_is_refused_until_an_admin_resets_it(bea):
    later = timezone.now() + timedelta(days=7, hours=1)
    with time_machine.travel(later, tick=False):
        browser = Client()
        refused = sign_in(browser)
        assert refused.status_code == 200
        assert "Ask a clinic admin to reset your password" in refused.content.decode()
        assert browser.get("/admin/")["Location"].startswith("/admin/login/")

        bea.set_password("bea-new-pass-5678")  # what the admin's reset does
        bea.save()
        again = Client()
        assert sign_in(again, password="bea-new-pass-5678").status_code == 302
        assert again.get("/admin/")["Location"] == PAGE


def test_a_hash_upgrade_of_the_same_password_does_not_reopen_the_window(bea):
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later, tick=False):
        bea.set_password(PASSWORD)
        bea.save()
        assert "Ask a clinic admin" in sign_in(Client()).content.decode()


def test_an_account_with_an_authenticator_always_needs_its_code(bea):
    device = TOTPDevice.objects.create(user=bea, name="phone", confirmed=True)
    browser = Client()
    assert sign_in(browser).status_code == 200
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")
    signed_in = Client()
    assert sign_in(signed_in, otp_token=_code(device)).status_code == 302
    assert signed_in.get(QUEUE).status_code == 200


def test_a_session_without_a_code_loses_the_set_up_page_once_a_device_is_confirmed(bea):
    browser = Client()
    sign_in(browser)
    assert browser.get(PAGE).status_code == 200
    TOTPDevice.objects.create(user=bea, name="phone", confirmed=True)  # e.g. in another tab
    assert browser.get(PAGE)["Location"].startswith("/admin/login/")
    assert browser.get(QUEUE)["Location"].startswith("/admin/login/")
