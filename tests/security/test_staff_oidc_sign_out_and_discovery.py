"""Staff signed in through the clinic's identity provider sign out there too
(its end_session endpoint, with id_token_hint and post_logout_redirect_uri),
and the provider's endpoints can come from its discovery document: read
once and cached, explicit settings winning, its issuer checked, and a page
that says so when the provider cannot be reached. All against the local
OpenID Connect provider the tests start."""

import logging
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client, override_settings

from tests.support.oidc_provider import Provider, oidc_provider

pytestmark = pytest.mark.django_db

QUEUE = "/admin/testimonials/testimonial/"
MODERATOR = {"sub": "u-1", "email": "mo@clinic.example", "groups": ["story-moderators"]}
GROUPS = {"OIDC_MODERATOR_GROUPS": ["story-moderators"], "OIDC_ADMIN_GROUPS": ["clinic-it"]}


@pytest.fixture
def provider() -> Iterator[Provider]:
    with oidc_provider() as running:
        yield running


def sign_in_through(provider: Provider, browser: Client | None = None):
    browser = browser or Client()
    provider.person = MODERATOR
    start = browser.get("/oidc/authenticate/?next=/admin/")
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    return browser, browser.get(f"{back.path}?{back.query}")


def follow_to_provider_and_back(provider: Provider, browser: Client, signed_out) -> str:
    """The browser goes to the provider's end_session and is sent back here."""
    assert signed_out.status_code == 302
    end_session = urlsplit(signed_out["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == provider.issuer
    assert end_session.path == "/end_session"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/admin/login/"]
    assert query["id_token_hint"]
    at_provider = requests.get(signed_out["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    assert provider.ended_sessions == [{"sub": "u-1", "back": "http://testserver/admin/login/"}], (
        "the provider checked the hint: this person's session there ended"
    )
    back = urlsplit(at_provider.headers["Location"])
    return browser.get(back.path).content.decode()


@pytest.mark.parametrize("where", ["/oidc/logout/", "/admin/logout/"])
def test_signing_out_ends_the_session_here_and_at_the_provider(provider, where):
    with override_settings(
        **provider.settings(), **GROUPS, OIDC_OP_LOGOUT_URL=f"{provider.issuer}/end_session"
    ):
        browser, _ = sign_in_through(provider)
        assert browser.get(QUEUE).status_code == 200
        signed_out = browser.post(where)
        assert browser.get(QUEUE).status_code == 302, "signed out here"
        login_page = follow_to_provider_and_back(provider, browser, signed_out)
        assert 'name="password"' in login_page


def test_without_an_end_session_endpoint_sign_out_stays_here(provider):
    with override_settings(**provider.settings(), **GROUPS, OIDC_OP_LOGOUT_URL=""):
        browser, _ = sign_in_through(provider)
        signed_out = browser.post("/admin/logout/")
        assert signed_out.status_code == 200
        assert "Logged out" in signed_out.content.decode()
        oidc = sign_in_through(provider)[0].post("/oidc/logout/")
        assert oidc["Location"] == "/admin/login/"
        assert provider.ended_sessions == []


def test_a_password_sign_in_signs_out_here_only(provider, django_user_model):
    django_user_model.objects.create_user("pat", password="pat-pass-1234", is_staff=True)
    with override_settings(
        **provider.settings(), **GROUPS, OIDC_OP_LOGOUT_URL=f"{provider.issuer}/end_session"
    ):
        browser = Client()
        browser.post("/admin/login/", {"username": "pat", "password": "pat-pass-1234"})
        assert browser.post("/admin/logout/").status_code == 200
        assert provider.ended_sessions == []


def test_the_endpoints_come_from_discovery_read_once(provider):
    with override_settings(**provider.discovery_settings(), **GROUPS):
        browser, answer = sign_in_through(provider)
        assert answer["Location"] == "/admin/"
        assert browser.get(QUEUE).status_code == 200
        sign_in_through(provider)
        assert provider.discovery_reads == 1, "cached, not read on every sign-in"

        login_page = follow_to_provider_and_back(provider, browser, browser.post("/admin/logout/"))
        assert "Sign in with" in login_page, "end_session came from discovery too"


def test_explicit_settings_win_over_discovery(provider):
    explicit = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.clinic.example/authorize"}
    with override_settings(**{**provider.discovery_settings(), **explicit}, **GROUPS):
        start = Client().get("/oidc/authenticate/")
        assert start["Location"].startswith("https://login.clinic.example/authorize?")


def test_a_document_naming_another_issuer_is_refused(provider, caplog):
    provider.tamper = "issuer"
    with override_settings(**provider.discovery_settings(), **GROUPS):
        with caplog.at_level(logging.ERROR):
            start = Client().get("/oidc/authenticate/")
        assert start.status_code == 503
        assert "cannot be reached just now" in start.content.decode()
        assert "names the issuer 'https://elsewhere.example'" in caplog.text


def test_an_unreachable_provider_gets_a_page_and_a_log_line_not_an_error(caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    discovery = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    with override_settings(
        OIDC_RP_CLIENT_ID="testimonials",
        OIDC_OP_AUTHORIZATION_ENDPOINT="",
        OIDC_OP_DISCOVERY_URL=discovery,
        OIDC_PROVIDER_NAME="Clinic SSO",
        OIDC_TIMEOUT=2,
    ):
        with caplog.at_level(logging.ERROR):
            start = Client().get("/oidc/authenticate/")
        assert start.status_code == 503
        page = start.content.decode()
        assert "Clinic SSO cannot be reached just now" in page
        assert 'href="/admin/login/"' in page
        assert f"{discovery} could not be read (ConnectionError)" in caplog.text
        assert Client().get("/admin/login/").status_code == 200, "the login page still works"


def test_a_provider_lost_between_the_link_and_its_answer_gets_the_page_too(provider):
    with override_settings(**provider.discovery_settings(), **GROUPS):
        browser = Client()
        provider.person = MODERATOR
        start = browser.get("/oidc/authenticate/?next=/admin/")
        at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
        cache.clear()  # the hour is up, and now the document is wrong
        provider.tamper = "issuer"
        back = urlsplit(at_provider.headers["Location"])
        answer = browser.get(f"{back.path}?{back.query}")
        assert answer.status_code == 503
        assert "cannot be reached just now" in answer.content.decode()
        assert browser.get(QUEUE).status_code == 302, "not signed in"
