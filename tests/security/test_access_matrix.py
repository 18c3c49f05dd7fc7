"""Who may read and change what: every persona, every endpoint, every
status. The table is data: a new persona (another kind of key) is one more
row in PERSONAS with the role whose rights it should have, and a new
endpoint one more row in ENDPOINTS.

Hidden items answer 404 (or are absent from lists) and no answer to someone
without the right carries the story's text or the patient's name.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Channel, Status, Testimonial
from testimonials.sites import site_keys
from testimonials.stories.patient_links import patient_secret
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

# Roles: what a persona may do. PUBLIC is anyone on the internet (and, once
# they exist, partner sites' API keys); PATIENT holds one story's secret link.
PUBLIC, PATIENT, USER, MODERATOR, ADMIN = "public", "patient", "user", "moderator", "admin"
STAFF = {MODERATOR, ADMIN}
SECRET_TEXT = "Only the clinic may read this: my knee story, Quentin Marlowe-Osei."
SECRET_NAME = "Quentin Marlowe-Osei"


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    sign_in: Callable[[APIClient], None]
    # Signed in to the admin (a browser session), not only holding an API key.
    session: bool = False


def _anonymous(client: APIClient) -> None:
    return None


def _user(client):
    client.force_login(UserFactory(username="charlie"))


def _moderator_token(client: APIClient) -> None:
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")


def _moderator_session(client: APIClient) -> None:
    token = moderation_moderators.moderator_create(username="bob", password="bob-pass-123")
    client.force_login(token.user)


def _admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))


def _site_key(channel: str) -> Callable[[APIClient], None]:
    def sign_in(client: APIClient) -> None:
        issued = site_keys.site_create(name=f"{channel} site", channel=channel)
        client.credentials(HTTP_X_API_KEY=issued.key)

    return sign_in


PERSONAS = [
    Persona("anonymous", PUBLIC, _anonymous),
    Persona("patient", PATIENT, _anonymous),
    Persona("signed-in non-moderator", USER, _user, session=True),
    Persona("moderator (API token)", MODERATOR, _moderator_token),
    Persona("moderator (admin session)", MODERATOR, _moderator_session, session=True),
    Persona("admin (superuser)", ADMIN, _admin, session=True),
    # Websites' API keys (issue 5) read what anyone may, and nothing more.
    Persona("partner site key", PUBLIC, _site_key(Channel.PARTNERS)),
    Persona("clinic site key", PUBLIC, _site_key(Channel.CLINIC)),
]

DENIED = {401, 403}  # no credentials, or not enough rights


@dataclass(frozen=True)
class Case:
    """One request against one story, and what it may do."""

    persona: Persona
    item: Testimonial

    @property
    def role(self) -> str:
        return self.persona.role

    @property
    def secret(self) -> str:
        """The patient's own secret; everyone else guesses another story's."""
        if self.role == PATIENT:
            return patient_secret(self.item.public_id)
        return patient_secret(uuid.uuid4())


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[Case], str]
    expect: Callable[[Case], int | set[int]]
    body: dict[str, Any] | None = None
    # Whether the story may show in the answer (a 2xx only).
    may_show: Callable[[Case], bool] = lambda case: case.role in STAFF
    # The status the story may have afterwards, given the answer.
    changes: bool = False


def _staff(ok: int | Callable[[Case], int]) -> Callable[[Case], int | set[int]]:
    def expect(case: Case) -> int | set[int]:
        if case.role in STAFF:
            return ok(case) if callable(ok) else ok
        return DENIED

    return expect


def _if(status: str | set[str], ok: int = 200) -> Callable[[Case], int]:
    wanted = {status} if isinstance(status, str) else status
    return lambda case: ok if case.item.status in wanted else 409


def _in_admin(case: Case) -> bool:
    return case.role in STAFF and case.persona.session


def _admin_page(case: Case) -> int:
    return 200 if _in_admin(case) else 302  # to the sign-in page


MOD = "/api/v1/moderation/testimonials"
ENDPOINTS = [
    Endpoint("topics", "GET", lambda c: "/api/v1/topics/", lambda c: 200, may_show=lambda c: False),
    Endpoint(
        "topic", "GET", lambda c: f"/api/v1/topics/{c.item.topic.slug}/", lambda c: 200,
        may_show=lambda c: False,
    ),
    Endpoint(
        "published list", "GET", lambda c: "/api/v1/published/", lambda c: 200,
        may_show=lambda c: c.item.status == Status.PUBLISHED,
    ),
    Endpoint(
        "education page", "GET", lambda c: f"/education/{c.item.topic.slug}/", lambda c: 200,
        may_show=lambda c: c.item.status == Status.PUBLISHED,
    ),
    Endpoint(
        "atom feed", "GET", lambda c: f"/education/{c.item.topic.slug}/feed/", lambda c: 200,
        may_show=lambda c: c.item.status == Status.PUBLISHED,
    ),
    Endpoint(
        "topic stats", "GET", lambda c: f"/api/v1/topics/{c.item.topic.slug}/stats",
        lambda c: 200, may_show=lambda c: False,
    ),
    Endpoint(
        "share page", "GET", lambda c: f"/share/{c.item.topic.slug}/", lambda c: 200,
        may_show=lambda c: False,
    ),
    Endpoint(
        "widget script", "GET", lambda c: "/widget.js", lambda c: 200, may_show=lambda c: False
    ),
    Endpoint(
        "patient page", "GET", lambda c: f"/stories/{c.item.public_id}/{c.secret}/",
        lambda c: 200 if c.role == PATIENT else 404,
        may_show=lambda c: c.role == PATIENT,
    ),
    Endpoint(
        "patient status", "GET",
        lambda c: f"/api/v1/testimonials/{c.item.public_id}/{c.secret}/",
        lambda c: 200 if c.role == PATIENT else 404,
        may_show=lambda c: c.role == PATIENT,
    ),
    Endpoint(
        "patient withdraw", "POST",
        lambda c: f"/api/v1/testimonials/{c.item.public_id}/{c.secret}/withdraw",
        lambda c: 200 if c.role == PATIENT else 404,
        may_show=lambda c: c.role == PATIENT, changes=True,
    ),
    Endpoint(
        "moderation queue", "GET", lambda c: "/api/v1/moderation/queue/", _staff(200),
        may_show=lambda c: c.role in STAFF and c.item.status == Status.PENDING_REVIEW,
    ),
    Endpoint("moderation detail", "GET", lambda c: f"{MOD}/{c.item.public_id}/", _staff(200)),
    Endpoint(
        "approve", "POST", lambda c: f"{MOD}/{c.item.public_id}/approve",
        _staff(_if(Status.PENDING_REVIEW)), body={}, changes=True,
    ),
    Endpoint(
        "reject", "POST", lambda c: f"{MOD}/{c.item.public_id}/reject",
        _staff(_if(Status.PENDING_REVIEW)), body={"reason": "off_topic"}, changes=True,
    ),
    Endpoint(
        "unpublish", "POST", lambda c: f"{MOD}/{c.item.public_id}/unpublish",
        _staff(_if(Status.PUBLISHED)), body={"reason": "other", "note": "x"}, changes=True,
    ),
    Endpoint(
        "reopen", "POST", lambda c: f"{MOD}/{c.item.public_id}/reopen",
        _staff(_if({Status.REJECTED, Status.UNPUBLISHED})), body={}, changes=True,
    ),
    Endpoint("claim", "POST", lambda c: f"{MOD}/{c.item.public_id}/claim", _staff(200)),
    Endpoint(
        "note", "POST", lambda c: f"{MOD}/{c.item.public_id}/notes", _staff(201),
        body={"text": "Checked the consent."},
    ),
    Endpoint(
        "admin review page", "GET",
        lambda c: f"/admin/testimonials/testimonial/{c.item.pk}/review/", _admin_page,
        may_show=_in_admin,
    ),
    Endpoint(
        "admin queue", "GET", lambda c: "/admin/testimonials/testimonial/?status=all",
        _admin_page, may_show=_in_admin,
    ),
    # Issue 10: the export of all stories holds personal data.
    Endpoint(
        "admin export", "GET",
        lambda c: "/admin/testimonials/testimonial/export/?status=all&format=json",
        lambda c: 200 if c.role == ADMIN else 403 if _in_admin(c) else 302,
        may_show=lambda c: c.role == ADMIN,
    ),
    Endpoint(
        "admin approve", "POST",
        lambda c: f"/admin/testimonials/testimonial/{c.item.pk}/review/",
        lambda c: 302, body={"action": "approve"}, may_show=lambda c: False, changes=True,
    ),
]  # fmt: skip


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_the_access_matrix(persona, endpoint):
    ConsentTextFactory()
    TopicFactory()
    client = APIClient()
    persona.sign_in(client)
    for status in Status:
        item = TestimonialFactory(status=status, body=SECRET_TEXT, author_name=SECRET_NAME)
        case = Case(persona, item)
        url = endpoint.url(case)
        if endpoint.method == "GET":
            response = client.get(url)
        elif endpoint.name.startswith("admin"):
            response = client.post(url, endpoint.body or {})
        else:
            response = client.post(url, endpoint.body, format="json")
        expected = endpoint.expect(case)
        allowed = expected if isinstance(expected, set) else {expected}
        where = f"{persona.name} {endpoint.method} {endpoint.name} on a {status} story"
        assert response.status_code in allowed, f"{where}: {response.status_code}"

        text = response.content.decode(errors="replace")
        shown = SECRET_TEXT in text or SECRET_NAME in text or str(item.public_id) in text
        if shown:
            assert response.status_code < 300, f"{where}: an error page shows the story"
            assert endpoint.may_show(case), f"{where}: shows a story it must not"
        elif response.status_code < 300 and endpoint.may_show(case):
            pytest.fail(f"{where}: does not show a story it should")

        before, after = status, Testimonial.objects.get(pk=item.pk).status
        if not endpoint.changes or (response.status_code >= 300 and response.status_code != 302):
            assert after == before, f"{where}: refused, yet the story changed"
        if endpoint.name == "admin approve":
            moved = _in_admin(case) and before == Status.PENDING_REVIEW
            assert (after == Status.PUBLISHED) == (moved or before == Status.PUBLISHED), where
        item.delete()


def test_a_wrong_secret_and_an_unknown_story_answer_alike(client, db):
    item = TestimonialFactory(status=Status.PUBLISHED)
    wrong = client.get(f"/api/v1/testimonials/{item.public_id}/{patient_secret(uuid.uuid4())}/")
    unknown_id = uuid.uuid4()
    unknown = client.get(f"/api/v1/testimonials/{unknown_id}/{patient_secret(unknown_id)}/")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p.role in STAFF], ids=lambda p: p.name)
def test_an_unknown_story_is_404_for_moderators(persona):
    client = APIClient()
    persona.sign_in(client)
    assert client.get(f"{MOD}/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"{MOD}/{uuid.uuid4()}/approve", {}, format="json").status_code == 404
