"""Throttling behind proxies, failing open, and request and field sizes.

tests/testimonials/test_submit_api.py already shows the per-IP 429 with
Retry-After and that X-Forwarded-For is ignored with no trusted proxy;
these add the trusted-proxy rule, the answer's shape, the cache being down,
and the size limits."""

import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from testimonials.models import Testimonial

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/testimonials/"


def post(client, payload, **headers):
    return client.post(SUBMIT, payload, format="json", **headers)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("room_in_the_throttle_window")
@override_settings(SUBMIT_THROTTLE_RATE="2/minute")
def test_the_429_says_when_to_retry_in_the_api_shape(api_client, submission):
    for _ in range(2):
        assert post(api_client, submission).status_code == 202
    refused = post(api_client, submission)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert Testimonial.objects.count() == 2


@pytest.mark.usefixtures("room_in_the_throttle_window")
def test_behind_a_trusted_proxy_a_spoofed_forwarded_for_does_not_reset_it(
    api_client, submission, settings
):
    # Only the `settings` fixture here: mixed with override_settings, its
    # restore would bring back the decorator's values for every later test.
    settings.SUBMIT_THROTTLE_RATE = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client_seen_by_proxy = "203.0.113.7"
    for spoofed in ("1.1.1.1", "2.2.2.2"):
        response = post(
            api_client,
            submission,
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_seen_by_proxy}",
        )
        assert response.status_code == 202
    third = post(
        api_client,
        submission,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"3.3.3.3, 4.4.4.4, {client_seen_by_proxy}",
    )
    assert third.status_code == 429, "the address our proxy saw is what counts"
    other = post(
        api_client,
        submission,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9",
    )
    assert other.status_code == 202, "another client behind the same proxy is not throttled"


@override_settings(
    SUBMIT_THROTTLE_RATE="1/minute",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    },
)
def test_the_throttle_fails_open_when_its_cache_is_down(api_client, submission, caplog):
    codes = [post(api_client, submission).status_code for _ in range(3)]
    assert codes == [202, 202, 202]
    assert "throttle SubmitThrottle let a request through" in caplog.text
    assert "127.0.0.1" not in caplog.text.split("throttle SubmitThrottle")[1].split("\n")[0]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4096)
@pytest.mark.parametrize("path", [SUBMIT, "/api/v1/moderation/queue/", "/admin/login/"])
def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, path):
    body = json.dumps({"body": "x" * 5000})
    response = client.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json() == {
            "detail": "The request body is larger than 4096 bytes.",
            "code": "request_too_large",
            "max_bytes": 4096,
        }
    else:
        assert b"larger than 4096 bytes" in response.content
    assert not Testimonial.objects.exists()


def test_the_default_limit_takes_the_longest_story_with_room(api_client, submission, settings):
    submission["body"] = "\U0001f600" * settings.TESTIMONIAL_MAX_LENGTH  # 12 bytes each, escaped
    encoded = json.dumps(submission)
    assert len(encoded) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_client.generic("POST", SUBMIT, encoded, content_type="application/json")
    assert response.status_code in (202, 400)
    assert response.status_code != 413


@pytest.mark.parametrize(
    ("field", "limit"),
    [("author_name", 120), ("topic", 80), ("consent_text_version", 40), ("email", 254)],
)
def test_each_field_has_a_size_limit(api_client, submission, field, limit):
    submission[field] = "a" * (limit + 1)
    response = post(api_client, submission)
    assert response.status_code == 400
    assert field in response.json()
    assert not Testimonial.objects.exists()
