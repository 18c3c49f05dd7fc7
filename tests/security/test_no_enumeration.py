"""No enumeration: signing in, invitation links and patient links answer a
known and an unknown account or id the same way (status, body, headers),
after the same work, so that nobody learns which accounts or stories
exist by asking."""

import re
import uuid

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from moderation.accounts import moderators as moderation_moderators
from testimonials.invitations import services as invitations
from tests.factories import TestimonialFactory, UserFactory
from tests.support.honest import InvitationFactory

pytestmark = pytest.mark.django_db

# Values that differ between any two answers, whoever asks.
VOLATILE_HEADERS = {"X-Request-ID", "Expires", "Date"}
CSRF_TOKEN = re.compile(rb"(csrfmiddlewaretoken\" value=\")[A-Za-z0-9]+")
CSRF_COOKIE = re.compile(r"^csrftoken=[^;]+")
EXPIRES = re.compile(r"expires=[^;]+; ")


def shape(response) -> tuple[int, bytes, dict[str, str]]:
    """What an outsider sees, with the per-request CSRF token blanked."""
    body = CSRF_TOKEN.sub(rb"\1-", response.content)
    headers = dict(response.headers.items())
    for name in VOLATILE_HEADERS:
        headers.pop(name, None)
    cookies = sorted(
        (name, EXPIRES.sub("", CSRF_COOKIE.sub("csrftoken=-", morsel.OutputString())))
        for name, morsel in response.cookies.items()
    )
    headers["Set-Cookie"] = repr(cookies)
    return response.status_code, body, headers


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the hashes it computes."""

    computed = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).computed += 1
        return super().encode(password, salt)


COUNTING = ["tests.security.test_no_enumeration.CountingHasher"]


def sign_in(username: str, password: str = "wrong-password") -> tuple:  # noqa: S107
    CountingHasher.computed = 0
    response = Client().post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="192.0.2.44",
    )
    status, body, headers = shape(response)
    # The form shows back what was typed: that tells nobody anything.
    body = body.replace(f'value="{username}"'.encode(), b'value="-"')
    headers["Content-Length"] = str(len(body))
    return (status, body, headers), CountingHasher.computed


@pytest.mark.parametrize("two_factor", [False, True], ids=["password", "password+totp"])
def test_signing_in_answers_a_known_and_an_unknown_username_alike(settings, two_factor):
    settings.PASSWORD_HASHERS = COUNTING
    settings.ADMIN_REQUIRE_2FA = two_factor
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    UserFactory(username="gone", password="gone-pass-123", is_active=False, is_staff=True)
    UserFactory(username="patient", password="patient-pass-123", is_staff=False)

    known, known_hashes = sign_in("alice")
    unknown, unknown_hashes = sign_in("nobody-by-that-name")
    assert known[0] == 200, "the form again"
    assert known == unknown
    assert known_hashes == unknown_hashes == 1, "one password hash each, known or not"
    assert sign_in("gone", "gone-pass-123")[0] == unknown, "a deactivated account"
    assert sign_in("patient", "patient-pass-123")[0] == unknown, "an account that is not staff"


@override_settings(AXES_ENABLED=True)
def test_a_locked_known_username_and_a_locked_unknown_one_look_the_same(settings):
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    for username in ("alice", "nobody-by-that-name"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(username)
    assert sign_in("alice")[0] == sign_in("nobody-by-that-name")[0]
    assert sign_in("alice")[0][0] == 429


def _route_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _route_names(pattern, f"{prefix}{pattern.namespace or ''}:")
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_there_is_no_password_reset_to_enumerate_accounts_through(client):
    """Moderators' passwords are reset by an admin (`manage.py
    changepassword`); a reset form would need the same no-enumeration test."""
    names = _route_names(get_resolver())
    assert not [name for name in names if "password_reset" in name], names
    assert b"password_reset" not in client.get("/admin/login/").content


# --- Invitation links ---------------------------------------------------------------


def altered(token: str) -> str:
    payload, rest = token.split(":", 1)
    last = "A" if payload[-1] != "A" else "B"
    return f"{payload[:-1]}{last}:{rest}"


def test_an_invitation_link_answers_the_same_for_a_known_and_an_unknown_invitation(client, topic):
    known = invitations.invitation_token(InvitationFactory(topic=topic))
    deleted = InvitationFactory(topic=topic)
    unknown = invitations.invitation_token(deleted)  # a valid signature, no such invitation
    deleted.delete()

    answers = [
        shape(client.get(f"/invite/{token}/"))
        for token in (altered(known), unknown, "no-such-invitation", altered(unknown))
    ]
    assert answers[0][0] == 404
    assert all(answer == answers[0] for answer in answers), "one answer for all four"


# --- Patient links --------------------------------------------------------------------


PATIENT_API = ["", "withdraw", "authorize", "approve-edit", "narrow", "renew"]
PATIENT_PAGES = ["", "withdraw", "authorize", "approve", "narrow", "renew"]


def _answers(client, path_for, method):
    story = TestimonialFactory()
    wrong_secret = "0" * 64
    paths = [path_for(story.public_id, wrong_secret), path_for(uuid.uuid4(), wrong_secret)]
    answers, queries = [], []
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            answers.append(shape(getattr(client, method)(path)))
        queries.append(len(captured))
    assert queries[0] == queries[1], "the same work for a known and an unknown id"
    return answers


@pytest.mark.parametrize("action", PATIENT_API)
def test_a_patient_api_link_answers_a_known_and_an_unknown_id_alike(api_client, action):
    def path_for(public_id, secret):
        return f"/api/v1/testimonials/{public_id}/{secret}/{action}"

    known, unknown = _answers(api_client, path_for, "get" if not action else "post")
    assert known[0] == 404
    assert known == unknown


@pytest.mark.parametrize("action", PATIENT_PAGES)
def test_a_patient_page_link_answers_a_known_and_an_unknown_id_alike(client, action):
    def path_for(public_id, secret):
        return f"/stories/{public_id}/{secret}/{action}"

    known, unknown = _answers(client, path_for, "get" if not action else "post")
    assert known[0] == 404
    assert known == unknown
