"""A story that claims a result is published only with the clinic's
statement of what patients generally achieve, on every path; with it, the
statement stands next to the story on the page, in the API and the feed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from testimonials.errors import FieldErrors
from testimonials.models import StatusChange
from tests.factories import TestimonialFactory
from tests.support.honest import TYPICAL, StatementFactory, claim_flags

CHANGELIST = "/admin/testimonials/testimonial/"


def approve_url(testimonial):
    return f"/api/v1/moderation/testimonials/{testimonial.public_id}/approve"


@pytest.fixture
def claim(topic):
    return TestimonialFactory(status="pending_review", **claim_flags())


@pytest.fixture
def alice_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


def test_it_refuses_to_publish_a_claim_without_a_statement_through_the_api(moderator_client, claim):
    response = moderator_client.post(approve_url(claim), {}, format="json")
    assert response.status_code == 400
    assert "typical-results statement" in response.json()["typical_results"][0]
    claim.refresh_from_db()
    assert claim.status == "pending_review"
    assert not StatusChange.objects.filter(testimonial=claim).exists()


def test_it_refuses_it_on_the_review_page(alice_browser, claim):
    page = alice_browser.get(f"/admin/testimonials/testimonial/{claim.pk}/review/")
    assert 'id="needs-typical-results"' in page.content.decode()
    response = alice_browser.post(
        f"/admin/testimonials/testimonial/{claim.pk}/review/",
        {"action": "approve", "version": claim.version},
        follow=True,
    )
    assert "typical-results statement" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "pending_review"


def test_it_refuses_it_in_the_bulk_approval(alice_browser, claim):
    response = alice_browser.post(
        CHANGELIST, {"action": "approve_low_risk", "_selected_action": [claim.pk]}, follow=True
    )
    assert "typical-results statement" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "pending_review"


def test_it_can_still_be_declined_for_its_claim(moderator_client, claim):
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{claim.public_id}/reject",
        {"reason": "medical_claim"},
        format="json",
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.status, claim.rejection_reason) == ("rejected", "medical_claim")


def test_it_publishes_the_claim_with_the_topics_statement_everywhere(
    moderator_client, api_client, client, claim, topic
):
    statement = StatementFactory(topic=topic)
    response = moderator_client.post(approve_url(claim), {}, format="json")
    assert response.status_code == 200
    assert response.json()["typical_results"]["text"] == TYPICAL
    claim.refresh_from_db()
    assert (claim.status, claim.typical_results) == ("published", statement)
    change = StatusChange.objects.get(testimonial=claim, to_status="published")
    assert change.details["typical_results"] == str(statement.public_id)

    [story] = api_client.get(f"/api/v1/published/?topic={topic.slug}").json()["results"]
    assert story["typical_results"] == {
        "text": TYPICAL,
        "tag": "",
        "label": "",
        "source": "Outcome audit 2025",
    }
    html = client.get(f"/education/{topic.slug}/").content.decode()
    [group] = html.split('<div class="story-group">')[1:]
    assert f"What patients typically experience:</strong> {TYPICAL}" in group
    assert f'id="story-{claim.public_id}"' in group
    feed = client.get(f"/education/{topic.slug}/feed/").content.decode()
    assert TYPICAL in feed
    [change] = api_client.get("/api/v1/published/changes").json()["results"]
    assert change["testimonial"]["typical_results"]["text"] == TYPICAL


def test_a_moderator_picks_the_statement_of_a_condition(moderator_client, claim, topic):
    StatementFactory(topic=topic)
    sciatica = StatementFactory(topic=topic, tag="sciatica", label="Sciatica", text="Slower.")
    response = moderator_client.post(
        approve_url(claim), {"typical_results": "sciatica"}, format="json"
    )
    assert response.json()["typical_results"]["label"] == "Sciatica"
    claim.refresh_from_db()
    assert claim.typical_results == sciatica


def test_an_unknown_tag_is_refused(moderator_client, claim, topic):
    StatementFactory(topic=topic)
    response = moderator_client.post(
        approve_url(claim), {"typical_results": "knees"}, format="json"
    )
    assert response.status_code == 400
    assert "No current statement with this tag" in response.json()["typical_results"][0]


def test_a_retired_statement_no_longer_counts_but_stays_on_its_stories(moderator, claim, topic):
    statement = StatementFactory(topic=topic)
    early = TestimonialFactory(status="pending_review", **claim_flags())
    moderation_decisions.testimonial_approve(public_id=early.public_id, moderator=moderator)
    statement.retired_at = timezone.now()
    statement.save()
    with pytest.raises(FieldErrors):
        moderation_decisions.testimonial_approve(public_id=claim.public_id, moderator=moderator)
    early.refresh_from_db()
    assert early.typical_results == statement


def test_a_story_without_a_claim_gets_the_statement_when_the_topic_has_one(moderator, topic):
    plain = TestimonialFactory(status="pending_review")
    published = moderation_decisions.testimonial_approve(
        public_id=plain.public_id, moderator=moderator
    )
    assert published.typical_results is None
    statement = StatementFactory(topic=topic)
    other = TestimonialFactory(status="pending_review")
    published = moderation_decisions.testimonial_approve(
        public_id=other.public_id, moderator=moderator
    )
    assert published.typical_results == statement


def test_the_topic_api_lists_the_current_statements(api_client, topic):
    StatementFactory(topic=topic)
    StatementFactory(topic=topic, tag="sciatica", label="Sciatica", text="Slower.")
    body = api_client.get(f"/api/v1/topics/{topic.slug}/").json()
    assert [s["tag"] for s in body["typical_results"]] == ["", "sciatica"]
    assert body["stats_url"].endswith(f"/api/v1/topics/{topic.slug}/stats")


def test_a_statement_a_story_showed_is_read_only_in_the_admin(admin_user, moderator, topic):
    statement = StatementFactory(topic=topic)
    story = TestimonialFactory(status="pending_review")
    moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)
    browser = Client()
    browser.force_login(admin_user)
    url = f"/admin/testimonials/typicalresultsstatement/{statement.pk}/change/"
    browser.post(url, {"topic": topic.pk, "tag": "", "text": "Better wording later."})
    statement.refresh_from_db()
    assert statement.text == TYPICAL
    browser.post(
        "/admin/testimonials/typicalresultsstatement/",
        {"action": "retire", "_selected_action": [statement.pk]},
    )
    statement.refresh_from_db()
    assert statement.retired_at is not None
    response = browser.post(
        "/admin/testimonials/typicalresultsstatement/add/",
        {"topic": topic.pk, "tag": "", "text": "Better wording later."},
    )
    assert response.status_code == 302


def test_the_page_shows_each_statement_once_above_the_stories_it_applies_to(topic, client):
    whole = StatementFactory(topic=topic)
    sciatica = StatementFactory(topic=topic, tag="sciatica", label="Sciatica", text="Slower.")
    now = timezone.now()
    # Newest first on the page: whole, sciatica, whole, none, whole.
    statements = [whole, sciatica, whole, None, whole]
    stories = [
        TestimonialFactory(
            status="published",
            typical_results=statement,
            published_at=now - timedelta(minutes=n),
            body=f"Story number {n} about my back, long enough to be a story.",
        )
        for n, statement in enumerate(statements)
    ]
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert html.count(TYPICAL) == 1
    assert html.count("Slower.") == 1
    groups = html.split('<div class="story-group">')[1:]
    shown = [
        [n for n, story in enumerate(stories) if f'id="story-{story.public_id}"' in group]
        for group in groups
    ]
    assert shown == [[0, 2, 4], [1], [3]]
    assert groups[0].index(TYPICAL) < groups[0].index(f"story-{stories[0].public_id}")
    assert "What patients typically experience (Sciatica):</strong> Slower." in groups[1]
    assert "What patients typically experience" not in groups[2]
