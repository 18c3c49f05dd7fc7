from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation import services, tasks
from testimonials.models import Status, StatusChange, Testimonial
from tests.factories import TestimonialFactory


@pytest.fixture
def submitted(db):
    return TestimonialFactory(status=Status.SUBMITTED, risk_score=None)


def test_it_screens_a_submission_into_the_review_queue(submitted):
    services.testimonial_screen(testimonial_id=submitted.pk)
    submitted.refresh_from_db()
    assert submitted.status == Status.PENDING_REVIEW
    assert submitted.screened_at is not None
    assert submitted.risk_score == 0
    moves = list(StatusChange.objects.values_list("from_status", "to_status", "actor_label"))
    assert moves == [
        ("submitted", "screening", "system:screening"),
        ("screening", "pending_review", "system:screening"),
    ]


def test_the_task_stores_the_flags_with_spans(db):
    body = "My recovery blog is at www.my-back-story.example.com and it has the details."
    testimonial = TestimonialFactory(status=Status.SUBMITTED, body=body)
    tasks.screen_testimonial.run(testimonial.pk)
    testimonial.refresh_from_db()
    [flag] = testimonial.screening_flags
    assert flag["kind"] == "pii"
    assert flag["entity"] == "URL"
    assert body[flag["start"] : flag["end"]] == "www.my-back-story.example.com"
    assert testimonial.risk_score == 30


def test_clear_spam_skips_the_queue_with_the_reason_recorded(db):
    body = "Buy now at http://a.example.biz http://b.example.biz http://c.example.biz"
    testimonial = TestimonialFactory(status=Status.SUBMITTED, body=body)
    services.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.REJECTED
    assert testimonial.rejection_reason == "spam"
    assert StatusChange.objects.get(to_status="rejected").reason == "clear spam"


def test_a_negative_low_rated_story_is_never_rejected_by_screening(db):
    testimonial = TestimonialFactory(
        status=Status.SUBMITTED,
        rating=1,
        body="Terrible experience. The needling hurt, nothing improved, and I would not go back.",
    )
    services.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.PENDING_REVIEW


def test_screening_twice_stores_one_result(submitted):
    services.testimonial_screen(testimonial_id=submitted.pk)
    assert services.testimonial_screen(testimonial_id=submitted.pk) is None
    assert StatusChange.objects.filter(to_status="pending_review").count() == 1


def test_an_item_left_in_screening_by_a_dead_worker_is_screened_again(db):
    testimonial = TestimonialFactory(status=Status.SCREENING)
    services.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.PENDING_REVIEW


def test_a_story_withdrawn_before_screening_stays_withdrawn(db):
    testimonial = TestimonialFactory(status=Status.WITHDRAWN)
    assert services.testimonial_screen(testimonial_id=testimonial.pk) is None
    testimonial.refresh_from_db()
    assert testimonial.status == Status.WITHDRAWN


def test_a_screener_that_keeps_failing_sends_the_story_to_humans(submitted, settings):
    settings.SCREENING_SCREENERS = ["tests.moderation.test_screening_service.exploding_screener"]
    settings.SCREENING_MAX_RETRIES = 0
    tasks.screen_testimonial.run(submitted.pk)
    submitted.refresh_from_db()
    assert submitted.status == Status.PENDING_REVIEW
    assert [flag["kind"] for flag in submitted.screening_flags] == ["screening_failed"]
    assert "RuntimeError" in submitted.screening_flags[0]["detail"]


def test_a_failing_screener_is_retried_with_backoff_before_giving_up(
    submitted, settings, monkeypatch
):
    from celery.exceptions import Retry

    settings.SCREENING_SCREENERS = ["tests.moderation.test_screening_service.exploding_screener"]
    settings.SCREENING_MAX_RETRIES = 3
    countdowns = []

    def fake_retry(*, exc, countdown):
        countdowns.append(countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(tasks.screen_testimonial, "retry", fake_retry)
    with pytest.raises(Retry):
        tasks.screen_testimonial.run(submitted.pk)
    assert countdowns == [2]
    assert tasks.backoff_seconds(4) == 32
    assert tasks.backoff_seconds(20) == 300
    submitted.refresh_from_db()
    assert submitted.status == Status.SCREENING, "not published, not lost: waiting for its retry"


def exploding_screener(text, context):
    raise RuntimeError("screener crashed")


def test_the_sweep_re_enqueues_what_is_stuck(db, monkeypatch):
    enqueued = []
    monkeypatch.setattr("moderation.tasks.screen_testimonial.delay", enqueued.append)
    stuck = TestimonialFactory(status=Status.SUBMITTED)
    stuck_screening = TestimonialFactory(status=Status.SCREENING)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        fresh = TestimonialFactory(status=Status.SUBMITTED, status_changed_at=timezone.now())
        TestimonialFactory(status=Status.PENDING_REVIEW)
        assert tasks.sweep_stuck_screening.run() == 2
    assert sorted(enqueued) == sorted([stuck.pk, stuck_screening.pk])
    assert fresh.pk not in enqueued


def test_the_moderators_group_has_the_right_permissions(moderator):
    assert moderator.has_perm("testimonials.moderate_testimonial")
    assert moderator.has_perm("testimonials.view_testimonial")
    assert not moderator.has_perm("testimonials.change_topic")
    assert not moderator.has_perm("testimonials.delete_testimonial")
    assert not moderator.has_perm("auth.change_user")
    assert Testimonial.objects.count() == 0
