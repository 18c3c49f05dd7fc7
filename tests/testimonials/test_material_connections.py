"""A material connection to the clinic (staff, family of staff, a discount,
a gift) and an invitation's incentive are published with the story on
every surface: the page, the API, the changes feed, webhooks and the Atom
feed (the widget: tests/browser/test_honest_widget.py)."""

import json
import re

import pytest
from django.test import Client

from moderation.decisions import services as moderation_decisions
from testimonials.models import (
    PublicationChange,
    StatusChange,
    Testimonial,
    WebhookDelivery,
    WebhookEndpoint,
)
from testimonials.sites import webhook_delivery
from testimonials.tasks import webhook_retry_delay
from tests.factories import TestimonialFactory
from tests.support.receiver import webhook_receiver

EMPLOYEE = "The author works for the clinic."
DISCOUNT = "The author received a discount from the clinic: 10% off my next visit."


def submit_url():
    return "/api/v1/testimonials/"


@pytest.fixture
def connected(moderator, topic):
    """A published story whose author got a discount, as the patient declared it."""
    story = TestimonialFactory(
        status="pending_review",
        material_connection="discount",
        material_connection_detail="10% off my next visit",
    )
    return moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)


def connections_of(item):
    return [c["text"] for c in item["material_connections"]]


def test_the_submission_api_takes_the_connection_and_keeps_it(api_client, submission):
    response = api_client.post(
        submit_url(),
        {**submission, "material_connection": "staff_family"},
        format="json",
    )
    assert response.status_code == 202
    stored = Testimonial.objects.get(public_id=response.json()["id"])
    assert stored.material_connection == "staff_family"


def test_a_submission_without_it_still_works_as_the_contract_says(api_client, submission):
    response = api_client.post(submit_url(), submission, format="json")
    assert response.status_code == 202
    assert Testimonial.objects.get().material_connection == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"material_connection": "cousin"}, "material_connection"),
        ({"material_connection": "other"}, "material_connection_detail"),
        ({"material_connection_detail": 5}, "material_connection_detail"),
    ],
)
def test_a_bad_connection_is_a_400_and_nothing_is_stored(api_client, submission, fields, field):
    response = api_client.post(submit_url(), {**submission, **fields}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Testimonial.objects.exists()


def test_the_share_page_asks_for_it(client, topic, consent):
    html = client.get(f"/share/{topic.slug}/").content.decode()
    assert "Your connection to the clinic (optional)" in html
    assert 'value="employee"' in html
    response = client.post(
        f"/share/{topic.slug}/",
        {
            "author_name": "Maria Lopez",
            "body": "After four sessions and the home exercises I can sit through a workday.",
            "consent_to_publish": "on",
            "consent_text_version": consent.version,
            "channels": ["clinic", "partners", "widget"],
            "age": "adult",
            "signature": "Maria Lopez",
            "material_connection": "gift",
            "material_connection_detail": "A free massage",
            "website": "",
        },
    )
    assert response.status_code == 303
    story = Testimonial.objects.get()
    assert (story.material_connection, story.material_connection_detail) == (
        "gift",
        "A free massage",
    )


def test_it_appears_on_every_surface(client, api_client, connected, topic):
    [item] = api_client.get(f"/api/v1/published/?topic={topic.slug}").json()["results"]
    assert connections_of(item) == [DISCOUNT]
    [change] = api_client.get("/api/v1/published/changes").json()["results"]
    assert connections_of(change["testimonial"]) == [DISCOUNT]

    html = client.get(f"/education/{topic.slug}/").content.decode()
    story = html[html.index(f'id="story-{connected.public_id}"') :]
    story = story[: story.index("</li>")]
    assert f"<strong>Disclosure:</strong> {DISCOUNT}" in story

    feed = client.get(f"/education/{topic.slug}/feed/").content.decode()
    assert "Disclosure:" in feed
    assert DISCOUNT in feed


def test_a_story_with_a_connection_is_not_marked_up_as_a_review(client, connected, topic):
    plain = TestimonialFactory(status="published")
    html = client.get(f"/education/{topic.slug}/").content.decode()
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    reviews = json.loads(script)["@graph"]
    assert [r["@id"].rsplit("#story-", 1)[1] for r in reviews] == [str(plain.public_id)]
    assert "AggregateRating" not in html


def test_a_page_whose_stories_all_need_disclosures_has_no_review_markup(client, connected, topic):
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert "application/ld+json" not in html


def test_a_moderator_sets_it_when_approving(moderator_client, topic):
    story = TestimonialFactory(status="pending_review")
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve",
        {"material_connection": "employee"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["material_connection"] == "employee"
    change = StatusChange.objects.get(testimonial=story, to_status="published")
    assert change.details["material_connection"] == {"from": "", "to": "employee"}


def test_a_moderator_sets_it_on_a_published_story_and_websites_hear_of_it(
    moderator_client, api_client, connected, clinic_site, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        site=clinic_site.site, url="http://127.0.0.1:9/hook", events=["testimonial.updated"]
    )
    url = f"/api/v1/moderation/testimonials/{connected.public_id}/connection"
    with django_capture_on_commit_callbacks(execute=False):
        response = moderator_client.post(
            url, {"material_connection": "employee", "version": connected.version}, format="json"
        )
    assert response.status_code == 200
    assert PublicationChange.objects.filter(event="testimonial.updated").count() == 1
    assert WebhookDelivery.objects.filter(change__event="testimonial.updated").count() == 1
    [item] = api_client.get("/api/v1/published/").json()["results"]
    assert connections_of(item) == [EMPLOYEE]
    repeat = moderator_client.post(url, {"material_connection": "employee"}, format="json")
    assert repeat.status_code == 200
    assert PublicationChange.objects.filter(event="testimonial.updated").count() == 1


def test_the_connection_endpoint_is_a_409_for_a_story_that_is_not_published(
    moderator_client, topic
):
    story = TestimonialFactory(status="pending_review")
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/connection",
        {"material_connection": "employee"},
        format="json",
    )
    assert response.status_code == 409


def test_the_review_page_shows_and_sets_it(moderator, connected):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    url = f"/admin/testimonials/testimonial/{connected.pk}/review/"
    html = browser.get(url).content.decode()
    assert "Received a discount: 10% off my next visit" in html
    browser.post(
        url,
        {
            "action": "connection",
            "version": connected.version,
            "material_connection": "other",
            "material_connection_detail": "Her brother is our landlord",
        },
    )
    connected.refresh_from_db()
    assert connected.material_connection == "other"
    assert connected.material_connection_detail == "Her brother is our landlord"


def test_a_webhook_delivery_carries_it(moderator, clinic_site, topic, committed):
    with webhook_receiver() as receiver:
        WebhookEndpoint.objects.create(
            site=clinic_site.site, url=receiver.url, events=["testimonial.published"]
        )
        story = TestimonialFactory(status="pending_review", material_connection="employee")
        committed(
            moderation_decisions.testimonial_approve, public_id=story.public_id, moderator=moderator
        )
        [delivery] = WebhookDelivery.objects.all()
        webhook_delivery.webhook_delivery_attempt(
            delivery_id=delivery.pk, retry_delay=webhook_retry_delay
        )
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert connections_of(payload["testimonial"]) == [EMPLOYEE]
