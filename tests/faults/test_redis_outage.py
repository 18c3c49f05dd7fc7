"""Redis (broker and cache) stopped for half a minute while patients submit."""

import statistics
import time

import pytest

from testimonials.models import Testimonial
from tests.faults.conftest import (
    STUCK_AFTER_SECONDS,
    SWEEP_INTERVAL_SECONDS,
    count_screened,
    screening_results,
    stack_env,
    submit_at_rate,
    wait_until,
)
from tests.support.worker import celery_beat, celery_worker, web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 30
STORIES = 250
PER_SECOND = 10


def test_no_story_is_lost_while_redis_is_down(own_redis, story, figure):
    env = stack_env(own_redis)
    with (
        web_server(extra_env=env) as (base, _web),
        celery_worker(extra_env=env) as worker,
        celery_beat(extra_env=env),
    ):
        own_redis.stop()
        stopped_at = time.monotonic()
        answers = submit_at_rate(
            base, [story.payload(n) for n in range(STORIES)], per_second=PER_SECOND
        )
        submitted_in = time.monotonic() - stopped_at
        assert submitted_in < OUTAGE_SECONDS, "every story is submitted during the outage"
        time.sleep(max(0.0, stopped_at + OUTAGE_SECONDS - time.monotonic()))
        assert count_screened() == 0, "nothing can be screened without the broker"
        own_redis.start()
        healed_in = wait_until(
            lambda: count_screened() == STORIES,
            timeout=120,
            interval=0.5,
            message=f"all {STORIES} stories to be screened after Redis returned",
        )
        time.sleep(SWEEP_INTERVAL_SECONDS * 2)  # let any duplicate message run, if one would
        worker_log = worker.output()

    statuses = [status for status, _ in answers]
    seconds = sorted(elapsed for _, elapsed in answers)
    assert statuses == [202] * STORIES, {s: statuses.count(s) for s in set(statuses)}
    assert Testimonial.objects.count() == STORIES
    results = screening_results()
    assert len(results) == STORIES
    twice = sum(1 for count in results.values() if count > 1)
    assert twice == 0
    deliveries = worker_log.count("moderation.tasks.screen_testimonial[") // 2
    figure(
        f"{statuses.count(202)}/{STORIES} answered 202 at {PER_SECOND}/s with Redis stopped "
        f"for {OUTAGE_SECONDS} s (median {statistics.median(seconds) * 1000:.0f} ms, "
        f"slowest {seconds[-1] * 1000:.0f} ms); all screened {healed_in:.1f} s after Redis "
        f"returned (sweep every {SWEEP_INTERVAL_SECONDS} s, stuck after "
        f"{STUCK_AFTER_SECONDS} s); {twice} screened twice (~{deliveries} task runs)"
    )
