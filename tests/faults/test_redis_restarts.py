"""Redis restarted ten times under a running worker: each time it resumes
taking tasks on its own, in the same process."""

import time

import pytest

from moderation.tasks import screen_testimonial
from testimonials.models import Status
from tests.factories import TestimonialFactory
from tests.faults.conftest import (
    count_screened,
    screening_results,
    send_tasks,
    stack_env,
    wait_until,
)
from tests.support.worker import celery_beat, celery_worker

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

RESTARTS = 10
DOWN_SECONDS = 1.0
RESUME_LIMIT = 30


def test_the_worker_resumes_after_every_redis_restart(own_redis, figure):
    resumes = []
    env = stack_env(own_redis)
    # Beat runs as in production: a message lost in a restart (Redis here
    # keeps nothing, not even the queue's binding) is re-sent by the sweep.
    with celery_worker(extra_env=env) as worker, celery_beat(extra_env=env):
        for _ in range(RESTARTS):
            own_redis.stop()
            time.sleep(DOWN_SECONDS)
            own_redis.start()
            item = TestimonialFactory(status=Status.SUBMITTED, risk_score=None)
            send_tasks(own_redis, screen_testimonial, [item.pk])
            try:
                resumes.append(
                    wait_until(
                        lambda item=item: count_screened([item.pk]) == 1,
                        timeout=RESUME_LIMIT,
                        interval=0.1,
                        message="the worker to take a task after Redis restarted",
                    )
                )
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{worker.output()[-6000:]}") from None
        still_running = worker.process.poll() is None
        log = worker.output()
    assert still_running, "the same worker process, never restarted"
    assert "Unrecoverable error" not in log
    caught = log.count("broker connection gone while restoring")
    caught_settles = log.count("broker connection gone before a message could be")
    assert len(resumes) == RESTARTS
    assert max(screening_results().values()) == 1
    figure(
        f"Redis killed and restarted {RESTARTS} times ({DOWN_SECONDS:g} s down each): the "
        f"worker took the next task {min(resumes):.1f}-{max(resumes):.1f} s after Redis came "
        f"back (limit {RESUME_LIMIT} s), median {sorted(resumes)[len(resumes) // 2]:.1f} s; "
        f"same process throughout (kombu's restore-on-close hit the lost connection {caught} "
        f"times, a late acknowledgement {caught_settles} times; config/broker.py kept the "
        "worker alive)"
    )
