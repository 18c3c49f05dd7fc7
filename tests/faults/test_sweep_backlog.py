"""A backlog of 5,000 stories stuck before screening (their messages lost)
and a worker far slower than the sweep: the sweep sends each story once,
the screening queue never holds two messages for one story, no story is
screened twice, and every story not yet screened waits in the queue once.

(All 5,000 screened would take minutes on the test machine, most of it the
database work of each screening, not the sweep: the worker screens what it
can while the sweep runs for longer than the stuck interval.)"""

import json
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import cast

import pytest
from django.utils import timezone

from testimonials.models import ConsentText, Status, Testimonial, Topic, place_of_topic
from tests.factories import ConsentTextFactory, TopicFactory
from tests.faults.conftest import (
    STUCK_AFTER_SECONDS,
    count_screened,
    queue_key,
    screening_results,
    stack_env,
    wait_until,
)
from tests.support.worker import celery_beat, celery_worker, started_together

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STORIES = 5000
SWEEP_INTERVAL = 1
SAMPLE_EVERY = 0.3


def _stuck_stories() -> list[int]:
    """Stories left `submitted` an hour ago, whose messages are gone."""
    topic = cast(Topic, TopicFactory())
    consent = cast(ConsentText, ConsentTextFactory())
    an_hour_ago = timezone.now() - timedelta(hours=1)
    location = place_of_topic(topic)  # bulk_create skips the save() that fills it in
    Testimonial.objects.bulk_create(
        [
            Testimonial(
                topic=topic,
                location=location,
                author_name=f"Patient {n}",
                public_name=f"Patient {n}",
                body=f"Story {n}: the sessions helped, and week {n % 52} was the best so far.",
                consent_to_publish=True,
                consent_text=consent,
                consented_at=an_hour_ago,
                status=Status.SUBMITTED,
                status_changed_at=an_hour_ago,
            )
            for n in range(STORIES)
        ],
        batch_size=500,
    )
    return list(Testimonial.objects.values_list("pk", flat=True))


class QueueWatch:
    """Reads the whole screening queue every SAMPLE_EVERY seconds and keeps
    the most messages it ever held, in all and for any one story."""

    def __init__(self, redis) -> None:
        self.redis = redis
        self.longest = 0
        self.most_for_one_story = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            messages = self.redis.lrange(queue_key("screening"), 0, -1)
            per_story = Counter(json.loads(m)["headers"]["argsrepr"] for m in messages)
            self.longest = max(self.longest, len(messages))
            self.most_for_one_story = max(
                self.most_for_one_story, max(per_story.values(), default=0)
            )
            self.samples += 1
            self._stop.wait(SAMPLE_EVERY)

    def __enter__(self) -> "QueueWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _resent(housekeeping_log: str) -> int:
    """Stories the sweep sent, from its log lines."""
    return sum(
        int(line.split("sweep re-enqueued ")[1].split()[0])
        for line in housekeeping_log.splitlines()
        if "sweep re-enqueued " in line and "for screening" in line
    )


def _queued_ids(redis) -> Counter:
    return Counter(
        int(json.loads(m)["headers"]["argsrepr"].strip("(,)"))
        for m in redis.lrange(queue_key("screening"), 0, -1)
    )


def test_the_sweep_sends_each_story_of_a_backlog_once(own_redis, figure):
    ids = _stuck_stories()
    env = stack_env(own_redis, SCREENING_SWEEP_INTERVAL=str(SWEEP_INTERVAL))
    redis = own_redis.client()
    slow = {**env, "TEST_EXTRA_SCREENERS": "tests.support.screeners.slow"}
    # The watch stops before the processes do: a worker that stops hands its
    # unfinished messages back to the queue, which is no sweep's doing.
    with (
        started_together(
            celery_beat(extra_env=env),
            celery_worker(extra_env=env, queues=["housekeeping"], concurrency=1),
            # Two processes taking SLOW_SECONDS a story: far slower than
            # the sweep's 1,000 a pass.
            celery_worker(extra_env=slow, queues=["screening"], concurrency=2),
        ) as (_beat, housekeeping, _screening),
        QueueWatch(redis) as watch,
    ):
        started = time.monotonic()
        all_sent_in = wait_until(
            lambda: redis.llen(queue_key("screening")) + count_screened() >= STORIES,
            timeout=120,
            message=f"the sweep to send all {STORIES} stories",
        )
        # Passes go on for longer than the stuck interval while most stories
        # still wait in the queue.
        time.sleep(STUCK_AFTER_SECONDS + 4 * SWEEP_INTERVAL)
        watched_for = time.monotonic() - started
        sweep_log = housekeeping.output()
    screened = screening_results()
    queued = _queued_ids(redis)

    assert watch.most_for_one_story == 1, "the queue held two messages for one story"
    assert screened, "the worker screened some"
    assert max(screened.values()) == 1, "a story was screened twice"
    assert set(queued) | set(screened) == set(ids), "a story lost its message"
    resent = _resent(sweep_log)
    passes = sweep_log.count("moderation.tasks.sweep_stuck_screening[") // 2
    assert STORIES <= resent <= STORIES + passes * 2
    figure(
        f"{STORIES} stuck stories, a sweep every {SWEEP_INTERVAL} s (stuck after "
        f"{STUCK_AFTER_SECONDS} s) and a worker screening {len(screened)} in "
        f"{watched_for:.0f} s: all sent within {all_sent_in:.1f} s, {resent} messages in "
        f"~{passes} passes, at most {watch.most_for_one_story} per story in the queue "
        f"({watch.samples} readings of the whole queue, longest {watch.longest}); "
        f"{len(screened)} screened once each, the other {STORIES - len(screened)} waiting "
        f"once each"
    )
