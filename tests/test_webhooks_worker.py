"""Webhooks through a real Celery worker: enqueued after commit, delivered
signed to a real receiver; a failing receiver is retried with backoff by
the worker, then logged as failed."""

import json

import pytest

from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import services as moderation_decisions
from testimonials.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from testimonials.sites import site_keys, webhooks
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory
from tests.support.receiver import webhook_receiver
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 3
BASE = 0.5


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    settings = {"WEBHOOK_MAX_ATTEMPTS": str(ATTEMPTS), "WEBHOOK_RETRY_BASE_SECONDS": str(BASE)}
    with django_db_blocker.unblock(), celery_worker(extra_env=settings) as process:
        yield process


def publish_one(receiver_url):
    TopicFactory()
    ConsentTextFactory()
    moderator = moderation_moderators.moderator_create(username="alice").user
    site = site_keys.site_create(name="Riverside Physio").site
    endpoint = WebhookEndpoint.objects.create(
        site=site, url=receiver_url, events=["testimonial.published"]
    )
    waiting = TestimonialFactory(status="pending_review")
    testimonial = moderation_decisions.testimonial_approve(
        public_id=waiting.public_id, moderator=moderator
    )
    return endpoint, testimonial


def test_it_delivers_a_signed_event_through_the_worker(worker):
    with webhook_receiver() as receiver:
        endpoint, testimonial = publish_one(receiver.url)
        wait_for(lambda: receiver.requests, timeout=30, message="the delivery")
        delivery = wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).first(),
            message="the delivery to be logged",
        )
    [request] = receiver.requests
    assert webhooks.verify(
        secret=endpoint.secret,
        header=request.headers["X-Testimonials-Signature"],
        body=request.body,
    )
    assert json.loads(request.body)["testimonial"]["id"] == str(testimonial.public_id)
    assert delivery.attempts == 1


def test_it_retries_a_failing_receiver_with_backoff_then_gives_up(worker):
    with webhook_receiver(status=503) as receiver:
        publish_one(receiver.url)
        delivery = wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).first(),
            timeout=60,
            message="the delivery to fail for good",
        )
    assert delivery.attempts == ATTEMPTS
    assert delivery.last_error == "HTTP 503"
    assert len(receiver.requests) == ATTEMPTS
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert gaps[0] >= BASE * 0.9
    assert gaps[1] >= 2 * BASE * 0.9
