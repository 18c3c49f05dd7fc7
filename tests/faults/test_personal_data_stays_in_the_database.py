"""No personal data in logs, task arguments, broker messages or error
reports: a canary (a name, an email address and words of a story) goes
through every path, then every log line, every key in Redis and every
email is searched for it. Only the database (and the patient's own
address on the email to the patient) may hold it."""

import time
import uuid

import pytest
import requests

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status, Testimonial
from tests.faults.conftest import admin_sign_in, stack_env, wait_until
from tests.support.screeners import FAIL_MARKER
from tests.support.worker import celery_beat, celery_worker, web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _everything_in_redis(client, *, but_public_pages: bool = False) -> str:
    """Every key and value, whatever its type, as text; with
    `but_public_pages`, without the rendered public answers (the published
    list and pages, which show a published story's text by design)."""
    parts = []
    for key in client.scan_iter(count=1000):
        if but_public_pages and b"testimonials:page:" in key:
            continue
        kind = client.type(key).decode()
        parts.append(key.decode(errors="replace"))
        if kind == "string":
            parts.append(repr(client.get(key)))
        elif kind == "list":
            parts += map(repr, client.lrange(key, 0, -1))
        elif kind == "hash":
            parts += map(repr, client.hgetall(key).items())
        elif kind == "set":
            parts += map(repr, client.smembers(key))
        elif kind == "zset":
            parts += map(repr, client.zrange(key, 0, -1))
    return "\n".join(parts)


def test_a_canary_is_found_nowhere_but_the_database(own_redis, story, tmp_path, caplog, figure):
    canary = f"Qz{uuid.uuid4().hex[:10]}"
    name, email = f"Ada {canary}", f"{canary.lower()}@example.com"
    body = f"My physio {canary} helped: I walk again, said {canary} to my family. Thank you!"
    outbox = tmp_path / "emails"
    outbox.mkdir()
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123").key
    moderator = {"Authorization": f"Token {token}"}
    env = stack_env(
        own_redis,
        TEST_EMAIL_DIR=str(outbox),
        TEST_EXTRA_SCREENERS="tests.support.screeners.fails_on_marker",
        SCREENING_MAX_RETRIES="1",
        LOG_LEVEL="DEBUG",
    )
    redis_seen: list[str] = []
    with (
        web_server(extra_env=env) as (base, web),
        celery_worker(extra_env=env) as worker,
        celery_beat(extra_env=env) as beat,
    ):
        http = requests.Session()
        payload = {**story.payload(1), "author_name": name, "email": email, "body": body}
        submitted = http.post(f"{base}/api/v1/testimonials/", json=payload, timeout=10).json()
        failing = {**payload, "body": f"{body} {FAIL_MARKER}"}
        http.post(f"{base}/api/v1/testimonials/", json=failing, timeout=10)
        refused = {**payload, "email": f"{canary}@", "rating": 9}
        assert (
            http.post(f"{base}/api/v1/testimonials/", json=refused, timeout=10).status_code == 400
        )
        redis_seen.append(_everything_in_redis(own_redis.client()))

        wait_until(
            lambda: (
                not Testimonial.objects.filter(
                    status__in=[Status.SUBMITTED, Status.SCREENING]
                ).exists()
            ),
            timeout=60,
            message="both stories to be screened (one by failing)",
        )
        detail = f"{base}/api/v1/moderation/testimonials/{submitted['id']}"
        assert canary in http.get(f"{detail}/", headers=moderator, timeout=10).text
        admin, _ = admin_sign_in(base)
        pk = Testimonial.objects.get(public_id=submitted["id"]).pk
        review = admin.get(f"{base}/admin/testimonials/testimonial/{pk}/review/", timeout=10)
        assert canary in review.text
        approved = http.post(f"{detail}/approve", json={}, headers=moderator, timeout=10)
        assert approved.status_code == 200
        wait_until(lambda: any(outbox.iterdir()), timeout=30, message="the patient's email")
        assert canary in http.get(f"{base}/api/v1/published/", timeout=10).text
        assert canary in http.get(f"{base}/education/{story.topic}/", timeout=10).text
        # While it is published, its text is in the rendered public answers
        # Redis keeps, as on the page itself; the name in full and the
        # email address are not.
        public_pages = _everything_in_redis(own_redis.client())
        assert canary in public_pages, "the published list and page are cached"
        assert name not in public_pages
        assert email not in public_pages
        redis_seen.append(_everything_in_redis(own_redis.client(), but_public_pages=True))
        assert http.post(submitted["withdraw_url"], timeout=10).json()["status"] == "withdrawn"
        time.sleep(1)
        redis_seen.append(_everything_in_redis(own_redis.client()))
        logs = {"web": web.output(), "worker": worker.output(), "beat": beat.output()}

    assert Testimonial.objects.filter(author_name=name).count() == 2, "the database has it"
    assert "failed 2 times" in logs["worker"], "the failing path ran and was logged"
    assert "testimonial=" in logs["worker"]
    assert "DEBUG" in logs["worker"]
    leaks = [where for where, text in logs.items() if canary.lower() in text.lower()]
    leaks += [
        f"redis snapshot {n}" for n, text in enumerate(redis_seen) if canary.lower() in text.lower()
    ]
    leaks += ["test process log"] if canary.lower() in caplog.text.lower() else []
    emails = [path.read_text() for path in outbox.iterdir()]
    for text in emails:
        lines = [line for line in text.splitlines() if canary.lower() in line.lower()]
        # The patient's own copy of what they signed carries their signature.
        copy_of_signature = [line for line in lines if line.startswith("- Signed: ")]
        if [line for line in lines if line not in copy_of_signature] != [f"To: {email}"]:
            leaks.append(f"email: {lines}")
    assert leaks == []
    searched = sum(len(text) for text in [*logs.values(), *redis_seen, *emails])
    figure(
        f"a canary name, email address and story went through submit (202, 400), screening "
        f"(passing and failing with retries), the moderation API, the admin, approval, the "
        f"email, the public API, the page and withdrawal: found 0 times in "
        f"{sum(t.count(chr(10)) for t in logs.values())} log lines (DEBUG), 3 snapshots of "
        f"every Redis key (while published, bar the rendered public answers, which hold the "
        f"published text but not the full name or the address; none after withdrawal) and "
        f"{len(emails)} email(s) beyond its To: line ({searched} characters searched)"
    )
