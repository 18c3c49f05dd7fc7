"""The broker's queue wiped (FLUSHALL) with stories waiting in it."""

import time

import pytest
import requests

from tests.faults.conftest import (
    STUCK_AFTER_SECONDS,
    SWEEP_INTERVAL_SECONDS,
    count_screened,
    queue_key,
    screening_results,
    stack_env,
    wait_until,
)
from tests.support.worker import celery_beat, celery_worker, web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STORIES = 200


def test_the_sweep_screens_what_a_wiped_queue_lost(own_redis, story, figure):
    env = stack_env(own_redis)
    with web_server(extra_env=env) as (base, _web):
        http = requests.Session()
        for n in range(STORIES):
            response = http.post(f"{base}/api/v1/testimonials/", json=story.payload(n), timeout=10)
            assert response.status_code == 202, response.text
    redis = own_redis.client()
    waiting = redis.llen(queue_key("screening"))
    assert waiting == STORIES, "every story waits in the queue, no worker yet"
    redis.flushall()
    assert redis.llen(queue_key("screening")) == 0
    wiped_at = time.monotonic()
    with celery_worker(extra_env=env), celery_beat(extra_env=env):
        healed_in = wait_until(
            lambda: count_screened() == STORIES,
            timeout=120,
            interval=0.5,
            message=f"the sweep to get all {STORIES} wiped stories screened",
        )
        healed_in = time.monotonic() - wiped_at
        time.sleep(SWEEP_INTERVAL_SECONDS * 2)
    results = screening_results()
    assert len(results) == STORIES
    assert max(results.values()) == 1
    figure(
        f"{waiting} queued messages wiped by FLUSHALL; all {STORIES} screened {healed_in:.1f} s "
        f"later by the periodic sweep (every {SWEEP_INTERVAL_SECONDS} s, stuck after "
        f"{STUCK_AFTER_SECONDS} s, worker and beat started after the wipe); 0 screened twice"
    )
