"""An "All reviews" topic shows every story unless it is declined for what
it says: a rejection or take-down without a content-based reason is refused
on every path, and readers are told which kind of topic they are reading."""

import pytest
from django.test import Client

from testimonials.honesty.disclosures import CONTENT_BASED_REASONS
from testimonials.models import RejectionReason, StatusChange
from tests.factories import TestimonialFactory, TopicFactory

CHANGELIST = "/admin/testimonials/testimonial/"


def api(testimonial, action):
    return f"/api/v1/moderation/testimonials/{testimonial.public_id}/{action}"


def review(testimonial):
    return f"/admin/testimonials/testimonial/{testimonial.pk}/review/"


@pytest.fixture
def all_reviews(db):
    return TopicFactory(slug="neck-pain", title="Neck pain", publishing_mode="all")


@pytest.fixture
def alice_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


def assert_untouched(testimonial, status):
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.rejection_reason) == (status, "")
    assert not StatusChange.objects.filter(testimonial=testimonial).exists()


def test_it_treats_every_reason_but_other_as_content_based():
    assert set(CONTENT_BASED_REASONS) == set(RejectionReason.values) - {"other"}


def test_the_api_refuses_a_rejection_for_other(moderator_client, all_reviews):
    pending = TestimonialFactory(status="pending_review", topic=all_reviews)
    response = moderator_client.post(
        api(pending, "reject"), {"reason": "other", "note": "Too negative"}, format="json"
    )
    assert response.status_code == 400
    assert "publishes all reviews" in response.json()["reason"][0]
    assert_untouched(pending, "pending_review")


def test_the_api_refuses_a_take_down_for_other(moderator_client, all_reviews):
    published = TestimonialFactory(status="published", topic=all_reviews)
    response = moderator_client.post(
        api(published, "unpublish"), {"reason": "other", "note": "Hurts sales"}, format="json"
    )
    assert response.status_code == 400
    assert_untouched(published, "published")


def test_the_review_page_refuses_it_and_offers_only_content_based_reasons(
    alice_browser, all_reviews
):
    pending = TestimonialFactory(status="pending_review", topic=all_reviews)
    page = alice_browser.get(review(pending)).content.decode()
    reasons = page[page.index('id="reject-reason"') :]
    reasons = reasons[: reasons.index("</select>")]
    assert '<option value="off_topic">' in reasons
    assert '<option value="other">' not in reasons
    response = alice_browser.post(
        review(pending),
        {"action": "reject", "version": 1, "reason": "other", "note": "One star"},
        follow=True,
    )
    assert "publishes all reviews" in response.content.decode()
    assert_untouched(pending, "pending_review")

    published = TestimonialFactory(status="published", topic=all_reviews)
    alice_browser.post(
        review(published), {"action": "unpublish", "version": 1, "reason": "other", "note": "x"}
    )
    assert_untouched(published, "published")


def test_the_bulk_rejection_refuses_it_item_by_item(alice_browser, all_reviews, topic):
    on_all = TestimonialFactory(status="pending_review", topic=all_reviews)
    on_selected = TestimonialFactory(status="pending_review", topic=topic)
    response = alice_browser.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [on_all.pk, on_selected.pk],
            "reason": "other",
            "note": "Not what we want to show",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "1 rejected." in html
    assert "publishes all reviews" in html
    assert_untouched(on_all, "pending_review")
    on_selected.refresh_from_db()
    assert (on_selected.status, on_selected.rejection_reason) == ("rejected", "other")


@pytest.mark.parametrize("reason", CONTENT_BASED_REASONS)
def test_a_content_based_reason_is_accepted(moderator_client, all_reviews, reason):
    pending = TestimonialFactory(status="pending_review", topic=all_reviews)
    response = moderator_client.post(api(pending, "reject"), {"reason": reason}, format="json")
    assert response.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", reason)


def test_readers_are_told_which_kind_of_topic_they_read(api_client, client, all_reviews, topic):
    TestimonialFactory(status="published", topic=all_reviews)
    TestimonialFactory(status="published", topic=topic)
    page = api_client.get(f"/api/v1/published/?topic={all_reviews.slug}").json()
    assert page["collection"]["label"] == "All reviews"
    assert page["collection"]["stats_url"].endswith(f"/topics/{all_reviews.slug}/stats")
    selected = api_client.get(f"/api/v1/published/?topic={topic.slug}").json()
    assert selected["collection"]["label"] == "Selected patient stories"
    assert "selection" in selected["collection"]["note"]
    assert "collection" not in api_client.get("/api/v1/published/").json()

    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert "<strong>Selected patient stories.</strong>" in html
    html = client.get(f"/education/{all_reviews.slug}/").content.decode()
    assert "<strong>All reviews.</strong>" in html
    feed = client.get(f"/education/{all_reviews.slug}/feed/").content.decode()
    assert "All reviews. These are individual patients" in feed


def test_changing_the_mode_in_the_admin_moves_the_public_etags_on(
    admin_user, api_client, topic, django_capture_on_commit_callbacks
):
    url = f"/api/v1/published/?topic={topic.slug}"
    etag = api_client.get(url)["ETag"]
    browser = Client()
    browser.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/admin/testimonials/topic/{topic.pk}/change/",
            {
                "title": topic.title,
                "summary": topic.summary,
                "article": topic.article,
                "open_for_submissions": "on",
                "languages": '["en"]',
                "publishing_mode": "all",
            },
        )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.publishing_mode == "all"
    fresh = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["collection"]["mode"] == "all"
