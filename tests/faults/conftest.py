"""The fault stage: real Redis, PostgreSQL and worker processes, each fault
injected for real. Every test records its figure, printed at the end of
the run (and by `make test-faults`)."""

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from config.celery_app import app as celery_app
from testimonials.models import Status, StatusChange, Testimonial
from tests.factories import ConsentTextFactory, TopicFactory
from tests.faults import FAULT_FIGURE
from tests.support.log_canary import CANARY
from tests.support.servers import RedisServer, redis_server

# Fast sweeps, so a test waits seconds, not minutes, for the periodic heal;
# production's defaults are 30 s and 60 s (the figures say which were used).
SWEEP_INTERVAL_SECONDS = 2
STUCK_AFTER_SECONDS = 5


@pytest.fixture
def figure(request):
    """Record the figure this test measured: printed now and in the summary
    (`tests/conftest.py` lists them at the end of the run)."""

    def record(text: str) -> None:
        line = f"{request.node.name}: {text}"
        request.node.user_properties.append((FAULT_FIGURE, line))
        print(line)

    return record


@pytest.fixture
def own_redis():
    """A redis-server of this test's own, to stop, restart and flush."""
    with redis_server() as server:
        yield server


def stack_env(redis: RedisServer, **extra: str) -> dict[str, str]:
    """Settings for the processes a test starts: its own Redis as broker and
    cache, fast sweeps, and whatever the test adds."""
    env = {
        "REDIS_URL": redis.url,
        "TEST_REDIS_CACHE": "true",
        "REDIS_KEY_PREFIX": key_prefix(),
        "SCREENING_SWEEP_INTERVAL": str(SWEEP_INTERVAL_SECONDS),
        "SCREENING_STUCK_AFTER": str(STUCK_AFTER_SECONDS),
        "SUBMIT_THROTTLE_RATE": "100000/minute",
    }
    env.update(extra)
    return env


def key_prefix() -> str:
    return os.environ.get("REDIS_KEY_PREFIX", "")


def queue_key(queue: str) -> str:
    """The Redis list that holds a queue's waiting messages (`screening`,
    `outbound`, `housekeeping`: config/settings/queues.py)."""
    return f"{key_prefix()}{queue}"


def send_tasks(redis: RedisServer, task, ids, *, copies: int = 1) -> None:
    """Publish `task(id)` for each id, `copies` times, to the test's Redis,
    as the web process would (the task's queue, the same key prefix)."""
    with celery_app.connection_for_write(
        redis.url, transport_options={"global_keyprefix": key_prefix()}
    ) as connection:
        producer = connection.Producer()
        for item_id in ids:
            for _ in range(copies):
                task.apply_async((item_id,), producer=producer)


@dataclass
class Story:
    topic: str
    consent_version: str

    def payload(self, n: int, **extra) -> dict:
        return {
            "topic": self.topic,
            # The canary: no log line of the fault stage may carry it either.
            "author_name": f"Patient {n} {CANARY}",
            "body": (
                f"Visit number {n} went well: the therapist explained each step and "
                f"my back has eased a little more every week since session {n % 7 + 1}. "
                f"{CANARY}"
            ),
            "consent_to_publish": True,
            "consent_text_version": self.consent_version,
            **extra,
        }


@pytest.fixture
def story():
    topic = TopicFactory()
    consent = ConsentTextFactory()
    return Story(topic=topic.slug, consent_version=consent.version)


def submit_at_rate(
    base: str, payloads: list[dict], *, per_second: float
) -> list[tuple[int, float]]:
    """POST each payload at its slot (`per_second`), concurrently, so a slow
    answer does not slow the rate; returns (status, seconds) per request."""
    start = time.monotonic()

    def one(indexed):
        index, payload = indexed
        delay = start + index / per_second - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        began = time.monotonic()
        try:
            response = requests.post(f"{base}/api/v1/testimonials/", json=payload, timeout=30)
            status = response.status_code
        except requests.RequestException:
            status = 0
        return status, time.monotonic() - began

    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(one, enumerate(payloads)))


SCREENING_OUTCOMES = (Status.PENDING_REVIEW, Status.REJECTED)


def screening_results() -> Counter:
    """How many screening results each testimonial got (its audit rows from
    `screening` to a reviewed status): exactly one each, or a bug."""
    return Counter(
        StatusChange.objects.filter(
            from_status=Status.SCREENING, to_status__in=SCREENING_OUTCOMES
        ).values_list("testimonial_id", flat=True)
    )


def count_screened(ids=None) -> int:
    queryset = Testimonial.objects.exclude(status__in=[Status.SUBMITTED, Status.SCREENING])
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.count()


def wait_until(predicate, *, timeout: float, interval: float = 0.25, message: str) -> float:
    """Seconds until `predicate()` held; fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def admin_sign_in(
    base: str,
    *,
    username: str = "alice",
    password: str = "alice-pass-123",  # noqa: S107 - the fault tests' moderator account
) -> tuple[requests.Session, requests.Response]:
    """Sign in to the admin as a browser does: the login page's CSRF cookie,
    then the form. The answer after redirects tells whether it worked."""
    browser = requests.Session()
    browser.get(f"{base}/admin/login/", timeout=10)
    response = browser.post(
        f"{base}/admin/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=10,
    )
    return browser, response
