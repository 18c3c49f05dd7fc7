"""With a real worker: the request id of the submission is on the log lines
of the task that screened it, the worker's counts reach the web's
`/metrics`, and a canary name and story go all the way (submit, screening,
approval, the patient's email) without reaching a single log line."""

import json
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from moderation.accounts import moderators as moderation_moderators
from tests.factories import ConsentTextFactory, TopicFactory
from tests.support.log_canary import CANARY, contains_canary
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TOKEN = "scrape-token-for-worker-tests"


@pytest.fixture(scope="module")
def json_worker(django_db_setup, django_db_blocker):
    """A worker that logs JSON at DEBUG, the way production would at INFO."""
    with (
        django_db_blocker.unblock(),
        celery_worker(extra_env={"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}) as process,
    ):
        yield process


def json_lines(output: str) -> list[dict]:
    """The worker's log lines (its start-up banner is not JSON)."""
    lines = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return lines


def scrape(base: str) -> dict[tuple[str, tuple], float]:
    response = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def test_a_canary_story_leaves_no_trace_in_any_log_line(live_server, json_worker, settings, caplog):
    settings.METRICS_TOKEN = TOKEN
    caplog.set_level("DEBUG")
    topic, consent = TopicFactory(), ConsentTextFactory()
    token = moderation_moderators.moderator_create(username="alice").key
    moderator = {"Authorization": f"Token {token}"}
    base = live_server.url
    request_id = f"test-{uuid.uuid4().hex}"
    name = f"Rosa Canary {CANARY}"
    body = f"My therapist Dr. {CANARY} explained every step; my back is better {CANARY}."
    before = scrape(base)

    submitted = requests.post(
        f"{base}/api/v1/testimonials/",
        json={
            "topic": topic.slug,
            "author_name": name,
            "body": body,
            "email": f"{CANARY}@example.com",
            "consent_to_publish": True,
            "consent_text_version": consent.version,
        },
        headers={"X-Request-ID": request_id},
        timeout=10,
    )
    assert submitted.status_code == 202, submitted.text
    assert submitted.headers["X-Request-ID"] == request_id
    item = submitted.json()
    wait_for(
        lambda: requests.get(item["status_url"], timeout=10).json()["status"] == "pending_review",
        timeout=60,
        message="the worker to screen the story",
    )
    approved = requests.post(
        f"{base}/api/v1/moderation/testimonials/{item['id']}/approve",
        json={},
        headers=moderator,
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    approval_id = approved.headers["X-Request-ID"]
    published = requests.get(f"{base}/api/v1/published/?topic={topic.slug}", timeout=10).text
    assert CANARY in published, "the story itself was published"
    wait_for(
        lambda: any(
            line.get("request_id") == approval_id for line in json_lines(json_worker.output())
        ),
        timeout=30,
        message="the worker to send the approval's email",
    )
    after = scrape(base)

    lines = json_lines(json_worker.output())
    screening = [line for line in lines if line.get("request_id") == request_id]
    assert screening, "the tasks' lines carry the submission's request id"
    # Both tasks the submission enqueued: its screening, and the patient's
    # copy of the authorization.
    assert {line["task_name"] for line in screening} == {
        "moderation.tasks.screen_testimonial",
        "testimonials.tasks.send_consent_notice",
    }
    assert all(line["task_id"] for line in screening)
    assert {"time", "level", "logger", "message"} <= set(screening[0])

    def moved(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    screen = "moderation.tasks.screen_testimonial"
    assert moved("testimonials_celery_tasks_total", task=screen, outcome="SUCCESS") >= 1
    assert moved("testimonials_screenings_total", outcome="queued") == 1
    assert moved("testimonials_screener_duration_seconds_count", screener="pii") == 1

    assert not [line for line in json_worker.lines if contains_canary(line)]
    assert not [r.name for r in caplog.records if contains_canary(r.getMessage())]
