"""Every message delivered three times at once, to two workers: the status
row and the notification row decide, so each effect happens once."""

import time
from pathlib import Path

import pytest

from moderation.models import PatientNotification
from moderation.tasks import notify_patient, screen_testimonial
from testimonials.models import Status
from tests.factories import TestimonialFactory
from tests.faults.conftest import (
    count_screened,
    queue_key,
    screening_results,
    send_tasks,
    stack_env,
)
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ITEMS = 50
COPIES = 3


def _emails_sent(folder: Path) -> int:
    """Messages the file backend wrote: one `Message-ID:` header each."""
    return sum(path.read_text().count("\nMessage-ID: ") for path in folder.iterdir())


def test_three_deliveries_to_two_workers_have_one_effect(own_redis, tmp_path, figure):
    to_screen = [TestimonialFactory(status=Status.SUBMITTED, risk_score=None) for _ in range(ITEMS)]
    decided = [
        TestimonialFactory(status=Status.PUBLISHED, email=f"patient{n}@example.com")
        for n in range(ITEMS)
    ]
    notifications = [
        PatientNotification.objects.create(
            testimonial=item, kind="published", decision_version=item.version
        )
        for item in decided
    ]
    outbox = tmp_path / "emails"
    outbox.mkdir()
    env = stack_env(own_redis, TEST_EMAIL_DIR=str(outbox))
    screen_ids = [item.pk for item in to_screen]
    with celery_worker(extra_env=env) as one, celery_worker(extra_env=env) as two:
        started = time.monotonic()
        send_tasks(own_redis, screen_testimonial, screen_ids, copies=COPIES)
        send_tasks(own_redis, notify_patient, [n.pk for n in notifications], copies=COPIES)
        wait_for(
            lambda: (
                count_screened(screen_ids) == ITEMS
                and not PatientNotification.objects.filter(sent_at=None).exists()
            ),
            timeout=120,
            message="every task to run",
        )
        wait_for(
            lambda: (
                sum(own_redis.client().llen(queue_key(q)) for q in ("screening", "outbound")) == 0
            ),
            timeout=60,
            message="the queue to drain",
        )
        time.sleep(2)  # the last copies finish
        took = time.monotonic() - started
        logs = one.output() + two.output()

    results = screening_results()
    assert sorted(results) == sorted(screen_ids)
    assert sum(results.values()) == ITEMS, "exactly one screening result per story"
    sent = _emails_sent(outbox)
    assert sent == ITEMS, "exactly one email per decision"
    runs = logs.count("succeeded in")
    assert runs == 2 * ITEMS * COPIES, "every copy was delivered and ran"
    both = "screen_testimonial[" in one.output() and "screen_testimonial[" in two.output()
    assert both, "both workers took copies"
    figure(
        f"{ITEMS} screening and {ITEMS} email tasks each delivered {COPIES} times to two "
        f"workers ({runs} task runs in {took:.1f} s): {sum(results.values())} screening "
        f"results, {sent} emails sent"
    )
