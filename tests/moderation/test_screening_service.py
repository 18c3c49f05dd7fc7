from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from moderation import tasks
from moderation.intake import screening as moderation_intake
from testimonials.models import Status, StatusChange, Testimonial
from tests.factories import TestimonialFactory


@pytest.fixture
def submitted(db):
    return TestimonialFactory(status=Status.SUBMITTED, risk_score=None)


def test_it_screens_a_submission_into_the_review_queue(submitted):
    moderation_intake.testimonial_screen(testimonial_id=submitted.pk)
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
    assert testimonial.risk_score == 10, "a link is low risk"
    assert testimonial.suggested_body == "My recovery blog is at [link] and it has the details."


def test_the_task_stores_every_flag_and_the_suggested_redaction(db):
    body = (
        "My therapist Odalys Brennan fixed my back. Call me at (541) 555-0187 "
        "or write to rosalind.k@example.com if you want to know more."
    )
    testimonial = TestimonialFactory(status=Status.SUBMITTED, body=body, author_name="Ros K.")
    moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    found = [(f["entity"], body[f["start"] : f["end"]]) for f in testimonial.screening_flags]
    assert found == [
        ("PERSON", "Odalys Brennan"),
        ("PHONE", "(541) 555-0187"),
        ("EMAIL", "rosalind.k@example.com"),
    ]
    assert testimonial.suggested_body == (
        "My therapist [name] fixed my back. Call me at [phone] "
        "or write to [email] if you want to know more."
    )
    assert testimonial.status == Status.PENDING_REVIEW
    assert testimonial.risk_score == 30


def test_the_task_names_the_earlier_story_a_repost_duplicates(db):
    story = (
        "Six sessions of dry needling and the knot under my shoulder blade finally let go. "
        "The home exercises were simple and I still do them every morning."
    )
    first = TestimonialFactory(status=Status.SUBMITTED, body=story)
    moderation_intake.testimonial_screen(testimonial_id=first.pk)
    other = TestimonialFactory(status=Status.SUBMITTED, body="A different story about my knee.")
    moderation_intake.testimonial_screen(testimonial_id=other.pk)
    repost = TestimonialFactory(
        status=Status.SUBMITTED, body=story.upper().replace(".", "!") + " Thank you all!"
    )
    moderation_intake.testimonial_screen(testimonial_id=repost.pk)
    repost.refresh_from_db()
    [flag] = [f for f in repost.screening_flags if f["kind"] == "duplicate"]
    assert flag["duplicate_of"] == str(first.public_id)
    assert repost.status == Status.PENDING_REVIEW, "a repost still goes to a human"


def test_duplicate_candidates_come_from_the_key_index_not_every_story(
    db, django_assert_max_num_queries
):
    for number in range(30):
        moderation_intake.testimonial_screen(
            testimonial_id=TestimonialFactory(
                status=Status.SUBMITTED,
                body=f"Story number {number} about treatment {number * 7} and my recovery.",
            ).pk
        )
    newest = TestimonialFactory(status=Status.SUBMITTED, body="Something else entirely, truly new.")
    context = moderation_intake.screening_context(newest)
    assert context.earlier == ()
    with django_assert_max_num_queries(2):
        moderation_intake.screening_context(newest)


def test_the_topic_languages_decide_the_language_flag(db):
    body = "El tratamiento fue excelente y mi espalda está mucho mejor después de seis sesiones."
    spanish = TestimonialFactory(status=Status.SUBMITTED, body=body)
    moderation_intake.testimonial_screen(testimonial_id=spanish.pk)
    spanish.refresh_from_db()
    assert [f["kind"] for f in spanish.screening_flags] == ["language"]
    assert "Spanish (es)" in spanish.screening_flags[0]["detail"]

    spanish.topic.languages = ["en", "es"]
    spanish.topic.save()
    again = TestimonialFactory(status=Status.SUBMITTED, body=body, topic=spanish.topic)
    moderation_intake.testimonial_screen(testimonial_id=again.pk)
    again.refresh_from_db()
    assert [f["kind"] for f in again.screening_flags] == ["duplicate"]


def test_clear_spam_skips_the_queue_with_the_reason_recorded(db):
    body = "Buy cheap pills now, no prescription: http://a.example.biz http://b.example.biz http://c.example.biz"
    testimonial = TestimonialFactory(status=Status.SUBMITTED, body=body)
    moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.REJECTED
    assert testimonial.rejection_reason == "spam"
    assert StatusChange.objects.get(to_status="rejected").reason == "clear spam"


def test_it_never_rejects_or_deprioritises_a_negative_story(db):
    # FTC 16 CFR 465: reviews may not be suppressed for their rating or sentiment.
    bodies = [
        "Worst clinic I have been to. Waited an hour, the therapist was on his phone, "
        "and my shoulder is worse. Never again.",
        "Do not go here. They billed me twice and nobody called back. One star is generous.",
        "Total waste of money!!! Six visits, zero improvement, rude front desk.",
        "I will never come back here. The exercises made my knee worse.",
    ]
    for body in bodies:
        testimonial = TestimonialFactory(status=Status.SUBMITTED, rating=1, body=body)
        moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
        testimonial.refresh_from_db()
        assert testimonial.status == Status.PENDING_REVIEW, body
        assert testimonial.risk_score == 0, (body, testimonial.screening_flags)


def test_a_negative_low_rated_story_is_never_rejected_by_screening(db):
    testimonial = TestimonialFactory(
        status=Status.SUBMITTED,
        rating=1,
        body="Terrible experience. The needling hurt, nothing improved, and I would not go back.",
    )
    moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.PENDING_REVIEW


def test_screening_twice_stores_one_result(submitted):
    moderation_intake.testimonial_screen(testimonial_id=submitted.pk)
    assert moderation_intake.testimonial_screen(testimonial_id=submitted.pk) is None
    assert StatusChange.objects.filter(to_status="pending_review").count() == 1


def test_an_item_left_in_screening_by_a_dead_worker_is_screened_again(db):
    testimonial = TestimonialFactory(status=Status.SCREENING)
    moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
    testimonial.refresh_from_db()
    assert testimonial.status == Status.PENDING_REVIEW


def test_a_story_withdrawn_before_screening_stays_withdrawn(db):
    testimonial = TestimonialFactory(status=Status.WITHDRAWN)
    assert moderation_intake.testimonial_screen(testimonial_id=testimonial.pk) is None
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
    monkeypatch.setattr(
        "config.enqueue.send_now",
        lambda name, testimonial_id, *, label: enqueued.append(testimonial_id) or True,
    )
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
