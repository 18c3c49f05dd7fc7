"""The screening sweep sends a story whose message was lost, once per
stuck interval, and never one whose message still waits in the queue (the
test broker's real screening queue, counted by `config.enqueue.queue_depth`)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config import enqueue
from config.celery_app import app
from moderation.intake import sweep
from testimonials.models import Status, Testimonial
from tests.factories import TestimonialFactory
from tests.support.tasks import on_send

SCREEN = "moderation.tasks.screen_testimonial"


def _empty_the_screening_queue() -> None:
    """What a broker that lost its messages looks like."""
    with app.connection_for_write() as connection:
        app.amqp.queues["screening"].bind(connection.default_channel).purge()


def _waiting() -> int:
    depth = enqueue.queue_depth(SCREEN)
    assert depth is not None
    return depth


@pytest.fixture
def empty_queue():
    _empty_the_screening_queue()
    yield
    _empty_the_screening_queue()


def _later(minutes: int):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_lost_story_is_sent_again_once_per_stuck_interval(db, empty_queue, settings):
    settings.SCREENING_STUCK_AFTER = timedelta(seconds=60)
    story = TestimonialFactory(status=Status.SUBMITTED)
    with _later(5):
        assert sweep.screening_sweep() == 1
        assert _waiting() == 1
        marked_at = Testimonial.objects.get(pk=story.pk).screening_enqueued_at
        assert marked_at == timezone.now()
        assert sweep.screening_sweep() == 0, "its message waits in the queue"
        _empty_the_screening_queue()
        assert sweep.screening_sweep() == 0, "sent less than the stuck interval ago"
    with _later(6):
        assert sweep.screening_sweep() == 1, "lost again, a stuck interval later"
    assert _waiting() == 1


def test_stories_whose_messages_still_wait_are_not_sent_again(db, empty_queue):
    stories = [TestimonialFactory(status=Status.SUBMITTED) for _ in range(5)]
    for story in stories:
        sweep.screening_enqueue(story.pk)
    with _later(5):
        assert sweep.screening_sweep() == 0
        assert _waiting() == 5
        # The broker lost all but the last two: only the three sent before
        # them can have lost theirs.
        _empty_the_screening_queue()
        for story in stories[-2:]:
            sweep.screening_enqueue(story.pk)
        assert sweep.screening_sweep() == 3
        assert _waiting() == 5
        resent = Testimonial.objects.exclude(screening_enqueued_at=None)
        assert sorted(resent.values_list("pk", flat=True)) == [s.pk for s in stories[:3]]
        assert sweep.screening_sweep() == 0


def test_a_story_the_broker_refused_is_not_marked(db, empty_queue, monkeypatch):
    stories = [TestimonialFactory(status=Status.SUBMITTED) for _ in range(3)]

    def broker_down(*args):
        raise ConnectionError("broker down")

    on_send(monkeypatch, SCREEN, broker_down)
    with _later(5):
        assert sweep.screening_sweep() == 0
    assert not Testimonial.objects.filter(pk__in=[s.pk for s in stories]).exclude(
        screening_enqueued_at=None
    )
    monkeypatch.undo()
    with _later(5):
        assert sweep.screening_sweep() == 3, "the next pass sends them"
