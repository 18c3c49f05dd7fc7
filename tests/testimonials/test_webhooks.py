"""Webhook deliveries to a real HTTP receiver on loopback: signed, retried
with backoff, logged; only what is public leaves the building."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from config.celery_app import app as celery_app
from moderation.decisions import services as moderation_decisions
from testimonials.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from testimonials.publishing import generation
from testimonials.sites import site_keys, webhook_delivery, webhooks
from testimonials.stories import withdrawal
from testimonials.tasks import webhook_retry_delay
from tests.support.receiver import webhook_receiver

ALL_EVENTS = ["testimonial.published", "testimonial.updated", "testimonial.unpublished"]
ORIGINAL = "Call me on 541-555-0123: the therapist Jenna fixed my back in four sessions."
REDACTED = "[…] the therapist [name] fixed my back in four sessions."


@pytest.fixture
def endpoint(clinic_site):
    def make(url, events=ALL_EVENTS, **fields):
        return WebhookEndpoint.objects.create(
            site=clinic_site.site, url=url, events=events, **fields
        )

    return make


def attempt(delivery, retry_delay=webhook_retry_delay):
    return webhook_delivery.webhook_delivery_attempt(
        delivery_id=delivery.pk, retry_delay=retry_delay
    )


def verify_like_the_docs(secret, header, body, tolerance=300):
    """The receiver's side, as docs/publishing.md shows it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    signed = f"{fields['t']}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(fields["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected.encode(), fields["v1"].encode())


def test_it_delivers_a_publication_signed_and_public_only(endpoint, moderator, committed):
    from tests.factories import TestimonialFactory

    with webhook_receiver() as receiver:
        hook = endpoint(receiver.url)
        waiting = TestimonialFactory(
            body=ORIGINAL, email="maria@example.com", author_name="Maria Lopez", rating=4
        )
        testimonial = committed(
            moderation_decisions.testimonial_approve,
            public_id=waiting.public_id,
            moderator=moderator,
            body=REDACTED,
        )
        [delivery] = WebhookDelivery.objects.all()
        delivery = attempt(delivery)

    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    [request] = receiver.requests
    assert request.path == "/hooks/stories"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Testimonials-Event"] == "testimonial.published"
    assert request.headers["X-Testimonials-Delivery"] == str(delivery.public_id)
    signature = request.headers["X-Testimonials-Signature"]
    assert verify_like_the_docs(hook.secret, signature, request.body)
    assert webhooks.verify(secret=hook.secret, header=signature, body=request.body)
    assert not webhooks.verify(secret="another secret", header=signature, body=request.body)
    assert not webhooks.verify(secret=hook.secret, header=signature, body=request.body + b" ")

    payload = json.loads(request.body)
    assert payload["event"] == "testimonial.published"
    assert payload["id"] == str(delivery.public_id)
    assert payload["testimonial"] == {
        "id": str(testimonial.public_id),
        "display_name": "Maria L.",
        "body": REDACTED,
        "rating": 4,
        "topic": testimonial.topic.slug,
        "location": testimonial.location.slug,
        "clinician": None,
        "published_at": testimonial.published_at.isoformat().replace("+00:00", "Z"),
        "featured": False,
        "verified_patient": False,
        "material_connections": [],
        "typical_results": None,
        "media": [],
    }
    for private in (b"maria@example.com", b"Lopez", b"541-555-0123", b"Jenna"):
        assert private not in request.body


def test_it_does_not_verify_a_stale_or_malformed_signature():
    body = b'{"event": "testimonial.published"}'
    old = webhooks.sign(secret="s", timestamp=int(time.time()) - 3600, body=body)
    assert not webhooks.verify(secret="s", header=old, body=body)
    assert not webhooks.verify(secret="s", header="v1=abc", body=body)


def test_it_writes_the_outbox_rows_with_the_change_itself(
    endpoint, publish, moderator, django_capture_on_commit_callbacks
):
    endpoint("http://127.0.0.1:9/hook")
    endpoint("http://127.0.0.1:9/only-removals", events=["testimonial.unpublished"])
    testimonial = publish()
    with django_capture_on_commit_callbacks(execute=False):
        moderation_decisions.testimonial_unpublish(
            public_id=testimonial.public_id, moderator=moderator, reason="spam"
        )
    events = sorted(WebhookDelivery.objects.values_list("change__event", "endpoint__url"))
    assert events == [
        ("testimonial.published", "http://127.0.0.1:9/hook"),
        ("testimonial.unpublished", "http://127.0.0.1:9/hook"),
        ("testimonial.unpublished", "http://127.0.0.1:9/only-removals"),
    ]


def test_it_retries_a_failing_receiver_with_backoff_then_logs_it_as_failed(endpoint, publish):
    with (
        webhook_receiver(status=500) as receiver,
        override_settings(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_RETRY_BASE_SECONDS=10),
    ):
        endpoint(receiver.url)
        publish()
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            delivery = attempt(delivery)
            assert delivery.status == DeliveryStatus.PENDING
            assert delivery.last_error == "HTTP 500"
            assert delivery.next_attempt_at == start + timedelta(seconds=10)
            assert attempt(delivery) is None, "not due yet: a duplicate message does nothing"
        with time_machine.travel(start + timedelta(seconds=10), tick=False):
            delivery = attempt(delivery)
            assert delivery.next_attempt_at == start + timedelta(seconds=30)
        with time_machine.travel(start + timedelta(seconds=30), tick=False):
            delivery = attempt(delivery)

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert delivery.last_status_code == 500
    assert len(receiver.requests) == 3
    assert len({r.headers["X-Testimonials-Delivery"] for r in receiver.requests}) == 1


@override_settings(WEBHOOK_MAX_ATTEMPTS=8, WEBHOOK_RETRY_BASE_SECONDS=30)
def test_it_doubles_the_backoff_up_to_a_cap():
    assert [webhook_retry_delay(n) for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1800,
        None,
    ]


def test_it_records_an_unreachable_receiver_as_an_error(endpoint, publish):
    with webhook_receiver() as receiver:
        closed_url = receiver.url
    endpoint(closed_url)
    publish()
    delivery = attempt(WebhookDelivery.objects.get())
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "ConnectionRefusedError"
    assert delivery.last_status_code is None


def test_it_never_sends_a_story_withdrawn_before_its_turn(endpoint, publish, committed):
    with webhook_receiver() as receiver:
        endpoint(receiver.url)
        testimonial = publish()
        committed(withdrawal.testimonial_withdraw, testimonial=testimonial)
        published, removed = WebhookDelivery.objects.order_by("id")
        assert attempt(published).status == DeliveryStatus.SKIPPED
        assert attempt(removed).status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["event"] == "testimonial.unpublished"
    assert payload["testimonial"] == {
        "id": str(testimonial.public_id),
        "topic": "dry-needling-low-back-pain",
    }


def test_it_fails_at_once_for_an_address_that_turned_private(endpoint, publish):
    endpoint("http://127.0.0.1:9/hook")
    publish()
    with override_settings(WEBHOOK_ALLOWED_NETWORKS=[]):
        delivery = attempt(WebhookDelivery.objects.get())
    assert delivery.status == DeliveryStatus.FAILED
    assert "private" in delivery.last_error
    assert delivery.attempts == 1


def test_it_keeps_deliveries_in_the_outbox_while_the_broker_is_down(
    endpoint, moderator, django_capture_on_commit_callbacks
):
    from tests.factories import TestimonialFactory

    endpoint("http://127.0.0.1:9/hook")
    waiting = TestimonialFactory()
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moderation_decisions.testimonial_approve(
                public_id=waiting.public_id, moderator=moderator
            )
    finally:
        celery_app.conf.broker_url = original
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert webhook_delivery.webhook_deliveries_due(older_than=timedelta(seconds=60)) == []
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert webhook_delivery.webhook_deliveries_due(older_than=timedelta(seconds=60)) == [
            delivery.pk
        ]


def test_it_announces_an_edit_as_an_update_with_the_new_text(
    endpoint, publish, moderator, committed
):
    with webhook_receiver() as receiver:
        endpoint(receiver.url, events=["testimonial.updated"])
        testimonial = publish(body=ORIGINAL)
        committed(
            moderation_decisions.testimonial_edit_published,
            public_id=testimonial.public_id,
            moderator=moderator,
            body=REDACTED,
        )
        attempt(WebhookDelivery.objects.get())
    [request] = receiver.requests
    assert request.headers["X-Testimonials-Event"] == "testimonial.updated"
    assert json.loads(request.body)["testimonial"]["body"] == REDACTED
    assert b"541-555-0123" not in request.body


def test_it_sends_nothing_to_revoked_sites_or_disabled_endpoints(endpoint, publish, clinic_site):
    endpoint("http://127.0.0.1:9/off", is_active=False)
    live = endpoint("http://127.0.0.1:9/on")
    publish()
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [live.pk]
    site_keys.site_revoke(site=clinic_site.site)
    delivery = attempt(WebhookDelivery.objects.get())
    assert delivery.status == DeliveryStatus.SKIPPED
    publish(body="Published after the site was revoked: no delivery at all.")
    assert WebhookDelivery.objects.count() == 1


def test_it_enqueues_the_new_deliveries_after_commit(endpoint, publish, monkeypatch):
    enqueued = []
    monkeypatch.setattr(generation, "webhook_deliveries_enqueue", enqueued.append)
    endpoint("http://127.0.0.1:9/hook")
    publish()
    assert enqueued == [[WebhookDelivery.objects.get().pk]]
