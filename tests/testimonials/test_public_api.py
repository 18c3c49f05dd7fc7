from datetime import timedelta

from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from tests.factories import TestimonialFactory, TopicFactory


def test_topics_carry_the_consent_a_patient_must_give(api_client, topic, consent):
    response = api_client.get("/api/v1/topics/")
    assert response.status_code == 200
    [item] = response.json()
    assert item["slug"] == topic.slug
    assert item["open_for_submissions"] is True
    assert item["consent"] == {
        **item["consent"],
        "version": consent.version,
        "text": consent.text,
    }
    assert item["consent"]["statements"]["conditioning"] == consent.conditioning_statement
    detail = api_client.get(f"/api/v1/topics/{topic.slug}/")
    assert detail.json() == item


def test_an_unknown_topic_is_404(api_client, db):
    response = api_client.get("/api/v1/topics/nope/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_published_list_shows_only_published_newest_first(api_client, topic):
    now = timezone.now()
    older = TestimonialFactory(
        status="published", published_at=now - timedelta(days=2), body="Older published story here."
    )
    newer = TestimonialFactory(
        status="published",
        published_at=now - timedelta(days=1),
        body="Newer published story here.",
        author_name="James Carter",
        display_preference="initials",
        rating=None,
    )
    for status in (
        "submitted",
        "screening",
        "pending_review",
        "rejected",
        "withdrawn",
        "unpublished",
    ):
        TestimonialFactory(status=status, body=f"A {status} story that must stay hidden.")

    response = api_client.get(f"/api/v1/published/?topic={topic.slug}")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["results"]] == [str(newer.public_id), str(older.public_id)]
    assert body["results"][0] == {
        "id": str(newer.public_id),
        "display_name": "J. C.",
        "body": "Newer published story here.",
        "rating": None,
        "topic": topic.slug,
        "location": newer.location.slug,
        "clinician": None,
        "published_at": newer.published_at.isoformat().replace("+00:00", "Z"),
        "featured": False,
        "verified_patient": False,
        "material_connections": [],
        "typical_results": None,
        "media": [],
    }
    assert body["next"] is None


def test_the_published_list_shows_the_approved_edit_not_the_original(api_client, topic):
    TestimonialFactory(
        status="published",
        body="Call me at 555-0101 any time.",
        published_body="Call me at [phone] any time.",
    )
    [item] = api_client.get("/api/v1/published/").json()["results"]
    assert item["body"] == "Call me at [phone] any time."


def test_it_pages_with_a_cursor(api_client, topic):
    for n in range(5):
        TestimonialFactory(status="published", body=f"Published story number {n} is here.")
    first = api_client.get("/api/v1/published/?limit=2").json()
    assert len(first["results"]) == 2
    second = api_client.get(first["next"]).json()
    third = api_client.get(second["next"]).json()
    ids = [i["id"] for page in (first, second, third) for i in page["results"]]
    assert len(ids) == len(set(ids)) == 5
    assert third["next"] is None


def test_other_topics_do_not_leak_into_a_topic(api_client, topic):
    other = TopicFactory(slug="neck-pain", title="Neck pain")
    TestimonialFactory(status="published", topic=other)
    assert api_client.get(f"/api/v1/published/?topic={topic.slug}").json()["results"] == []
    assert api_client.get("/api/v1/published/?topic=no-such-topic").status_code == 404


def test_it_answers_304_to_a_matching_etag(
    api_client, topic, moderator, django_capture_on_commit_callbacks
):
    TestimonialFactory(status="published")
    first = api_client.get("/api/v1/published/")
    assert first["ETag"]
    assert "max-age=" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]
    again = api_client.get("/api/v1/published/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    waiting = TestimonialFactory(body="A newly published story changes the ETag.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_approve(public_id=waiting.public_id, moderator=moderator)
    changed = api_client.get("/api/v1/published/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_cors_lets_any_website_read_the_published_list(api_client, db):
    response = api_client.get("/api/v1/published/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    moderation = api_client.get("/api/v1/moderation/queue/", HTTP_ORIGIN="https://partner.example")
    assert "Access-Control-Allow-Origin" not in moderation
