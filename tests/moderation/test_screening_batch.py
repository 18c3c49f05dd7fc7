"""Batch screening: a screening task takes, after its own story, up to
`SCREENING_BATCH_SIZE - 1` stories waiting, claims them at once, screens
them and stores the results with their audit rows and duplicate keys
written in bulk. Idempotent as the single path is; the sweep still heals."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation import tasks
from moderation.intake import screening as moderation_intake
from moderation.models import DuplicateKey
from testimonials import transitions
from testimonials.errors import InvalidTransition
from testimonials.models import Status, StatusChange, Testimonial
from tests.factories import TestimonialFactory

BODY = "After six sessions of dry needling my back lets me sleep through the night."


def waiting(count, **fields):
    return [
        TestimonialFactory(
            status=Status.SUBMITTED, risk_score=None, body=f"{BODY} Visit {n}.", **fields
        )
        for n in range(count)
    ]


def statuses(stories):
    return [Testimonial.objects.get(pk=story.pk).status for story in stories]


def test_a_batch_screens_the_oldest_waiting_stories_up_to_its_limit(db):
    stories = waiting(4)

    screened = moderation_intake.screening_batch(limit=3)

    assert [story.pk for story in screened] == [story.pk for story in stories[:3]]
    assert statuses(stories) == [Status.PENDING_REVIEW] * 3 + [Status.SUBMITTED]
    for story in stories[:3]:
        moves = list(
            StatusChange.objects.filter(testimonial=story).values_list(
                "from_status", "to_status", "actor_label"
            )
        )
        assert moves == [
            ("submitted", "screening", "system:screening"),
            ("screening", "pending_review", "system:screening"),
        ]
        assert DuplicateKey.objects.filter(testimonial=story).exists()
        assert Testimonial.objects.get(pk=story.pk).screened_at is not None


def test_it_writes_the_audit_rows_and_keys_in_one_insert_each(db):
    waiting(5)

    with CaptureQueriesContext(connection) as queries:
        moderation_intake.screening_batch(limit=5)

    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    audit = [sql for sql in inserts if "testimonials_statuschange" in sql]
    keys = [sql for sql in inserts if "moderation_duplicatekey" in sql]
    assert len(audit) == 2, "one for the claim, one for the results"
    assert len(keys) == 1


def test_it_finds_a_duplicate_within_the_same_batch(db):
    first, copy = (
        waiting(1)[0],
        TestimonialFactory(status=Status.SUBMITTED, body=f"{BODY} Visit 0."),
    )

    moderation_intake.screening_batch(limit=2)

    copy.refresh_from_db()
    [flag] = [f for f in copy.screening_flags if f["kind"] == "duplicate"]
    assert flag["duplicate_of"] == str(first.public_id)


def test_it_leaves_out_the_story_a_task_screens_itself(db):
    own, other = waiting(2)

    moderation_intake.screening_batch(limit=5, exclude=own.pk)

    assert statuses([own, other]) == [Status.SUBMITTED, Status.PENDING_REVIEW]


def test_the_task_screens_its_story_then_a_batch_of_the_waiting(db, settings):
    settings.SCREENING_BATCH_SIZE = 3
    own, *others = waiting(4)

    tasks.screen_testimonial.run(own.pk)

    assert statuses([own, *others]) == [Status.PENDING_REVIEW] * 3 + [Status.SUBMITTED]


def test_a_batch_size_of_one_screens_only_the_tasks_own_story(db, settings):
    settings.SCREENING_BATCH_SIZE = 1
    own, other = waiting(2)

    tasks.screen_testimonial.run(own.pk)

    assert statuses([own, other]) == [Status.PENDING_REVIEW, Status.SUBMITTED]


def test_a_claimed_storys_own_message_does_nothing_while_the_batch_runs(db, monkeypatch):
    [story] = waiting(1)
    claimed = []

    def claim_then_stop(text, context):
        claimed.append(Testimonial.objects.get(pk=story.pk).status)
        # The story's own message arrives while its batch screens it.
        assert moderation_intake.testimonial_screen(testimonial_id=story.pk) is None
        raise RuntimeError("the batch's worker died")

    monkeypatch.setattr("moderation.screening.run", claim_then_stop)
    assert moderation_intake.screening_batch(limit=1) == []
    monkeypatch.undo()

    assert claimed == [Status.SCREENING]
    assert statuses([story]) == [Status.SCREENING], "not lost: the sweep sends it again"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        moderation_intake.testimonial_screen(testimonial_id=story.pk)
    assert statuses([story]) == [Status.PENDING_REVIEW]


def test_the_sweep_re_enqueues_a_story_a_failed_batch_left_claimed(db, monkeypatch):
    [story] = waiting(1)
    monkeypatch.setattr("moderation.screening.run", lambda text, context: 1 / 0)
    moderation_intake.screening_batch(limit=1)
    monkeypatch.undo()
    sent = []
    monkeypatch.setattr(
        "config.enqueue.send_now", lambda name, pk, *, label: sent.append(pk) or True
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert tasks.sweep_stuck_screening.run() == 1

    assert sent == [story.pk]


def test_a_story_withdrawn_meanwhile_keeps_its_status(db):
    [story] = waiting(1)
    stale = Testimonial.objects.get(pk=story.pk)
    transitions.transition(story, to=Status.WITHDRAWN, actor=transitions.PATIENT)

    moved = transitions.transition_many(
        [transitions.Move(stale, Status.SCREENING)], actor=transitions.SCREENING
    )

    assert moved == []
    assert statuses([story]) == [Status.WITHDRAWN]


def test_a_batch_never_moves_a_story_that_was_public(db):
    story = TestimonialFactory(status=Status.PUBLISHED)

    with pytest.raises(InvalidTransition):
        transitions.transition_many(
            [transitions.Move(story, Status.UNPUBLISHED)], actor=transitions.SCREENING
        )
