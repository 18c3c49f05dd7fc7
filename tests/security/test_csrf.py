"""CSRF: a moderator signed in to the admin who opens a hostile page cannot
approve, reject, edit, claim, note... anything through the API or the
admin, because every unsafe request on a session needs the CSRF token that
only our own pages can read.

The operations come from the URL resolver (and are checked against the
OpenAPI schema), so a new route is covered the day it is added: without the
token it must answer 403 and change nothing in the database. With the token
each operation (a RECIPES row) must work and any other method answer 405;
a new API operation without a row fails
`test_a_session_needs_the_token_and_with_it_each_operation_works`.

Where no session is involved nothing ambient can be abused: the patient's
API takes the secret link in its address and a moderator's tool an API
token in a header, so they need no CSRF token. The patient's pages are
forms and, like every Django form, need the token signed in or not.
"""

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from twilio.request_validator import RequestValidator

from moderation.accounts import api_tokens
from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import services as moderation_decisions
from testimonials.models import (
    Ask,
    AskText,
    Status,
    StoryMedia,
    Testimonial,
    Visit,
    VisitStatus,
    sole_location,
)
from testimonials.stories.patient_links import patient_secret
from testimonials.visits import integration_keys, opt_outs
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory, UserFactory
from tests.support.routes import UNSAFE, Route, all_routes

pytestmark = pytest.mark.django_db

# Sessions change on every request (their idle timeout); nothing else may.
NOT_STATE = {"sessions.Session"}
STORY = "After four sessions my back stopped aching, though mornings are still stiff."
MEANING = "After four sessions my back stopped aching completely."
ROUTES = all_routes()
SMS_INBOUND_TOKEN = "the-sms-providers-token"
TWILIO_AUTH_TOKEN = "twilio-auth-token"
API_ROUTES = [route for route in ROUTES if route.is_api]


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in UNSAFE
    }


# --- The world each operation runs in --------------------------------------------------


@dataclass
class World:
    moderator: Any
    topic: Any
    consent: Any


# factory_boy's stubs type a factory call as the factory: these return its story.
def _story(**fields: Any) -> Testimonial:
    return cast(Testimonial, TestimonialFactory(**fields))


def _pending(world: World) -> Testimonial:
    return _story(status=Status.PENDING_REVIEW, body=STORY)


def _published(world: World) -> Testimonial:
    return _story(status=Status.PUBLISHED, body=STORY)


def _published_with_photo(world: World) -> Testimonial:
    story = _story(status=Status.PUBLISHED, body=STORY)
    StoryMedia.objects.create(
        testimonial=story, kind="photo", storage_name="", content_type="image/jpeg",
        sha256="0" * 64, status="approved",
    )  # fmt: skip
    return story


def _rejected(world: World) -> Testimonial:
    return _story(status=Status.REJECTED, body=STORY, rejection_reason="off_topic")


def _imported(world: World) -> Testimonial:
    """Imported without consent: waits for its patient's first authorization."""
    return _story(
        status=Status.PENDING_REVIEW,
        source="csv",
        consent_to_publish=False,
        consented_at=None,
        email="ida@example.com",
        authorization=False,
    )


def _awaiting_approval(world: World) -> Testimonial:
    """Approved with an edit that changes its meaning: waits for its patient."""
    story = _pending(world)
    return moderation_decisions.testimonial_approve(
        public_id=story.public_id, moderator=world.moderator, body=MEANING
    )


def _submission(world: World) -> dict[str, Any]:
    return {
        "topic": world.topic.slug,
        "author_name": "Maria Lopez",
        "body": STORY,
        "consent_to_publish": True,
        "consent_text_version": world.consent.version,
    }


def _share_form(world: World) -> dict[str, Any]:
    return {
        "author_name": "Maria Lopez",
        "display_preference": "first_name_initial",
        "body": STORY,
        "consent_to_publish": "on",
        "consent_text_version": world.consent.version,
        "channels": ["clinic", "partners", "widget"],
        "expires_in": "24",
        "age": "adult",
        "signature": "Maria Lopez",
        "submission_key": "a1b2c3",
        "website": "",
    }


def _visit(world: World) -> dict[str, Any]:
    location = sole_location(world.topic.organisation_id)
    assert location is not None
    return {
        "external_id": f"appt-{uuid.uuid4().hex}",
        "completed_at": timezone.now().isoformat(),
        "location": location.slug,
        "email": "maria.lopez@example.com",
    }


def _encounter(world: World) -> dict[str, Any]:
    visit = _visit(world)
    return {
        "resourceType": "Encounter",
        "status": "finished",
        "identifier": [{"value": visit["external_id"]}],
        "period": {"end": visit["completed_at"]},
        "location": [{"location": {"identifier": {"value": visit["location"]}}}],
        "subject": {"reference": "#patient"},
        "contained": [
            {
                "resourceType": "Patient",
                "id": "patient",
                "telecom": [{"system": "email", "value": visit["email"]}],
            }
        ],
    }


def _integration_key(world: World) -> dict[str, str]:
    """A practice system's key: a header, never ambient."""
    sole_location(world.topic.organisation_id)
    key = integration_keys.integration_key_create().key
    return {"Authorization": f"Integration-Key {key}"}


def _sms_provider(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {SMS_INBOUND_TOKEN}"}


RECEIPT = {"MessageSid": "SM-csrf-test", "MessageStatus": "delivered"}


def _sent_text(world: World) -> dict[str, Any]:
    """A text Twilio took, and its delivery receipt."""
    location = sole_location(world.topic.organisation_id)
    assert location is not None
    if not AskText.objects.filter(provider_message_id=RECEIPT["MessageSid"]).exists():
        visit = Visit.objects.create(
            organisation_id=location.organisation_id,
            location=location,
            external_id="csrf-text",
            completed_at=timezone.now(),
            status=VisitStatus.SCHEDULED,
        )
        ask = Ask.objects.create(
            visit=visit, organisation_id=location.organisation_id, due_at=timezone.now()
        )
        AskText.objects.create(
            ask=ask, sent_at=timezone.now(), provider_message_id=RECEIPT["MessageSid"]
        )
    return RECEIPT


def _twilio_signature(world: World) -> dict[str, str]:
    url = settings.PUBLIC_BASE_URL.rstrip("/") + "/api/v1/sms/status/"
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, RECEIPT)
    return {"X-Twilio-Signature": signature}


Body = dict[str, Any] | Callable[[World], dict[str, Any]] | None


@dataclass(frozen=True)
class Recipe:
    """What a request needs to succeed: a story in the right state, a body,
    and for a caller that sends its credential in a header (a practice
    system, the SMS provider) that header, never sent by a hostile page."""

    story: Callable[[World], Testimonial] = _pending
    body: Body = None
    works: int = 200
    headers: Callable[[World], dict[str, str]] | None = None
    # Sent form-encoded, as its caller does (Twilio), not as JSON.
    form: bool = False

    def body_in(self, world: World) -> dict[str, Any] | None:
        return self.body(world) if callable(self.body) else self.body

    def headers_in(self, world: World) -> dict[str, str]:
        return self.headers(world) if self.headers is not None else {}


NARROW = {"channels": ["clinic"], "display_preference": "initials"}
AUTHORIZE_FORM = {"signature": "Ida Moss", **NARROW}
# Every operation that changes something, by route name and method. The API's
# rows are required (see the module docstring); a page's, where a patient or
# a moderator changes a story.
RECIPES: dict[tuple[str, str], Recipe] = {
    ("testimonial-submit", "POST"): Recipe(body=_submission, works=202),
    ("visit-create", "POST"): Recipe(body=_visit, works=202, headers=_integration_key),
    ("fhir-encounter-create", "POST"): Recipe(body=_encounter, works=202, headers=_integration_key),
    ("sms-inbound", "POST"): Recipe(
        body={"From": "+34612345678", "Body": "STOP"}, headers=_sms_provider
    ),
    ("sms-status", "POST"): Recipe(
        body=_sent_text, works=204, headers=_twilio_signature, form=True
    ),
    ("testimonial-withdraw", "POST"): Recipe(_published, {}),
    ("testimonial-withdraw-media", "POST"): Recipe(_published_with_photo, {}),
    ("testimonial-authorize", "POST"): Recipe(_imported, {"signature": "Ida Moss"}),
    ("testimonial-approve-edit", "POST"): Recipe(_awaiting_approval, {"signature": "Maria"}),
    ("testimonial-narrow", "POST"): Recipe(_published, NARROW),
    ("testimonial-renew", "POST"): Recipe(_published, {"signature": "Maria Lopez"}),
    ("moderation-approve", "POST"): Recipe(_pending, {}),
    ("moderation-reject", "POST"): Recipe(_pending, {"reason": "off_topic"}),
    ("moderation-unpublish", "POST"): Recipe(_published, {"reason": "other", "note": "x"}),
    ("moderation-reopen", "POST"): Recipe(_rejected, {}),
    ("moderation-edit-published", "POST"): Recipe(_published, {"body": MEANING}),
    ("moderation-feature", "POST"): Recipe(_published, {"featured": True}),
    ("moderation-connection", "POST"): Recipe(_published, {"material_connection": "gift"}),
    ("moderation-claim", "POST"): Recipe(_pending, None),
    ("moderation-notes", "POST"): Recipe(_pending, {"text": "Checked the consent."}, works=201),
    # The pages: the patient's forms behind the secret link, and the review page.
    ("patient-story-withdraw", "POST"): Recipe(_published, {}, works=303),
    ("patient-story-withdraw-media", "POST"): Recipe(_published_with_photo, {}, works=303),
    ("patient-story-approve", "POST"): Recipe(_awaiting_approval, {"signature": "M"}, works=303),
    ("patient-story-narrow", "POST"): Recipe(_published, NARROW, works=303),
    ("patient-story-authorize", "POST"): Recipe(_imported, AUTHORIZE_FORM, works=303),
    ("patient-story-renew", "POST"): Recipe(
        _published, {"signature": "M. L.", "channels": ["clinic"], "expires_in": "12"}, works=303
    ),
    ("share", "POST"): Recipe(body=_share_form, works=303),
    ("testimonials_testimonial_review", "POST"): Recipe(_pending, {"action": "approve"}, works=302),
}
PAGE_ROUTES = [r for r in ROUTES if not r.is_api and any((r.name, m) in RECIPES for m in UNSAFE)]
# Pages that take no CSRF token by design, and why.
CSRF_EXEMPT = {
    "unsubscribe": "RFC 8058 one-click: a mail client's POST carries no token; the signed "
    "link is the credential, and opting its own address out is all it can do",
}
# The admin's own pages (its add, change and delete forms, sign-out...): Django's
# middleware refuses them all alike; each is tried, in one test.
OTHER_ROUTES = [
    r for r in ROUTES if not r.is_api and r not in PAGE_ROUTES and r.name not in CSRF_EXEMPT
]


# Values for each path parameter: the story's own, so that with the token the same
# request would succeed; anything for the admin's (its middleware answers first).
def url_for(route: Route, story: Testimonial, world: World) -> str:
    values = {
        "public_id": str(story.public_id),
        "secret": patient_secret(story.public_id),
        "slug": world.topic.slug,
        "object_id": str(story.pk),
        "media_id": str(uuid.uuid4()),
        "pk": "1",
        "id": str(world.moderator.pk),
        "token": "an-invitation-token",
        "content_type_id": "1",
        "app_label": "testimonials",
        "url": "no-such-page/",
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    return "/" + path.rstrip("$")


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that holds state, to compare before and after."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label not in NOT_STATE and not model._meta.proxy
    }


def send(
    client: Client,
    route: Route,
    method: str,
    url: str,
    body: Any,
    token: str | None = None,
    credential: dict[str, str] | None = None,
    form_encoded: bool = False,
) -> Any:
    """A request as a hostile page (no token) or our own page (the token) makes it."""
    if route.is_api:
        headers = {"X-CSRFToken": token} if token else {}
        headers.update(credential or {})
        data: str | bytes
        if form_encoded:
            data, content_type = urlencode(body or {}), "application/x-www-form-urlencoded"
        else:
            data, content_type = b"" if body is None else json.dumps(body), "application/json"
        return client.generic(method, url, data=data, content_type=content_type, headers=headers)
    form = dict(body or {})
    if token:
        form["csrfmiddlewaretoken"] = token
    if method == "POST":
        return client.post(url, form)
    # Outside a POST, Django reads the token from the header only.
    headers = {"X-CSRFToken": token} if token else {}
    return client.generic(method, url, content_type="text/plain", headers=headers)


def csrf_token(client: Client, world: World) -> str:
    """The token our own page hands the browser (the share page's form sets the cookie)."""
    client.get(f"/share/{world.topic.slug}/")
    return str(client.cookies["csrftoken"].value)


def refused_for_csrf(response: Any) -> bool:
    """A 403 that names the CSRF check (Django's page), not a missing right."""
    return response.status_code == 403 and "CSRF" in response.content.decode(errors="replace")


@pytest.fixture(autouse=True)
def _sms_replies_on(settings):
    settings.SMS_INBOUND_TOKEN = SMS_INBOUND_TOKEN
    settings.TWILIO_AUTH_TOKEN = TWILIO_AUTH_TOKEN


@pytest.fixture
def world() -> World:
    consent = ConsentTextFactory()
    topic = TopicFactory()
    token = moderation_moderators.moderator_create(username="bob", password="bob-pass-123")
    return World(moderator=token.user, topic=topic, consent=consent)


@pytest.fixture
def signed_in(world: World) -> Client:
    """bob's browser: signed in to the admin, CSRF checked as in production."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.moderator)
    return browser


# --- The list is complete ----------------------------------------------------------------


def test_the_list_of_unsafe_api_operations_comes_from_the_routes_and_covers_the_schema():
    covered = {(route.schema_path, m) for route in API_ROUTES for m in route.unsafe_methods}
    assert len(covered) >= 15
    names = {(route.name, m) for route in API_ROUTES for m in route.unsafe_methods}
    for decision in (
        "approve", "reject", "unpublish", "reopen", "edit-published", "feature", "connection",
        "claim", "notes",
    ):  # fmt: skip
        assert (f"moderation-{decision}", "POST") in names
    for patient in ("withdraw", "authorize", "approve-edit", "narrow", "renew"):
        assert (f"testimonial-{patient}", "POST") in names
    in_schema = schema_operations()
    assert in_schema, "the schema lists no unsafe operation"
    assert in_schema <= covered, f"in the schema, not among the routes: {in_schema - covered}"
    pages = {route.name for route in PAGE_ROUTES}
    assert {"patient-story-withdraw", "patient-story-narrow", "share"} <= pages
    assert any(route.route.endswith("/change/") for route in OTHER_ROUTES), "the admin's forms"


# --- A session without the token --------------------------------------------------------


@pytest.mark.parametrize("route", API_ROUTES + PAGE_ROUTES, ids=str)
def test_a_session_needs_the_token_and_with_it_each_operation_works(route, world, signed_in):
    """For each unsafe method: without the token, refused (403) and nothing
    changed; with it, the same request on a twin story passes the check (so
    the 403 was the CSRF check's): it works, or is a method the route does
    not answer (405). Where the route never reads a session (the patient's
    secret link, a submission, the public reads), the request without the
    token is answered exactly as from a browser signed in nowhere."""
    token = csrf_token(signed_in, world)
    for method in UNSAFE:
        recipe = RECIPES.get((route.name, method))
        assert recipe is not None or method not in route.unsafe_methods, (
            f"{method} {route.route} is new: add a RECIPES row for it (a story, a body)"
        )
        recipe = recipe or Recipe()
        body = recipe.body_in(world)
        url = url_for(route, recipe.story(world), world)
        before = database_state()
        hostile = send(signed_in, route, method, url, body)
        if hostile.status_code == 403:
            assert database_state() == before, f"{method} {url}: refused, yet data changed"
        else:
            twin = url_for(route, recipe.story(world), world)
            nowhere = send(Client(enforce_csrf_checks=True), route, method, twin, body)
            assert hostile.status_code == nowhere.status_code, (
                f"{method} {url} without the token: {hostile.status_code} with bob's session, "
                f"{nowhere.status_code} without: the session counted without the CSRF token"
            )

        if (route.name, method) not in RECIPES:
            # With the credential its caller holds, so the answer is the method's.
            credential = next(
                (r.headers_in(world) for (n, _), r in RECIPES.items() if n == route.name), {}
            )
            ours = send(signed_in, route, method, url, body, token, credential)
            assert ours.status_code == 405, f"{method} {url}: {ours.content[:300]!r}"
            continue
        url = url_for(route, recipe.story(world), world)
        before = database_state()
        ours = send(
            signed_in, route, method, url, body, token, recipe.headers_in(world), recipe.form
        )
        assert ours.status_code == recipe.works, f"{method} {url}: {ours.content[:300]!r}"
        assert database_state() != before, f"{method} {url}: {recipe.works}, changed nothing"


def test_every_other_route_refuses_a_session_without_the_token(world):
    """The admin's own pages, for a superuser: Django's middleware answers
    before any view, for every unsafe method alike (all four are tried on the
    routes above), so one POST each shows that no view opted out."""
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    story = _pending(world)
    before = database_state()
    for route in OTHER_ROUTES:
        url = url_for(route, story, world)
        response = send(admin, route, "POST", url, {"action": "delete_selected", "post": "yes"})
        assert refused_for_csrf(response), f"POST {url}: {response.status_code}"
    assert database_state() == before
    assert len(OTHER_ROUTES) > 100


# --- Without a session, nothing ambient to abuse ------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["testimonial-withdraw", "testimonial-narrow", "testimonial-renew", "moderation-approve"],
)
def test_the_patients_api_and_api_tokens_need_no_csrf_token(name, world):
    route = next(route for route in API_ROUTES if route.name == name)
    recipe = RECIPES[(name, "POST")]
    story = recipe.story(world)
    app = Client(enforce_csrf_checks=True)
    if name.startswith("moderation-"):
        key = api_tokens.token_issue(user=world.moderator, name="csrf test").key
        app.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    response = send(app, route, "POST", url_for(route, story, world), recipe.body_in(world))
    assert response.status_code == recipe.works, response.content[:300]


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_the_forms_need_the_token_without_a_session_too(route, world):
    recipe = RECIPES[(route.name, "POST")]
    story = recipe.story(world)
    url = url_for(route, story, world)
    body = recipe.body_in(world)
    visitor = Client(enforce_csrf_checks=True)
    before = database_state()
    refused = send(visitor, route, "POST", url, body)
    assert refused_for_csrf(refused), refused.status_code
    assert database_state() == before


def test_the_one_click_unsubscribe_needs_no_token_and_does_only_that(world):
    """A mail client's RFC 8058 POST carries no CSRF token: the signed link
    is the credential, and all it can do is opt its own address out."""
    assert set(CSRF_EXEMPT) <= {route.name for route in ROUTES}
    token = opt_outs.unsubscribe_token(world.topic.organisation_id, "maria@example.com")
    before = database_state()

    response = Client(enforce_csrf_checks=True).post(f"/unsubscribe/{token}/")

    assert response.status_code == 200
    after = database_state()
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"testimonials.PatientOptOut"}
