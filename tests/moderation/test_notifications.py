from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from moderation import tasks
from moderation.decisions import services as moderation_decisions
from moderation.models import ModeratorDigest, PatientNotification
from moderation.notifications import patients
from tests.factories import TestimonialFactory


@pytest.fixture
def enqueued(monkeypatch):
    sent = []

    def send_now(name, notification_id, *, label):
        assert name == "moderation.tasks.notify_patient"
        sent.append(notification_id)

    monkeypatch.setattr("config.enqueue.send_now", send_now)
    monkeypatch.setattr("moderation.tasks.notify_patient.delay", sent.append)
    return sent


def test_approving_emails_the_patient_once_after_commit(
    moderator, db, enqueued, django_capture_on_commit_callbacks
):
    testimonial = TestimonialFactory(status="pending_review", email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_approve(
            public_id=testimonial.public_id, moderator=moderator
        )
    [notification_id] = enqueued
    assert tasks.notify_patient.run(notification_id) is None
    tasks.notify_patient.run(notification_id)

    [email] = mail.outbox
    assert email.to == ["maria@example.com"]
    assert email.subject == "Your story about Dry needling for low back pain is now published"
    assert "/education/dry-needling-low-back-pain/" in email.body
    assert f"/api/v1/testimonials/{testimonial.public_id}/" in email.body
    assert testimonial.body not in email.body, "the story itself never travels by email"


def test_rejecting_tells_the_patient_the_content_reason(
    moderator, db, enqueued, django_capture_on_commit_callbacks
):
    testimonial = TestimonialFactory(status="pending_review", email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_reject(
            public_id=testimonial.public_id, moderator=moderator, reason="personal_data"
        )
    patients.patient_notification_send(notification_id=enqueued[0])
    [email] = mail.outbox
    assert "Contains personal data that cannot be redacted" in email.body
    assert "never declined for being critical" in email.body


def test_no_email_no_notification(moderator, db, enqueued, django_capture_on_commit_callbacks):
    testimonial = TestimonialFactory(status="pending_review", email="")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_approve(
            public_id=testimonial.public_id, moderator=moderator
        )
    assert enqueued == []
    assert not PatientNotification.objects.exists()


def test_a_failed_send_is_released_for_the_retry(
    moderator, db, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    testimonial = TestimonialFactory(status="pending_review", email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_approve(
            public_id=testimonial.public_id, moderator=moderator
        )

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        patients.patient_notification_send(notification_id=enqueued[0])
    assert PatientNotification.objects.get().sent_at is None
    monkeypatch.undo()
    assert patients.patient_notification_send(notification_id=enqueued[0]) is True
    assert len(mail.outbox) == 1


def test_the_sweep_resends_what_a_lost_message_left_unsent(
    moderator, db, enqueued, django_capture_on_commit_callbacks
):
    testimonial = TestimonialFactory(status="pending_review", email="maria@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        moderation_decisions.testimonial_approve(
            public_id=testimonial.public_id, moderator=moderator
        )
    assert enqueued == []
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert tasks.sweep_unsent_notifications.run() == 1
    assert enqueued == [PatientNotification.objects.get().pk]


def test_moderators_get_a_digest_of_items_waiting_too_long(moderator, other_moderator, db):
    moderator.email = "alice@clinic.example"
    moderator.save()
    other_moderator.email = "bob@clinic.example"
    other_moderator.save()
    long_ago = timezone.now() - timedelta(hours=30)
    TestimonialFactory(status="pending_review", status_changed_at=long_ago)
    TestimonialFactory(status="pending_review")

    assert tasks.send_moderator_digest.run() is True
    [email] = mail.outbox
    assert sorted(email.to) == ["alice@clinic.example", "bob@clinic.example"]
    assert email.subject == "1 patient story waiting for review"
    assert "more than 24 hours" in email.body
    assert "/admin/testimonials/testimonial/" in email.body
    assert tasks.send_moderator_digest.run() is False, "one digest per interval"
    assert ModeratorDigest.objects.get().overdue_count == 1


def test_no_digest_when_nothing_is_overdue(moderator, db):
    moderator.email = "alice@clinic.example"
    moderator.save()
    TestimonialFactory(status="pending_review")
    assert tasks.send_moderator_digest.run() is False
    assert mail.outbox == []
