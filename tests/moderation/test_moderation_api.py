import uuid

import pytest
from rest_framework.test import APIClient

from testimonials.models import StatusChange, Testimonial
from tests.factories import PATIENT_NAME, TestimonialFactory


def approve_url(testimonial):
    return f"/api/v1/moderation/testimonials/{testimonial.public_id}/approve"


def reject_url(testimonial):
    return f"/api/v1/moderation/testimonials/{testimonial.public_id}/reject"


@pytest.fixture
def pending(db):
    return TestimonialFactory(
        status="pending_review",
        body="Jenna was great and my back is better.",
        screening_flags=[
            {
                "kind": "pii",
                "entity": "PERSON",
                "severity": "medium",
                "start": 0,
                "end": 5,
                "detail": "A name.",
            }
        ],
        risk_score=30,
    )


def test_the_queue_lists_items_awaiting_review_riskiest_first(moderator_client, topic):
    calm = TestimonialFactory(status="pending_review", risk_score=0)
    risky = TestimonialFactory(status="pending_review", risk_score=60)
    TestimonialFactory(status="published")
    TestimonialFactory(status="submitted")
    response = moderator_client.get("/api/v1/moderation/queue/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [
        str(risky.public_id),
        str(calm.public_id),
    ]
    assert response.json()["count"] == 2


def test_the_queue_shows_flags_and_risk(moderator_client, pending):
    [item] = moderator_client.get("/api/v1/moderation/queue/").json()["results"]
    assert item["risk_score"] == 30
    assert item["flags"] == [
        {
            "kind": "pii",
            "severity": "medium",
            "start": 0,
            "end": 5,
            "detail": "A name.",
            "entity": "PERSON",
        }
    ]


def test_the_detail_shows_the_whole_item_with_history(moderator_client, pending):
    response = moderator_client.get(f"/api/v1/moderation/testimonials/{pending.public_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == pending.body
    assert body["author_name"] == PATIENT_NAME
    assert body["consent_text_version"] == "2026-01"
    assert body["history"] == []


def test_approve_publishes_and_audits(moderator_client, moderator, pending):
    response = moderator_client.post(approve_url(pending), format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["decided_by"] == "alice"
    change = StatusChange.objects.get(testimonial=pending)
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "pending_review",
        "published",
        moderator,
        "approved",
    )


def test_approve_with_an_edited_text_keeps_the_original(moderator_client, api_client, pending):
    response = moderator_client.post(
        approve_url(pending), {"body": "[name] was great and my back is better."}, format="json"
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.body == "Jenna was great and my back is better."
    assert pending.published_body == "[name] was great and my back is better."
    assert StatusChange.objects.get(testimonial=pending).reason == "approved with an edited text"
    [item] = api_client.get("/api/v1/published/").json()["results"]
    assert item["body"] == "[name] was great and my back is better."


def test_reject_needs_a_reason_from_the_list(moderator_client, pending):
    missing = moderator_client.post(reject_url(pending), {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()
    wrong = moderator_client.post(reject_url(pending), {"reason": "negative"}, format="json")
    assert wrong.status_code == 400
    other = moderator_client.post(reject_url(pending), {"reason": "other"}, format="json")
    assert other.status_code == 400
    assert "note" in other.json()
    pending.refresh_from_db()
    assert pending.status == "pending_review"
    assert not StatusChange.objects.exists()


def test_reject_records_reason_and_note(moderator_client, pending):
    response = moderator_client.post(
        reject_url(pending), {"reason": "off_topic", "note": "About parking only."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "off_topic"
    assert StatusChange.objects.get(testimonial=pending).reason == "off_topic"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("withdrawn", "approve"),
        ("published", "approve"),
        ("rejected", "approve"),
        ("submitted", "approve"),
        ("screening", "approve"),
        ("withdrawn", "reject"),
        ("published", "reject"),
    ],
)
def test_an_illegal_transition_is_409_and_changes_nothing(moderator_client, db, status, action):
    testimonial = TestimonialFactory(status=status)
    before = Testimonial.objects.filter(pk=testimonial.pk).values().get()
    url = approve_url(testimonial) if action == "approve" else reject_url(testimonial)
    payload = {} if action == "approve" else {"reason": "spam"}
    response = moderator_client.post(url, payload, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["status"] == status
    assert Testimonial.objects.filter(pk=testimonial.pk).values().get() == before
    assert not StatusChange.objects.exists()


def test_publishing_twice_is_refused(moderator_client, pending):
    assert moderator_client.post(approve_url(pending), format="json").status_code == 200
    second = moderator_client.post(approve_url(pending), format="json")
    assert second.status_code == 409
    assert StatusChange.objects.filter(to_status="published").count() == 1


def test_an_unknown_item_is_404(moderator_client, db):
    assert (
        moderator_client.get(f"/api/v1/moderation/testimonials/{uuid.uuid4()}/").status_code == 404
    )
    assert (
        moderator_client.post(f"/api/v1/moderation/testimonials/{uuid.uuid4()}/approve").status_code
        == 404
    )


ENDPOINTS = [
    ("get", "/api/v1/moderation/queue/"),
    ("get", "/api/v1/moderation/testimonials/{id}/"),
    ("post", "/api/v1/moderation/testimonials/{id}/approve"),
    ("post", "/api/v1/moderation/testimonials/{id}/reject"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_get_401(api_client, pending, method, path):
    response = getattr(api_client, method)(
        path.format(id=pending.public_id), {"reason": "spam"}, format="json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    pending.refresh_from_db()
    assert pending.status == "pending_review"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_signed_in_non_moderators_get_403(patient_user, pending, method, path):
    from moderation.accounts import api_tokens

    client = APIClient()
    key = api_tokens.token_issue(user=patient_user, name="not a moderator").key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = getattr(client, method)(
        path.format(id=pending.public_id), {"reason": "spam"}, format="json"
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending_review"


def test_a_bad_token_is_401(api_client, pending):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/moderation/queue/").status_code == 401


def test_the_detail_offers_the_suggested_redaction_and_a_priority(moderator_client, pending):
    pending.suggested_body = "Thanks [name]!"
    pending.risk_score = 30
    pending.save()
    data = moderator_client.get(f"/api/v1/moderation/testimonials/{pending.public_id}/").json()
    assert data["suggested_body"] == "Thanks [name]!"
    assert data["priority"] == "high"


def test_a_moderator_accepts_the_suggested_redaction_in_one_step(moderator_client, pending):
    pending.suggested_body = "Thanks [name]!"
    pending.save()
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{pending.public_id}/approve",
        {"use_suggested_body": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["published_body"] == "Thanks [name]!"
    pending.refresh_from_db()
    assert pending.body != pending.published_body, "the original is kept"


def test_accepting_a_suggestion_that_does_not_exist_is_refused(moderator_client, pending):
    url = f"/api/v1/moderation/testimonials/{pending.public_id}/approve"
    assert (
        moderator_client.post(url, {"use_suggested_body": True}, format="json").status_code == 400
    )
    both = {"use_suggested_body": True, "body": "x"}
    assert moderator_client.post(url, both, format="json").status_code == 400


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"topic": "knee\x00pain"}, "topic"),
        ({"location": "not a slug"}, "location"),
        ({"flag": "x" * 41}, "flag"),
    ],
    ids=["nul-in-topic", "location-not-a-slug", "flag-too-long"],
)
def test_a_queue_filter_that_could_name_nothing_is_a_400(moderator_client, pending, query, field):
    response = moderator_client.get("/api/v1/moderation/queue/", query)

    assert response.status_code == 400
    assert field in response.json()
