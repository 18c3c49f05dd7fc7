import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from testimonials import transitions
from testimonials.errors import InvalidTransition
from testimonials.models import PublicationChange, Status, StatusChange, Testimonial
from tests.factories import TestimonialFactory


def test_every_status_has_a_row_in_the_table():
    assert set(transitions.ALLOWED) == set(Status.values)


def test_only_the_statuses_before_any_publication_skip_the_changes_feed():
    assert {Status.SUBMITTED, Status.SCREENING} == transitions.NEVER_PUBLISHED


@pytest.mark.hooks_only  # the test-only generation bump reads the feed's newest row
def test_screening_a_story_reads_nothing_of_the_changes_feed(db):
    testimonial = TestimonialFactory(status=Status.SUBMITTED, risk_score=None)
    table = PublicationChange._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)
    assert Testimonial.objects.get().status == Status.PENDING_REVIEW
    assert not [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def test_withdrawn_is_final():
    assert transitions.ALLOWED[Status.WITHDRAWN] == frozenset()


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.WITHDRAWN])
def test_a_patient_can_withdraw_from_any_status(db, status):
    testimonial = TestimonialFactory(status=status)
    transitions.transition(testimonial, to=Status.WITHDRAWN, actor=transitions.PATIENT)
    assert testimonial.status == Status.WITHDRAWN


def test_an_illegal_move_raises_a_clear_error_and_changes_nothing(db):
    testimonial = TestimonialFactory(status=Status.WITHDRAWN)
    with pytest.raises(InvalidTransition, match="A withdrawn testimonial cannot become published"):
        transitions.transition(testimonial, to=Status.PUBLISHED, actor=transitions.PATIENT)
    assert Testimonial.objects.get().status == Status.WITHDRAWN
    assert not StatusChange.objects.exists()


def test_a_stale_read_loses_the_race_with_a_conflict(db):
    testimonial = TestimonialFactory(status=Status.PENDING_REVIEW)
    stale = Testimonial.objects.get(pk=testimonial.pk)
    transitions.transition(testimonial, to=Status.REJECTED, actor=transitions.SCREENING)
    with pytest.raises(InvalidTransition, match="changed meanwhile: it is now rejected"):
        transitions.transition(stale, to=Status.PUBLISHED, actor=transitions.SCREENING)
    assert Testimonial.objects.get().status == Status.REJECTED
    assert StatusChange.objects.count() == 1


def test_every_change_is_audited_with_who_from_to_when_and_why(db, moderator):
    testimonial = TestimonialFactory(status=Status.PENDING_REVIEW)
    transitions.transition(
        testimonial, to=Status.REJECTED, actor=transitions.Actor.for_user(moderator), reason="spam"
    )
    change = StatusChange.objects.get()
    assert change.from_status == "pending_review"
    assert change.to_status == "rejected"
    assert change.actor == moderator
    assert change.actor_label == "alice"
    assert change.reason == "spam"
    assert change.created_at is not None


def test_audit_records_are_append_only(db):
    testimonial = TestimonialFactory(status=Status.PENDING_REVIEW)
    transitions.transition(testimonial, to=Status.PUBLISHED, actor=transitions.SCREENING)
    change = StatusChange.objects.get()
    change.reason = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        change.save()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_once_yield_exactly_one_decision(moderator, other_moderator):
    """On PostgreSQL, two connections race; the compare-and-set lets one win."""
    for _ in range(10):
        testimonial = TestimonialFactory(status=Status.PENDING_REVIEW)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def decide(action, user, testimonial=testimonial, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                if action == "approve":
                    moderation_decisions.testimonial_approve(
                        public_id=testimonial.public_id, moderator=user
                    )
                else:
                    moderation_decisions.testimonial_reject(
                        public_id=testimonial.public_id, moderator=user, reason="spam"
                    )
                outcomes.append("ok")
            except InvalidTransition:
                outcomes.append("conflict")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=("approve", moderator)),
            threading.Thread(target=decide, args=("reject", other_moderator)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["conflict", "ok"]
        assert StatusChange.objects.filter(testimonial=testimonial).count() == 1


@pytest.mark.parametrize(
    ("start", "to", "event"),
    [
        (Status.PENDING_REVIEW, Status.PUBLISHED, "testimonial.published"),
        (Status.PUBLISHED, Status.WITHDRAWN, "testimonial.unpublished"),
        (Status.PUBLISHED, Status.UNPUBLISHED, "testimonial.unpublished"),
        (Status.PENDING_REVIEW, Status.REJECTED, None),
    ],
)
def test_publication_changes_are_announced_after_commit(
    db, monkeypatch, django_capture_on_commit_callbacks, start, to, event
):
    announced = []
    monkeypatch.setattr(
        "testimonials.publishing.generation.publication_changed",
        lambda pk, e: announced.append((pk, e)),
    )
    testimonial = TestimonialFactory(status=start)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transitions.transition(testimonial, to=to, actor=transitions.SCREENING)
    assert announced == []
    for callback in callbacks:
        callback()
    assert announced == ([(testimonial.pk, event)] if event else [])
