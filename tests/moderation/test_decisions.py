"""Moderators' decisions beyond approve and reject: stale versions,
unpublish, reopen, notes, claims."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from moderation.accounts import api_tokens
from moderation.decisions import claims as moderation_claims
from moderation.decisions import services as moderation_decisions
from testimonials.models import StatusChange
from tests.factories import TestimonialFactory


def url(testimonial, action=""):
    base = f"/api/v1/moderation/testimonials/{testimonial.public_id}/"
    return base + action


@pytest.fixture
def pending(db):
    return TestimonialFactory(status="pending_review")


@pytest.fixture
def bob_client(other_moderator):
    client = APIClient()
    key = api_tokens.token_issue(user=other_moderator, name="tests").key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_detail_names_the_version_a_decision_must_quote(moderator_client, pending):
    assert moderator_client.get(url(pending)).json()["version"] == 1


def test_a_decision_on_a_stale_version_is_refused_with_a_clear_409(
    moderator_client, bob_client, pending
):
    seen = moderator_client.get(url(pending)).json()["version"]
    bob_client.post(url(pending, "notes"), {"text": "looks fine"}, format="json")
    assert (
        bob_client.post(
            url(pending, "reject"), {"reason": "spam", "version": seen}, format="json"
        ).status_code
        == 200
    )

    late = moderator_client.post(url(pending, "approve"), {"version": seen}, format="json")
    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "stale_version"
    assert "changed this item after you opened it" in body["detail"]
    assert (body["status"], body["version"]) == ("rejected", 2)
    pending.refresh_from_db()
    assert pending.status == "rejected"
    assert StatusChange.objects.filter(testimonial=pending).count() == 1


def test_a_version_that_is_not_a_number_is_a_400(moderator_client, pending):
    response = moderator_client.post(url(pending, "approve"), {"version": "1"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_unpublish_takes_a_story_down_with_a_reason(moderator_client, api_client, db):
    published = TestimonialFactory(status="published")
    assert api_client.get("/api/v1/published/").json()["results"]
    response = moderator_client.post(
        url(published, "unpublish"),
        {"reason": "personal_data", "note": "names a nurse"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "unpublished"
    assert api_client.get("/api/v1/published/").json()["results"] == []
    change = StatusChange.objects.get(testimonial=published)
    assert (change.from_status, change.to_status, change.reason, change.actor_label) == (
        "published",
        "unpublished",
        "personal_data",
        "alice",
    )
    assert change.details == {"note": "names a nurse"}


def test_only_a_published_story_can_be_unpublished(moderator_client, pending):
    response = moderator_client.post(url(pending, "unpublish"), {"reason": "spam"}, format="json")
    assert response.status_code == 409


def test_reopen_puts_a_rejected_story_back_in_the_queue(moderator_client, db):
    rejected = TestimonialFactory(status="rejected", rejection_reason="spam")
    response = moderator_client.post(
        url(rejected, "reopen"), {"note": "not spam after all"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "pending_review"
    assert response.json()["rejection_reason"] == ""
    queue = moderator_client.get("/api/v1/moderation/queue/").json()["results"]
    assert [item["id"] for item in queue] == [str(rejected.public_id)]


def test_a_withdrawn_story_cannot_be_reopened(moderator_client, db):
    withdrawn = TestimonialFactory(status="withdrawn")
    assert moderator_client.post(url(withdrawn, "reopen"), {}, format="json").status_code == 409


def test_notes_are_private_and_listed_in_the_detail(moderator_client, api_client, pending):
    response = moderator_client.post(
        url(pending, "notes"), {"text": "Check the name with the front desk."}, format="json"
    )
    assert response.status_code == 201
    [note] = response.json()["notes"]
    assert (note["author"], note["text"]) == ("alice", "Check the name with the front desk.")
    assert (
        moderator_client.post(url(pending, "notes"), {"text": "   "}, format="json").status_code
        == 400
    )
    assert api_client.post(url(pending, "notes"), {"text": "x"}, format="json").status_code == 401


def test_a_claim_shows_others_who_is_looking_and_expires(moderator, other_moderator, pending):
    mine = moderation_claims.review_claim(testimonial=pending, moderator=moderator)
    assert (mine.moderator, mine.mine) == ("alice", True)
    theirs = moderation_claims.review_claim(testimonial=pending, moderator=other_moderator)
    assert (theirs.moderator, theirs.mine) == ("alice", False)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = moderation_claims.review_claim(testimonial=pending, moderator=other_moderator)
    assert (later.moderator, later.mine) == ("bob", True)


def test_the_claim_api_answers_who_is_reviewing(moderator_client, bob_client, pending):
    first = moderator_client.post(url(pending, "claim")).json()["claim"]
    assert first["moderator"] == "alice"
    assert first["mine"] is True
    second = bob_client.post(url(pending, "claim")).json()["claim"]
    assert second["moderator"] == "alice"
    assert second["mine"] is False


def test_a_decision_ends_the_deciders_claim(moderator, pending):
    from moderation.models import ReviewClaim

    moderation_claims.review_claim(testimonial=pending, moderator=moderator)
    moderation_decisions.testimonial_approve(public_id=pending.public_id, moderator=moderator)
    assert not ReviewClaim.objects.exists()


def test_the_detail_lists_earlier_stories_from_the_same_email(moderator_client, db):
    first = TestimonialFactory(status="published", email="maria@example.com")
    TestimonialFactory(status="published", email="someone@example.com")
    later = TestimonialFactory(status="pending_review", email="MARIA@example.com")
    earlier = moderator_client.get(url(later)).json()["earlier_from_same_email"]
    assert [item["id"] for item in earlier] == [str(first.public_id)]


def test_the_queue_filters_by_flag_kind_and_topic(moderator_client, topic):
    flagged = TestimonialFactory(status="pending_review", flag_kinds=",pii,spam,")
    TestimonialFactory(status="pending_review", flag_kinds=",profanity,")
    results = moderator_client.get("/api/v1/moderation/queue/?flag=spam").json()["results"]
    assert [item["id"] for item in results] == [str(flagged.public_id)]
    assert moderator_client.get("/api/v1/moderation/queue/?topic=other").json()["results"] == []
