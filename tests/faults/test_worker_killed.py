"""Worker processes killed in the middle of tasks: acks_late and
reject_on_worker_lost hand the task back, and the status row, not the
message, decides that each story is screened exactly once."""

import contextlib
import os
import signal
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
from tests.support.screeners import busy_folder
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TASKS = 100
CHILD_KILLS = 5
VISIBILITY_TIMEOUT = 10
KILLED = "exited with 'signal 9 (SIGKILL)'"


def _busy_child(worker, timeout: float = 10) -> int:
    """A pool child of `worker` that is in the middle of a task now."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = set(worker.children())
        busy = [int(path.name) for path in busy_folder().iterdir() if int(path.name) in children]
        if busy:
            return busy[0]
        time.sleep(0.02)
    raise AssertionError("no pool child is running a task")


def test_killed_workers_lose_no_task_and_run_none_twice(own_redis, figure):
    items = [TestimonialFactory(status=Status.SUBMITTED, risk_score=None) for _ in range(TASKS)]
    ids = [item.pk for item in items]
    env = stack_env(
        own_redis,
        TEST_EXTRA_SCREENERS="tests.support.screeners.slow",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    send_tasks(own_redis, screen_testimonial, ids)
    killed_children = 0
    with celery_worker(extra_env=env, concurrency=2) as first:
        for _ in range(CHILD_KILLS):
            os.kill(_busy_child(first), signal.SIGKILL)
            killed_children += 1
            wait_until(
                lambda n=killed_children: first.output().count(KILLED) == n,
                timeout=15,
                message="the worker to notice its child died",
            )
        _busy_child(first)
        done_before_main_kill = count_screened(ids)
        orphans = first.children()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        first.wait_output_closed()
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        first_log = first.output()
        main_killed_at = time.monotonic()
    assert done_before_main_kill < TASKS, "the main process died with work left"
    with celery_worker(extra_env=env, concurrency=4) as second:
        finished_in = wait_until(
            lambda: count_screened(ids) == TASKS,
            timeout=120,
            message="every task to finish after the kills",
        )
        finished_in = time.monotonic() - main_killed_at
        time.sleep(2)
        second_log = second.output()

    results = screening_results()
    assert sorted(results) == sorted(ids)
    assert max(results.values()) == 1, "a story was screened twice"
    assert first_log.count(KILLED) == CHILD_KILLS
    handed_back = first_log.count("Task handler raised error: WorkerLostError")
    assert handed_back >= 1
    received = (first_log + second_log).count("screen_testimonial[")
    figure(
        f"{TASKS}/{TASKS} tasks finished, each exactly once, after {killed_children} pool "
        f"children and then the worker's main process were killed (SIGKILL) mid-task "
        f"({done_before_main_kill} done before the main process died; the rest finished "
        f"{finished_in:.1f} s later on a new worker, visibility timeout "
        f"{VISIBILITY_TIMEOUT} s); {handed_back} tasks handed back (WorkerLostError), "
        f"~{received // 2} deliveries for {TASKS} tasks"
    )
