"""With Redis (broker and cache) down, moderators still sign in and decide:
sessions live in the database and the throttles fail open."""

import re

import pytest
import requests

from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Status
from tests.factories import TestimonialFactory
from tests.faults.conftest import admin_sign_in, stack_env
from tests.support.worker import web_server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_moderators_sign_in_and_decide_while_redis_is_down(own_redis, story, figure):
    token = moderation_moderators.moderator_create(username="alice", password="alice-pass-123").key
    in_admin = TestimonialFactory(status=Status.PENDING_REVIEW, email="a@example.com")
    by_api = TestimonialFactory(status=Status.PENDING_REVIEW, email="b@example.com")
    env = stack_env(own_redis, SUBMIT_THROTTLE_RATE="3/minute")
    with web_server(extra_env=env) as (base, _web):
        own_redis.stop()
        assert requests.get(f"{base}/readyz", timeout=10).json()["down"] == ["broker", "cache"]

        browser, signed_in = admin_sign_in(base)
        login_status = (signed_in.history or [signed_in])[0].status_code
        assert login_status == 302, "signed in: the session is in the database"
        review = browser.get(
            f"{base}/admin/testimonials/testimonial/{in_admin.pk}/review/", timeout=10
        )
        assert review.status_code == 200
        version = re.search(r'name="version" value="(\d+)"', review.text).group(1)
        decided = browser.post(
            review.url,
            data={
                "action": "approve",
                "version": version,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            headers={"Referer": review.url},
            timeout=10,
        )
        assert decided.status_code == 200, decided.status_code
        approved = requests.post(
            f"{base}/api/v1/moderation/testimonials/{by_api.public_id}/reject",
            json={"reason": "off_topic"},
            headers={"Authorization": f"Token {token}"},
            timeout=10,
        )
        assert approved.status_code == 200, approved.text
        submitted = [
            requests.post(f"{base}/api/v1/testimonials/", json=story.payload(n), timeout=10)
            for n in range(5)
        ]
    in_admin.refresh_from_db()
    by_api.refresh_from_db()
    assert in_admin.status == Status.PUBLISHED
    assert by_api.status == Status.REJECTED
    codes = [response.status_code for response in submitted]
    assert codes == [202] * 5, "the throttle (3/minute) fails open without its cache"
    figure(
        "Redis stopped: a moderator signed in to the admin (302), opened the review page "
        "(200) and approved a story; another was rejected through the API (200); 5 "
        "submissions over a 3/minute throttle all answered 202 (throttle failed open); "
        "both decisions stored"
    )
