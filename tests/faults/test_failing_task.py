"""A screening that always raises: bounded retries with growing waits, then
human review flagged `screening_failed`; never published by a failure."""

import itertools
import re
import time
from datetime import UTC, datetime

import pytest

from moderation.tasks import screen_testimonial
from testimonials.models import Status, Testimonial
from testimonials.tasks import backoff_seconds
from tests.factories import TestimonialFactory
from tests.faults.conftest import count_screened, screening_results, send_tasks, stack_env
from tests.support.screeners import FAIL_MARKER
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

MAX_RETRIES = 3
SECRET_STORY = f"My neighbour Rosalind Quist knows my diagnosis {FAIL_MARKER} and more."


def _attempts(log: str, item_id: int) -> list[tuple[datetime, int | None]]:
    """When each try of `item_id` failed, and the wait it scheduled before
    the next try (None for the last, which gave up)."""
    pattern = re.compile(
        rf"^(\S+ \S+) \w+ moderation\.tasks screening testimonial id={item_id} failed"
        r"(?:.*; retry \d+ in (\d+) s)?",
        re.M,
    )
    return [
        (
            datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC),
            int(countdown) if countdown else None,
        )
        for stamp, countdown in pattern.findall(log)
    ]


def test_a_task_that_always_fails_ends_in_human_review(own_redis, figure):
    doomed = TestimonialFactory(status=Status.SUBMITTED, risk_score=None, body=SECRET_STORY)
    others = [TestimonialFactory(status=Status.SUBMITTED, risk_score=None) for _ in range(99)]
    env = stack_env(
        own_redis,
        TEST_EXTRA_SCREENERS="tests.support.screeners.fails_on_marker",
        SCREENING_MAX_RETRIES=str(MAX_RETRIES),
    )
    with celery_worker(extra_env=env) as worker:
        started = time.monotonic()
        send_tasks(own_redis, screen_testimonial, [doomed.pk, *(item.pk for item in others)])
        wait_for(lambda: count_screened() == 100, timeout=120, message="every story to be decided")
        took = time.monotonic() - started
        time.sleep(1)
        log = worker.output()

    doomed.refresh_from_db()
    assert doomed.status == Status.PENDING_REVIEW, "a failure sends it to a human"
    assert doomed.published_at is None
    assert [flag["kind"] for flag in doomed.screening_flags] == ["screening_failed"]
    assert doomed.history.last().reason == "screening failed; sent to human review"
    assert Testimonial.objects.filter(status=Status.PUBLISHED).count() == 0
    others_screened = Testimonial.objects.filter(
        pk__in=[item.pk for item in others], status=Status.PENDING_REVIEW
    ).count()
    assert others_screened == 99
    assert max(screening_results().values()) == 1

    attempts = _attempts(log, doomed.pk)
    assert len(attempts) == MAX_RETRIES + 1, "the first try and a bounded number of retries"
    scheduled = [countdown for _, countdown in attempts[:-1]]
    assert attempts[-1][1] is None, "the last try gives up instead of scheduling another"
    assert scheduled == [backoff_seconds(retry) for retry in range(MAX_RETRIES)], scheduled
    assert all(later > earlier for earlier, later in itertools.pairwise(scheduled)), scheduled
    # A busy worker may start a retry late, never early: each wait is at
    # least the backoff it scheduled (the log's clock has millisecond steps).
    waits = [(b - a).total_seconds() for (a, _), (b, _) in itertools.pairwise(attempts)]
    assert all(
        wait >= countdown - 0.01 for wait, countdown in zip(waits, scheduled, strict=True)
    ), (waits, scheduled)
    assert "Rosalind" not in log, "the story's text is never logged"
    assert FAIL_MARKER not in log
    figure(
        f"the always-failing story was tried {len(attempts)} times, with backoffs of "
        f"{', '.join(map(str, scheduled))} s scheduled and waits of "
        f"{', '.join(f'{wait:.1f}' for wait in waits)} s measured between tries, then went "
        "to review "
        f"flagged screening_failed (never published); the other {others_screened}/99 were "
        f"screened, all 100 decided in {took:.1f} s; its text in the worker log: 0 times"
    )
