"""PostgreSQL stopped for 30 s: every path answers 503 with Retry-After
(never a 500 or a traceback), and the tasks queued meanwhile finish once it
is back. Runs on a PostgreSQL cluster of its own, started for this test."""

import subprocess
import sys
import time
from collections import Counter

import psycopg
import pytest
import requests

from tests.faults.conftest import STUCK_AFTER_SECONDS, admin_sign_in, stack_env, wait_until
from tests.support.servers import postgres_server, redis_server
from tests.support.worker import (
    BASE_DIR,
    celery_beat,
    celery_worker,
    web_server,
    worker_environment,
)

pytestmark = [pytest.mark.faults]

OUTAGE_SECONDS = 30
STORIES = 20
DATABASE = "testimonials_fault"

SETUP = """
from moderation.accounts.moderators import moderator_create
from testimonials.models import ConsentText, Topic
Topic.objects.create(slug="knees", title="Knees", article="About knees.")
ConsentText.objects.create(version="2026-01", text="I agree.")
token = moderator_create(username="alice", password="alice-pass-123")
print("TOKEN", token.key)
"""


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=worker_environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


def _statuses(url: str) -> Counter:
    with psycopg.connect(url, connect_timeout=2) as conn:
        rows = conn.execute("SELECT status, count(*) FROM testimonials_testimonial GROUP BY 1")
        return Counter(dict(rows.fetchall()))


def _admin_session(base: str) -> requests.Session:
    browser, signed_in = admin_sign_in(base)
    assert signed_in.url.endswith("/admin/"), signed_in.text[:300]
    return browser


def _probes(base: str, item: dict, token: str) -> list[tuple[str, str, dict]]:
    """Every path there is, with what it needs: (method, url, request kwargs)."""
    moderator = {"headers": {"Authorization": f"Token {token}"}}
    detail = f"{base}/api/v1/moderation/testimonials/{item['id']}"
    story = {
        "json": {
            "topic": "knees",
            "author_name": "Outage Patient",
            "body": "Written while the database was away; it must not be lost silently.",
            "consent_to_publish": True,
            "consent_text_version": "2026-01",
        }
    }
    return [
        ("GET", f"{base}/api/v1/topics/", {}),
        ("GET", f"{base}/api/v1/topics/knees/", {}),
        ("POST", f"{base}/api/v1/testimonials/", story),
        ("GET", item["status_url"], {}),
        ("POST", item["withdraw_url"], {}),
        ("GET", f"{base}/api/v1/published/?topic=knees", {}),
        ("GET", f"{base}/api/v1/moderation/queue/", moderator),
        ("GET", f"{detail}/", moderator),
        ("POST", f"{detail}/approve", {**moderator, "json": {}}),
        ("POST", f"{detail}/reject", {**moderator, "json": {"reason": "spam"}}),
        ("POST", f"{detail}/unpublish", {**moderator, "json": {"reason": "spam"}}),
        ("POST", f"{detail}/reopen", {**moderator, "json": {}}),
        ("POST", f"{detail}/claim", moderator),
        ("POST", f"{detail}/notes", {**moderator, "json": {"text": "hello"}}),
        ("GET", f"{base}/education/", {}),
        ("GET", f"{base}/education/knees/", {}),
    ]


# Paths that need no database keep answering; the rest must say 503.
NO_DATABASE_NEEDED = {"/healthz", "/api/schema/", "/api/docs/"}


def test_a_postgres_outage_answers_503_and_loses_no_task(figure):
    with postgres_server() as postgres, redis_server() as redis:
        postgres.create_database(DATABASE)
        url = postgres.url(DATABASE)
        env = stack_env(redis, DATABASE_URL=url)
        _manage(env, "migrate", "--noinput", "-v", "0")
        token = _manage(env, "shell", "-c", SETUP).split("TOKEN ")[1].strip()
        with web_server(extra_env=env) as (base, _web):
            http = requests.Session()
            items = []
            for n in range(STORIES):
                response = http.post(
                    f"{base}/api/v1/testimonials/",
                    json={
                        "topic": "knees",
                        "author_name": f"Patient {n}",
                        "body": f"Story number {n}: the exercises helped my knee a lot.",
                        "consent_to_publish": True,
                        "consent_text_version": "2026-01",
                    },
                    timeout=10,
                )
                assert response.status_code == 202, response.text
                items.append(response.json())
            admin = _admin_session(base)
            visitor = requests.Session()  # about to sign in, with a CSRF cookie
            visitor.get(f"{base}/admin/login/", timeout=10)
            assert _statuses(url) == Counter(submitted=STORIES)

            postgres.stop()
            stopped_at = time.monotonic()
            answers: list[tuple[str, str, int, str, str]] = []
            with celery_worker(extra_env=env), celery_beat(extra_env=env):
                while time.monotonic() - stopped_at < OUTAGE_SECONDS:
                    for method, target, kwargs in _probes(base, items[0], token):
                        response = http.request(method, target, timeout=15, **kwargs)
                        answers.append(
                                (method, target, response.status_code,
                                 response.headers.get("Retry-After", ""), response.text)
                            )  # fmt: skip
                    response = visitor.post(
                        f"{base}/admin/login/",
                        data={
                            "username": "alice",
                            "password": "alice-pass-123",
                            "csrfmiddlewaretoken": visitor.cookies["csrftoken"],
                        },
                        headers={"Referer": f"{base}/admin/login/"},
                        timeout=15,
                    )
                    answers.append(
                            ("POST", f"{base}/admin/login/", response.status_code,
                             response.headers.get("Retry-After", ""), response.text)
                        )  # fmt: skip
                    for path in ("/admin/", "/readyz", *NO_DATABASE_NEEDED):
                        client = admin if path == "/admin/" else http
                        response = client.get(f"{base}{path}", timeout=15)
                        answers.append(
                                ("GET", f"{base}{path}", response.status_code,
                                 response.headers.get("Retry-After", ""), response.text)
                            )  # fmt: skip
                postgres.start()
                returned_at = time.monotonic()
                back_in = wait_until(
                    lambda: http.get(f"{base}/api/v1/topics/", timeout=10).status_code == 200,
                    timeout=30,
                    message="the API to answer again",
                )
                try:
                    wait_until(
                        lambda: _statuses(url).get("pending_review", 0) == STORIES,
                        timeout=120,
                        interval=0.5,
                        message="the queued screening tasks to finish",
                    )
                except AssertionError as exc:
                    raise AssertionError(f"{exc}; the stories now: {_statuses(url)}") from None
                finished_in = time.monotonic() - returned_at
            final = _statuses(url)

    assert final == Counter(pending_review=STORIES), "nothing lost, nothing added, none withdrawn"
    codes = Counter(status for _, _, status, _, _ in answers)
    assert 500 not in codes
    assert not any("Traceback" in text for *_, text in answers)
    for method, target, status, retry_after, text in answers:
        path = target.split("127.0.0.1", 1)[1].split(":", 1)[1].split("/", 1)[1]
        path = "/" + path
        if path in NO_DATABASE_NEEDED:
            assert status == 200, (method, path, status)
        elif path == "/readyz":
            assert status == 503
            assert "database" in text
        else:
            assert status == 503, (method, path, status, text[:200])
            assert int(retry_after) > 0, (method, path)
    figure(
        f"PostgreSQL stopped for {OUTAGE_SECONDS} s: {len(answers)} requests over "
        f"{len({target.split('?')[0] for _, target, *_ in answers})} paths answered "
        f"{dict(sorted(codes.items()))}, every 503 with Retry-After, 0 tracebacks; API back "
        f"{back_in:.1f} s after it returned; the {STORIES} tasks queued during the outage all "
        f"finished {finished_in:.1f} s after it returned (sweep stuck after "
        f"{STUCK_AFTER_SECONDS} s)"
    )
