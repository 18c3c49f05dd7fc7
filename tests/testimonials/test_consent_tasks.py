"""Beat's consent jobs: thin tasks over the services, safe to run twice."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from testimonials import tasks
from testimonials.models import ConsentNotice
from tests.factories import TestimonialFactory
from tests.support.tasks import on_send


def test_beat_runs_the_consent_jobs():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "testimonials.tasks.sweep_authorizations",
        "testimonials.tasks.sweep_consent_notices",
        "moderation.tasks.expire_personal_data",
    } <= scheduled


def test_the_sweep_resends_notices_a_lost_message_left_behind(db, topic, monkeypatch):
    sent = []
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", sent.append)
    story = TestimonialFactory(email="pat@example.com")
    notice = ConsentNotice.objects.create(authorization=story.authorizations.get(), kind="copy")
    assert tasks.sweep_consent_notices() == 0, "too fresh: its own message may be on its way"
    with time_machine.travel(
        timezone.now() + settings.SCREENING_STUCK_AFTER + timedelta(seconds=5)
    ):
        assert tasks.sweep_consent_notices() == 1
    assert sent == [notice.pk]


def test_the_authorization_sweep_asks_and_expires(db, topic, monkeypatch):
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)
    story = TestimonialFactory(status="published", email="pat@example.com")
    expires_at = story.authorizations.get().expires_at
    with time_machine.travel(expires_at - timedelta(days=3)):
        assert tasks.sweep_authorizations() == 1
    with time_machine.travel(expires_at + timedelta(minutes=1)):
        assert tasks.sweep_authorizations() == 1
        assert tasks.sweep_authorizations() == 0
    story.refresh_from_db()
    assert story.status == "unpublished"
