"""No authorization, no publish: every path and every public surface.

Surfaces: the education page, the public API (as a partner and as the
widget asks), the Atom feed, the changes feed, webhooks."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from testimonials.consent import authorization_expiry, consent_notices, edit_approval
from testimonials.models import (
    ConsentNotice,
    DeliveryStatus,
    StatusChange,
    Testimonial,
    WebhookDelivery,
    WebhookEndpoint,
)
from testimonials.publishing import generation
from testimonials.sites import webhook_delivery
from testimonials.stories import patient_links
from testimonials.tasks import webhook_retry_delay
from tests.factories import TestimonialFactory
from tests.support.receiver import webhook_receiver
from tests.support.tasks import on_send

STORY = "After five sessions I could lift my toddler again without a twinge."
EDITED = "After five sessions I could lift my toddler again, and run a marathon."
EVENTS = ["testimonial.published", "testimonial.updated", "testimonial.unpublished"]


def surfaces(client, topic, text):
    """Where `text` shows now: each public surface, read afresh."""
    api = client.get("/api/v1/published/", {"topic": topic.slug}).json()["results"]
    widget = client.get(
        "/api/v1/published/", {"topic": topic.slug, "channel": "widget", "limit": 5}
    ).json()["results"]
    changes = client.get("/api/v1/published/changes").json()["results"]
    return {
        "page": text in client.get(f"/education/{topic.slug}/").content.decode(),
        "api": any(item["body"] == text for item in api),
        "widget": any(item["body"] == text for item in widget),
        "feed": text in client.get(f"/education/{topic.slug}/feed/").content.decode(),
        "changes": any(
            change["testimonial"] and change["testimonial"]["body"] == text for change in changes
        ),
    }


NOWHERE = dict.fromkeys(["page", "api", "widget", "feed", "changes"], False)
EVERYWHERE = dict.fromkeys(["page", "api", "widget", "feed", "changes"], True)


def moderator_client_for(user):
    browser = Client()
    browser.force_login(user)
    return browser


# --- No path publishes without an authorization in effect ------------------------

UNAUTHORIZED = {
    "none": {"authorization": False},
    "revoked": {
        "authorization__revoked_at": timezone.now(),
        "authorization__revocation": "withdrawn",
    },
    "expired": {"authorization__expires_at": timezone.now() - timedelta(minutes=1)},
}


@pytest.fixture(params=sorted(UNAUTHORIZED))
def unauthorized(request, topic, consent):
    return TestimonialFactory(body=STORY, risk_score=0, **UNAUTHORIZED[request.param])


def _refused(story, client, topic):
    story.refresh_from_db()
    assert story.status == "pending_review"
    assert surfaces(client, topic, STORY) == NOWHERE
    assert not StatusChange.objects.filter(testimonial=story, to_status="published").exists()


def test_the_moderation_api_refuses_to_publish(unauthorized, moderator_client, client, topic):
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{unauthorized.public_id}/approve", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "authorization_required"
    _refused(unauthorized, client, topic)


def test_the_review_page_refuses_to_publish(unauthorized, moderator, client, topic):
    browser = moderator_client_for(moderator)
    page = f"/admin/testimonials/testimonial/{unauthorized.pk}/review/"
    response = browser.post(
        page, {"action": "approve", "version": unauthorized.version}, follow=True
    )
    assert "no authorization in effect" in response.content.decode()
    _refused(unauthorized, client, topic)


def test_the_bulk_action_refuses_to_publish(unauthorized, moderator, client, topic):
    browser = moderator_client_for(moderator)
    response = browser.post(
        "/admin/testimonials/testimonial/",
        {"action": "approve_low_risk", "_selected_action": [unauthorized.pk]},
        follow=True,
    )
    assert "no authorization in effect" in response.content.decode()
    _refused(unauthorized, client, topic)


def test_the_service_refuses_to_publish_a_suggested_redaction(
    unauthorized, moderator, client, topic
):
    Testimonial.objects.filter(pk=unauthorized.pk).update(suggested_body="After [...] again.")
    with pytest.raises(Exception, match="no authorization in effect"):
        moderation_decisions.testimonial_approve(
            public_id=unauthorized.public_id, moderator=moderator, use_suggested_body=True
        )
    _refused(unauthorized, client, topic)


def test_a_direct_save_publishes_nothing(unauthorized, client, topic):
    unauthorized.status = "published"
    unauthorized.published_at = timezone.now()
    unauthorized.save()
    assert surfaces(client, topic, STORY) == NOWHERE


@pytest.mark.parametrize(
    "change",
    [
        {"published_body": EDITED},
        {"body": EDITED},
        {"public_name": "Dr. Somebody Else"},
    ],
)
def test_a_direct_change_to_what_shows_takes_it_off_every_surface(client, topic, publish, change):
    story = publish(body=STORY)
    generation.publication_cache_check()
    assert surfaces(client, topic, STORY) == EVERYWHERE
    Testimonial.objects.filter(pk=story.pk).update(**change)
    # No hook sees a change made behind the services' back: the cached pages
    # and the list drop the story at the publication sweep (every
    # SCREENING_SWEEP_INTERVAL), the uncached feeds at once.
    assert surfaces(client, topic, STORY)["changes"] is False
    assert generation.publication_cache_check() is True
    assert surfaces(client, topic, STORY) == NOWHERE
    assert surfaces(client, topic, EDITED) == NOWHERE


# --- An edit that changes the meaning waits for the patient ------------------------


def test_changing_a_published_text_takes_it_off_every_surface_until_approved(
    client, topic, publish, moderator, committed, clinic_site
):
    WebhookEndpoint.objects.create(site=clinic_site.site, url="https://c.example/h", events=EVENTS)
    story = publish(body=STORY, email="pat@example.com")
    etag = client.get("/api/v1/published/")["ETag"]
    assert surfaces(client, topic, STORY) == EVERYWHERE

    committed(
        moderation_decisions.testimonial_edit_published,
        public_id=story.public_id,
        moderator=moderator,
        body=EDITED,
    )
    assert client.get("/api/v1/published/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert surfaces(client, topic, STORY) == NOWHERE
    assert surfaces(client, topic, EDITED) == NOWHERE
    [removed] = client.get("/api/v1/published/changes").json()["results"]
    assert removed["type"] == "removed"
    assert WebhookDelivery.objects.latest("id").change.event == "testimonial.unpublished"
    assert ConsentNotice.objects.filter(kind="approve_edit").exists()

    story.refresh_from_db()
    committed(
        edit_approval.authorization_approve_edit,
        testimonial=story,
        signature="Pat Doe",
        expected_version=story.version,
    )
    assert surfaces(client, topic, EDITED) == EVERYWHERE
    assert WebhookDelivery.objects.latest("id").change.event == "testimonial.published"


def test_a_redaction_keeps_it_public_everywhere(client, topic, publish, moderator, committed):
    story = publish(body=STORY)
    redacted = "After five sessions I could lift my [name] again [...]."
    committed(
        moderation_decisions.testimonial_edit_published,
        public_id=story.public_id,
        moderator=moderator,
        body=redacted,
    )
    assert surfaces(client, topic, redacted) == EVERYWHERE


# --- Withdrawal -------------------------------------------------------------------


def test_withdrawal_is_gone_everywhere_signed_webhook_and_tombstone(
    client, topic, publish, clinic_site, committed
):
    with webhook_receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            site=clinic_site.site, url=receiver.url, events=["testimonial.unpublished"]
        )
        story = publish(body=STORY)
        list_etag = client.get("/api/v1/published/")["ETag"]
        widget_query = {"topic": topic.slug, "channel": "widget", "limit": 5}
        widget_etag = client.get("/api/v1/published/", widget_query)["ETag"]
        assert surfaces(client, topic, STORY) == EVERYWHERE

        withdrawn = committed(
            client.post,
            path=f"/api/v1/testimonials/{story.public_id}/"
            f"{patient_links.patient_secret(story.public_id)}/withdraw",
        )
        assert withdrawn.json()["status"] == "withdrawn"

        again = client.get("/api/v1/published/", HTTP_IF_NONE_MATCH=list_etag)
        assert again.status_code == 200, "no 304 with the old ETag"
        assert again.json()["results"] == []
        widget = client.get("/api/v1/published/", widget_query, HTTP_IF_NONE_MATCH=widget_etag)
        assert (widget.status_code, widget.json()["results"]) == (200, [])
        assert surfaces(client, topic, STORY) == NOWHERE
        [tombstone] = client.get("/api/v1/published/changes").json()["results"]
        assert tombstone == {**tombstone, "type": "removed", "id": str(story.public_id)}
        assert tombstone["testimonial"] is None

        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        sent = webhook_delivery.webhook_delivery_attempt(
            delivery_id=delivery.pk, retry_delay=webhook_retry_delay
        )
    assert sent.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert request.headers["X-Testimonials-Event"] == "testimonial.unpublished"
    payload = json.loads(request.body)
    assert payload["testimonial"] == {"id": str(story.public_id), "topic": topic.slug}
    fields = dict(
        part.split("=", 1) for part in request.headers["X-Testimonials-Signature"].split(",")
    )
    expected = hmac.new(
        endpoint.secret.encode(), f"{fields['t']}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, fields["v1"])


# --- Expiry, with a moved clock ------------------------------------------------------


def test_expiry_asks_first_then_takes_the_story_down(
    client, topic, publish, clinic_site, settings, monkeypatch
):
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)
    WebhookEndpoint.objects.create(site=clinic_site.site, url="https://c.example/h", events=EVENTS)
    story = publish(body=STORY, email="pat@example.com")
    expires_at = story.authorizations.get().expires_at

    with time_machine.travel(
        expires_at - settings.AUTHORIZATION_RECONFIRM_BEFORE - timedelta(days=1)
    ):
        assert authorization_expiry.authorizations_reconfirm() == 0
    with time_machine.travel(expires_at - timedelta(days=10)):
        assert authorization_expiry.authorizations_reconfirm() == 1
        assert authorization_expiry.authorizations_reconfirm() == 0, "asked once"
        notice = ConsentNotice.objects.get(kind="reconfirm")
        assert consent_notices.consent_notice_send(notice_id=notice.pk)
        assert "ends on" in mail.outbox[-1].subject
        assert "keep it" in mail.outbox[-1].body
        assert surfaces(client, topic, STORY) == EVERYWHERE

    with time_machine.travel(expires_at + timedelta(seconds=1)):
        # The gate hides it from the first second, before any job runs ...
        assert surfaces(client, topic, STORY)["api"] is False
        assert client.get(f"/education/{topic.slug}/").content.decode().count(STORY) == 0
        # ... and the job makes it a status, a tombstone and a webhook.
        assert authorization_expiry.authorizations_expire() == 1
        assert authorization_expiry.authorizations_expire() == 0
        story.refresh_from_db()
        assert story.status == "unpublished"
        audit = StatusChange.objects.filter(testimonial=story).last()
        assert (audit.actor_label, audit.reason) == (
            "system:authorization",
            "authorization expired",
        )
        [tombstone] = client.get("/api/v1/published/changes").json()["results"]
        assert tombstone["type"] == "removed"
        assert WebhookDelivery.objects.latest("id").change.event == "testimonial.unpublished"
        assert ConsentNotice.objects.filter(kind="expired").exists()
        assert surfaces(client, topic, STORY) == NOWHERE
