"""Redis holds nothing that cannot be rebuilt: emptied (FLUSHALL on the
test's own redis-server) while stories wait in its queue, public answers
sit in its cache and throttle counters run, the service carries on. The
public list is rebuilt from the database, the stories whose messages were
lost are screened after the sweep re-enqueues them, moderators stay signed
in (sessions are in the database) and the throttle counts afresh."""

import time

import pytest
import requests

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status, Testimonial
from tests.factories import TestimonialFactory
from tests.faults.conftest import (
    STUCK_AFTER_SECONDS,
    admin_sign_in,
    queue_key,
    stack_env,
    wait_until,
)
from tests.support.throttle import wait_for_room_in_the_window
from tests.support.worker import celery_beat, celery_worker, web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

THROTTLE = 4  # submissions a minute from one address


def _signed_in(browser: requests.Session, base: str) -> bool:
    answer = browser.get(f"{base}/admin/", timeout=10, allow_redirects=False)
    return answer.status_code == 200


def _published_ids(base: str, **headers: str) -> tuple[int, list[str], str]:
    answer = requests.get(f"{base}/api/v1/published/", headers=headers, timeout=10)
    ids = [item["id"] for item in answer.json()["results"]] if answer.status_code == 200 else []
    return answer.status_code, ids, answer.headers.get("ETag", "")


def test_the_service_recovers_when_redis_is_emptied(own_redis, story, figure):
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123").key
    published = [
        TestimonialFactory(status=Status.PUBLISHED, author_name=f"Reader {n}") for n in range(3)
    ]
    env = stack_env(own_redis, SUBMIT_THROTTLE_RATE=f"{THROTTLE}/minute")
    redis = own_redis.client()
    screening_queue = queue_key("screening")
    with web_server(extra_env=env) as (base, _web):
        browser, _ = admin_sign_in(base)
        assert _signed_in(browser, base)
        status, ids_before, etag_before = _published_ids(base)
        assert status == 200
        assert sorted(ids_before) == sorted(str(t.public_id) for t in published)
        assert _published_ids(base, **{"If-None-Match": etag_before})[0] == 304, "cached"

        # No worker yet: the submissions' tasks wait in Redis.
        wait_for_room_in_the_window()
        answers = [
            requests.post(f"{base}/api/v1/testimonials/", json=story.payload(n), timeout=10)
            for n in range(THROTTLE + 1)
        ]
        assert [a.status_code for a in answers] == [202] * THROTTLE + [429]
        waiting = [a.json()["id"] for a in answers[:THROTTLE]]
        queued_messages = redis.llen(screening_queue)
        keys_before = redis.dbsize()
        assert queued_messages >= THROTTLE, "the screening tasks wait in the queue"

        redis.flushall()
        emptied_at = time.monotonic()
        assert redis.dbsize() == 0

        assert _signed_in(browser, base), "the moderator's session is in the database"
        status, ids_after, etag_after = _published_ids(base, **{"If-None-Match": etag_before})
        assert status == 200, "a new cache generation: the old ETag no longer matches"
        assert sorted(ids_after) == sorted(ids_before)
        assert _published_ids(base, **{"If-None-Match": etag_after})[0] == 304, "cached again"
        wait_for_room_in_the_window()
        again = [
            requests.post(f"{base}/api/v1/testimonials/", json=story.payload(n), timeout=10)
            for n in range(10, 10 + THROTTLE + 1)
        ]
        assert [a.status_code for a in again] == [202] * THROTTLE + [429], "counting afresh"
        waiting += [a.json()["id"] for a in again[:THROTTLE]]

        with celery_worker(extra_env=env), celery_beat(extra_env=env):
            healed_in = wait_until(
                lambda: (
                    Testimonial.objects.filter(
                        public_id__in=waiting, status=Status.PENDING_REVIEW
                    ).count()
                    == len(waiting)
                ),
                timeout=90,
                message="every story whose message was lost to be screened",
            )
            since_emptied = time.monotonic() - emptied_at
            approved = requests.post(
                f"{base}/api/v1/moderation/testimonials/{waiting[0]}/approve",
                json={},
                headers={"Authorization": f"Token {token}"},
                timeout=10,
            )
            assert approved.status_code == 200, approved.text
            _, ids_now, _ = _published_ids(base, **{"If-None-Match": etag_after})
            assert ids_now[0] == waiting[0], "a new publication shows at once"
            assert sorted(ids_now[1:]) == sorted(ids_before)
        assert _signed_in(browser, base)

    figure(
        f"Redis emptied (FLUSHALL of {keys_before} keys, {queued_messages} queued task "
        f"messages among them): the moderator stayed signed in, the public list came back "
        f"from the database with a new ETag, the throttle counted afresh ({THROTTLE} then "
        f"429), and the {THROTTLE} stories whose messages were lost (with {THROTTLE} sent "
        f"after) were screened {healed_in:.1f} s after the worker started "
        f"({since_emptied:.1f} s after the flush; sweep every 2 s, stuck after "
        f"{STUCK_AFTER_SECONDS} s)"
    )
