import pytest
from django.test import override_settings
from django.urls import reverse

from config import enqueue
from testimonials.models import ConsentText, StatusChange, Testimonial
from tests.factories import TopicFactory
from tests.support.tasks import on_send

SUBMIT_URL = "/api/v1/testimonials/"


def post(client, payload, **headers):
    return client.post(SUBMIT_URL, payload, format="json", **headers)


def test_it_accepts_a_story_and_answers_secret_links(
    api_client, submission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(api_client, submission)

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "submitted"
    assert body["topic"] == "dry-needling-low-back-pain"
    assert body["display_name"] == "Maria L."
    assert body["status_url"].startswith("http://testserver/api/v1/testimonials/")
    assert body["withdraw_url"] == body["status_url"] + "withdraw"
    assert response["Location"] == body["status_url"]
    testimonial = Testimonial.objects.get(public_id=body["id"])
    assert testimonial.email == submission["email"]
    assert testimonial.consent_text.version == "2026-01"
    assert testimonial.consented_at is not None
    screening = [
        c
        for c in callbacks
        if getattr(c, "func", None) is enqueue.send_now
        and c.args[0] == "moderation.tasks.screen_testimonial"
    ]
    assert len(screening) == 1, "screening is enqueued once, after commit"


def test_it_enqueues_screening_only_after_commit(
    api_client, submission, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    on_send(monkeypatch, "moderation.tasks.screen_testimonial", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client, submission)
    assert enqueued == [Testimonial.objects.get(public_id=response.json()["id"]).pk]


def test_it_answers_202_when_the_broker_is_down(
    api_client, submission, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(name, args):
        raise ConnectionError("broker unreachable")

    on_send(monkeypatch, "moderation.tasks.screen_testimonial", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client, submission)
    assert response.status_code == 202
    assert Testimonial.objects.get(public_id=response.json()["id"]).status == "submitted"


def test_it_keeps_optional_fields_optional(api_client, submission):
    for field in ("email", "rating", "display_preference"):
        submission.pop(field)
    response = post(api_client, submission)
    assert response.status_code == 202
    testimonial = Testimonial.objects.get()
    assert testimonial.rating is None
    assert testimonial.email == ""
    assert testimonial.display_preference == "first_name_initial"


BAD_INPUTS = [
    ("consent missing", lambda p: p.pop("consent_to_publish"), "consent_to_publish"),
    ("consent false", lambda p: p.update(consent_to_publish=False), "consent_to_publish"),
    ("consent as string", lambda p: p.update(consent_to_publish="true"), "consent_to_publish"),
    ("unknown topic", lambda p: p.update(topic="knee-magic"), "topic"),
    ("topic missing", lambda p: p.pop("topic"), "topic"),
    ("body too short", lambda p: p.update(body="Too short."), "body"),
    ("body too long", lambda p: p.update(body="x " * 2600), "body"),
    ("body a number", lambda p: p.update(body=12345678901234567890123), "body"),
    ("body null", lambda p: p.update(body=None), "body"),
    ("rating 0", lambda p: p.update(rating=0), "rating"),
    ("rating 6", lambda p: p.update(rating=6), "rating"),
    ("rating a string", lambda p: p.update(rating="5"), "rating"),
    ("rating a float", lambda p: p.update(rating=4.5), "rating"),
    ("rating a bool", lambda p: p.update(rating=True), "rating"),
    ("author missing", lambda p: p.pop("author_name"), "author_name"),
    ("author a list", lambda p: p.update(author_name=["Maria"]), "author_name"),
    ("bad email", lambda p: p.update(email="not-an-email"), "email"),
    (
        "bad display preference",
        lambda p: p.update(display_preference="nickname"),
        "display_preference",
    ),
    (
        "unknown consent version",
        lambda p: p.update(consent_text_version="1999-01"),
        "consent_text_version",
    ),
    ("unknown field", lambda p: p.update(raiting=5), "raiting"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_it_refuses_bad_input_and_stores_nothing(api_client, submission, case, change, field):
    change(submission)
    response = post(api_client, submission)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Testimonial.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_it_refuses_a_closed_topic(api_client, submission):
    TopicFactory(slug="closed-topic", open_for_submissions=False)
    submission["topic"] = "closed-topic"
    response = post(api_client, submission)
    assert response.status_code == 400
    assert response.json() == {"topic": ["This topic is not open for stories."]}
    assert Testimonial.objects.count() == 0


def test_it_refuses_a_superseded_consent_version(api_client, submission, consent):
    from django.utils import timezone

    ConsentText.objects.filter(pk=consent.pk).update(superseded_at=timezone.now())
    ConsentText.objects.create(version="2026-06", text="New wording.")
    response = post(api_client, submission)
    assert response.status_code == 400
    assert "superseded" in response.json()["consent_text_version"][0]
    assert Testimonial.objects.count() == 0


def test_it_reports_every_bad_field_at_once(api_client, submission):
    submission.update(rating=9, body="short", consent_to_publish=False)
    response = post(api_client, submission)
    assert response.status_code == 400
    assert {"rating", "body", "consent_to_publish"} <= set(response.json())


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/json", "{not json"),
        ("application/json", "[1, 2]"),
        ("text/plain", "hello"),
        ("application/json", ""),
    ],
    ids=["broken json", "a list", "not json at all", "empty"],
)
def test_it_refuses_a_body_that_is_not_a_json_object(api_client, db, content_type, data):
    response = api_client.generic("POST", SUBMIT_URL, data, content_type=content_type)
    assert response.status_code in (400, 415)
    assert "detail" in response.json() or response.json()
    assert Testimonial.objects.count() == 0


def test_it_answers_the_same_story_for_a_repeated_idempotency_key(api_client, submission):
    first = post(api_client, submission, HTTP_IDEMPOTENCY_KEY="key-123")
    second = post(api_client, submission, HTTP_IDEMPOTENCY_KEY="key-123")
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert Testimonial.objects.count() == 1


def test_it_refuses_an_idempotency_key_reused_for_another_story(api_client, submission):
    post(api_client, submission, HTTP_IDEMPOTENCY_KEY="key-123")
    submission["body"] = "A different story altogether, about my neck this time."
    response = post(api_client, submission, HTTP_IDEMPOTENCY_KEY="key-123")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Testimonial.objects.count() == 1


@pytest.mark.usefixtures("room_in_the_throttle_window")
@override_settings(SUBMIT_THROTTLE_RATE="2/minute")
def test_it_throttles_submissions_per_client_ip(api_client, submission):
    from django.core.cache import cache

    cache.clear()
    assert post(api_client, submission, REMOTE_ADDR="10.0.0.1").status_code == 202
    assert post(api_client, submission, REMOTE_ADDR="10.0.0.1").status_code == 202
    third = post(api_client, submission, REMOTE_ADDR="10.0.0.1")
    assert third.status_code == 429
    assert int(third["Retry-After"]) > 0
    assert post(api_client, submission, REMOTE_ADDR="10.0.0.2").status_code == 202
    assert Testimonial.objects.count() == 3


@pytest.mark.usefixtures("room_in_the_throttle_window")
@override_settings(SUBMIT_THROTTLE_RATE="1/minute")
def test_it_ignores_a_spoofed_forwarded_for_header(api_client, submission):
    from django.core.cache import cache

    cache.clear()
    assert post(api_client, submission, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 202
    assert post(api_client, submission, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_the_submit_url_is_the_contracts(db):
    assert reverse("testimonial-submit") == SUBMIT_URL
