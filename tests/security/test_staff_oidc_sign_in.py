"""Staff sign-in through the clinic's identity provider, driven end to end
against a real (local) OpenID Connect provider: the link on the login page,
the provider's groups claim deciding Moderators or Clinic admins, refusal
of anyone in neither group and of a forged answer, and the provider's own
second factor counting for ADMIN_REQUIRE_2FA."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client, override_settings

from moderation.accounts.permissions import CLINIC_ADMINS_GROUP, MODERATORS_GROUP
from tests.support.oidc_provider import Provider, oidc_provider

pytestmark = pytest.mark.django_db

QUEUE = "/admin/testimonials/testimonial/"
MODERATOR = {"sub": "u-1", "email": "Mo@Clinic.example", "groups": ["staff", "story-moderators"]}
ADMIN = {"sub": "u-2", "email": "ad@clinic.example", "groups": ["clinic-it"]}
OUTSIDER = {"sub": "u-3", "email": "out@clinic.example", "groups": ["reception"]}


@pytest.fixture
def provider() -> Iterator[Provider]:
    with (
        oidc_provider() as running,
        override_settings(
            **running.settings(),
            OIDC_PROVIDER_NAME="Clinic SSO",
            OIDC_MODERATOR_GROUPS=["story-moderators"],
            OIDC_ADMIN_GROUPS=["clinic-it"],
        ),
    ):
        yield running


def sign_in_through(provider: Provider, person: dict, browser: Client | None = None):
    """Click the link, let the provider sign this person in, follow it back."""
    browser = browser or Client()
    provider.person = person
    start = browser.get("/oidc/authenticate/?next=/admin/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return browser, browser.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_the_provider_only_when_it_is_configured(provider):
    page = Client().get("/admin/login/").content.decode()
    assert "Sign in with Clinic SSO" in page
    with override_settings(OIDC_RP_CLIENT_ID=""):
        assert "Sign in with" not in Client().get("/admin/login/").content.decode()
        assert Client().get("/oidc/authenticate/").status_code == 404


def test_a_person_in_the_moderator_group_gets_a_staff_account_and_the_queue(provider):
    browser, answer = sign_in_through(provider, MODERATOR)
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/"
    assert browser.get(QUEUE).status_code == 200
    user = User.objects.get(email="mo@clinic.example")
    assert user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {MODERATORS_GROUP}

    # The next sign-in finds the same account; losing the group loses the role.
    browser, _ = sign_in_through(provider, {**MODERATOR, "groups": ["clinic-it"]})
    assert User.objects.filter(email__iexact="mo@clinic.example").count() == 1
    assert set(user.groups.values_list("name", flat=True)) == {CLINIC_ADMINS_GROUP}


def test_a_person_in_the_admin_group_becomes_a_clinic_admin(provider):
    browser, answer = sign_in_through(provider, ADMIN)
    assert answer["Location"] == "/admin/"
    user = User.objects.get(email="ad@clinic.example")
    assert set(user.groups.values_list("name", flat=True)) == {CLINIC_ADMINS_GROUP}
    assert browser.get("/admin/testimonials/topic/add/").status_code == 200
    assert browser.get("/admin/auth/user/").status_code == 200


def test_a_person_in_neither_group_is_refused_and_gets_no_account(provider):
    browser, answer = sign_in_through(provider, OUTSIDER)
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/login/?oidc=refused"
    assert not User.objects.filter(email="out@clinic.example").exists()
    assert browser.get(QUEUE).status_code == 302, "back to the login page"
    refused = browser.get(answer["Location"]).content.decode()
    assert "Clinic SSO did not sign you in" in refused


@pytest.mark.parametrize("tamper", ["signature", "nonce", "audience", "expired"])
def test_a_forged_answer_is_refused(provider, tamper):
    provider.tamper = tamper
    browser, answer = sign_in_through(provider, MODERATOR)
    assert answer.status_code == 302
    assert answer["Location"] == "/admin/login/?oidc=refused"
    assert not User.objects.filter(email__iexact="mo@clinic.example").exists()
    assert browser.get(QUEUE).status_code == 302


def test_an_answer_replayed_into_another_browser_is_refused(provider):
    provider.person = MODERATOR
    first = Client()
    start = first.get("/oidc/authenticate/")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    other = Client()
    answer = other.get(f"{back.path}?{back.query}")
    assert answer["Location"] == "/admin/login/?oidc=refused"
    assert other.get(QUEUE).status_code == 302


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_the_providers_second_factor_counts_unless_the_setting_says_not(provider):
    browser, _ = sign_in_through(provider, MODERATOR)
    assert browser.get(QUEUE).status_code == 200
    assert browser.get("/api/v1/moderation/queue/").status_code != 403

    with override_settings(OIDC_TRUST_IDP_MFA=False):
        assert browser.get(QUEUE).status_code == 302, "a TOTP code is needed after all"


def test_a_superusers_account_is_not_reached_through_the_provider(provider):
    root = User.objects.create_superuser("root", email="mo@clinic.example", password="x" * 20)
    browser, _ = sign_in_through(provider, MODERATOR)
    signed_in_as = User.objects.get(pk=browser.session["_auth_user_id"])
    assert signed_in_as != root
    assert not signed_in_as.is_superuser
    assert browser.get("/admin/auth/user/").status_code == 403, "a moderator, not root"
