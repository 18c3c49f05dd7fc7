"""GET /api/v1/topics/{slug}/stats and the page's report: what became of
every story, and the ratings of all reviewed stories beside the published
ones. After a mixed batch of decisions, every figure matches the rows."""

import itertools
from collections import Counter

import pytest
from django.test import Client

from moderation.decisions import services as moderation_decisions
from testimonials.models import RejectionReason, Testimonial
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory, TopicFactory


def stats_url(topic):
    return f"/api/v1/topics/{topic.slug}/stats"


@pytest.fixture
def mixed_batch(topic, moderator, committed):
    """Thirty-seven stories through the real services: published, rejected for
    each reason, taken down, withdrawn before and after publication, still
    waiting; ratings spread over all of them."""
    ratings = itertools.cycle([1, 2, 3, 4, 5, None, 5, 4])
    reasons = itertools.cycle(RejectionReason.values)
    outcomes = (
        ["published"] * 12
        + ["rejected"] * 10
        + ["unpublished"] * 3
        + ["withdrawn_early", "withdrawn_late", "withdrawn_late"]
        + ["pending_review"] * 5
        + ["submitted"] * 2
        + ["screening"] * 2
    )
    for outcome in outcomes:
        rating = next(ratings)
        if outcome in ("submitted", "screening"):
            TestimonialFactory(status=outcome, rating=rating)
            continue
        story = TestimonialFactory(status="pending_review", rating=rating)
        if outcome in ("published", "unpublished", "withdrawn_late"):
            story = moderation_decisions.testimonial_approve(
                public_id=story.public_id, moderator=moderator
            )
        if outcome == "rejected":
            reason = next(reasons)
            moderation_decisions.testimonial_reject(
                public_id=story.public_id, moderator=moderator, reason=reason, note="a note"
            )
        if outcome == "unpublished":
            moderation_decisions.testimonial_unpublish(
                public_id=story.public_id, moderator=moderator, reason="personal_data"
            )
        if outcome.startswith("withdrawn"):
            committed(withdrawal.testimonial_withdraw, testimonial=story)
    # Another topic's stories never count.
    other = TopicFactory(slug="neck-pain", title="Neck pain")
    TestimonialFactory(status="published", topic=other, rating=1)
    return topic


def rating_key(rating):
    return str(rating) if rating else "none"


def test_the_figures_match_the_database_after_a_mixed_batch(api_client, mixed_batch):
    response = api_client.get(stats_url(mixed_batch))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    body = response.json()

    rows = Testimonial.objects.filter(topic=mixed_batch)
    assert body["received"] == rows.count() == 37
    assert body["published"] == rows.filter(status="published").count() == 12
    assert body["withdrawn"] == rows.filter(status="withdrawn").count() == 3
    assert body["awaiting_review"] == (
        rows.filter(status__in=["submitted", "screening", "pending_review"]).count()
    )
    for status in ("rejected", "unpublished"):
        expected = Counter(rows.filter(status=status).values_list("rejection_reason", flat=True))
        assert body[status]["total"] == sum(expected.values())
        assert body[status]["by_reason"] == {
            reason: expected.get(reason, 0) for reason in RejectionReason.values
        }
    reviewed = Counter(
        rating_key(r)
        for r in rows.filter(status__in=["published", "rejected", "unpublished"]).values_list(
            "rating", flat=True
        )
    )
    published = Counter(
        rating_key(r) for r in rows.filter(status="published").values_list("rating", flat=True)
    )
    keys = ["1", "2", "3", "4", "5", "none"]
    assert body["ratings"]["reviewed"] == {key: reviewed.get(key, 0) for key in keys}
    assert body["ratings"]["published"] == {key: published.get(key, 0) for key in keys}
    assert body["received"] == (
        body["awaiting_review"]
        + body["published"]
        + body["rejected"]["total"]
        + body["unpublished"]["total"]
        + body["withdrawn"]
    )
    assert body["content_based_reasons"] == [r for r in RejectionReason.values if r != "other"]


def test_the_page_shows_the_same_figures(client, api_client, mixed_batch):
    body = api_client.get(stats_url(mixed_batch)).json()
    html = client.get(f"/education/{mixed_batch.slug}/").content.decode()
    report = html[html.index('id="transparency"') :]
    assert f"Patients sent <strong>{body['received']}</strong> stories" in report
    assert f"{body['published']} published" in report
    assert f"{body['rejected']['total']} declined" in report
    assert f"{body['unpublished']['total']} taken down after publication" in report
    assert f"{body['withdrawn']} withdrawn by their authors" in report
    assert "contains personal data that cannot be redacted (5)" in report.lower()
    assert f'href="{stats_url(mixed_batch)}"' in report


def test_the_admin_report_shows_rejection_rates_by_rating(admin_user, mixed_batch):
    browser = Client()
    browser.force_login(admin_user)
    assert (
        "/admin/testimonials/topic/transparency/"
        in browser.get("/admin/testimonials/topic/").content.decode()
    )
    response = browser.get("/admin/testimonials/topic/transparency/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "All topics" in html
    assert f'id="report-{mixed_batch.slug}"' in html
    assert "Declined rate" in html


def test_a_moderator_may_read_the_admin_report_and_a_patient_may_not(
    moderator, patient_user, topic
):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    assert browser.get("/admin/testimonials/topic/transparency/").status_code == 200
    outsider = Client()
    outsider.force_login(patient_user)
    assert outsider.get("/admin/testimonials/topic/transparency/").status_code == 302


def test_an_unknown_topic_is_404(api_client, db):
    assert api_client.get("/api/v1/topics/nope/stats").status_code == 404


def test_it_costs_one_query_for_the_figures(api_client, topic, django_assert_max_num_queries):
    TestimonialFactory(status="published")
    with django_assert_max_num_queries(2):  # the topic, then one grouped count
        api_client.get(stats_url(topic))


def test_the_admin_report_lists_claims_published_before_the_rule(admin_user, topic):
    legacy = TestimonialFactory(status="published", flag_kinds=",medical_claim,")
    TestimonialFactory(status="published")
    browser = Client()
    browser.force_login(admin_user)
    html = browser.get("/admin/testimonials/topic/transparency/").content.decode()
    section = html[html.index('id="claims-without-statement"') :]
    assert section.count("<li>") == 1
    assert f"/admin/testimonials/testimonial/{legacy.pk}/review/" in section


def test_the_schema_documents_the_stats_endpoint(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    stats = schema["paths"]["/api/v1/topics/{slug}/stats"]["get"]
    assert "200" in stats["responses"]
