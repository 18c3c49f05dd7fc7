"""One client, one budget: every throttle and the sign-in lockout count an
IPv6 client by its /64 (`THROTTLE_IPV6_PREFIX`) and an IPv4-mapped address
as its IPv4 address, and a forged `X-Forwarded-For` changes none of it."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from config.security import client_key
from moderation.accounts import moderators as moderation_moderators
from testimonials.models import Testimonial

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("room_in_the_throttle_window")]

SUBMIT = "/api/v1/testimonials/"
PUBLISHED = "/api/v1/published/"
HOME = "2001:db8:1:2::1"
SAME_64 = "2001:db8:1:2:ffff:ffff:ffff:fffe"
NEXT_64 = "2001:db8:1:3::1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def submit(api_client, submission, address, **headers):
    return api_client.post(SUBMIT, submission, format="json", REMOTE_ADDR=address, **headers)


@override_settings(SUBMIT_THROTTLE_RATE="2/minute")
def test_two_addresses_in_one_ipv6_64_share_one_submission_budget(api_client, submission):
    assert submit(api_client, submission, HOME).status_code == 202
    assert submit(api_client, submission, SAME_64).status_code == 202
    refused = submit(api_client, submission, "2001:db8:1:2:abcd::77")
    assert refused.status_code == 429, "a third address of the same /64 is the same client"
    assert submit(api_client, submission, NEXT_64).status_code == 202, "another /64 is not"
    assert Testimonial.objects.count() == 3


@override_settings(SUBMIT_THROTTLE_RATE="2/minute", THROTTLE_IPV6_PREFIX=48)
def test_the_prefix_is_a_setting(api_client, submission):
    assert submit(api_client, submission, HOME).status_code == 202
    assert submit(api_client, submission, NEXT_64).status_code == 202
    assert submit(api_client, submission, "2001:db8:1:ffff::9").status_code == 429
    assert submit(api_client, submission, "2001:db8:2::1").status_code == 202


@override_settings(SUBMIT_THROTTLE_RATE="1/minute")
def test_an_ipv4_mapped_address_counts_as_the_ipv4_address(api_client, submission):
    assert submit(api_client, submission, "192.0.2.7").status_code == 202
    assert submit(api_client, submission, "::ffff:192.0.2.7").status_code == 429
    assert submit(api_client, submission, "::ffff:192.0.2.8").status_code == 202


@override_settings(SUBMIT_THROTTLE_RATE="1/minute")
def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(api_client, submission):
    assert submit(api_client, submission, HOME, HTTP_X_FORWARDED_FOR="2001:db8:9::1").status_code
    again = submit(api_client, submission, SAME_64, HTTP_X_FORWARDED_FOR="2001:db8:7::1")
    assert again.status_code == 429


def test_behind_a_trusted_proxy_the_ipv6_64_the_proxy_saw_counts(api_client, submission, settings):
    settings.SUBMIT_THROTTLE_RATE = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"
    first = submit(api_client, submission, proxy, HTTP_X_FORWARDED_FOR=f"2001:db8:9::1, {HOME}")
    second = submit(api_client, submission, proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.1, {SAME_64}")
    assert [first.status_code, second.status_code] == [202, 202]
    forged = submit(
        api_client,
        submission,
        proxy,
        HTTP_X_FORWARDED_FOR="2001:db8:5::1, 2001:db8:6::1, 2001:db8:1:2::99",
    )
    assert forged.status_code == 429, "what the client put on the left changes nothing"
    other = submit(api_client, submission, proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {NEXT_64}")
    assert other.status_code == 202, "another /64 behind the same proxy is another client"


@override_settings(PUBLIC_API_ANON_RATE="2/minute")
def test_public_reads_without_a_key_share_the_64s_budget_too(api_client):
    codes = [
        api_client.get(PUBLISHED, REMOTE_ADDR=address).status_code
        for address in (HOME, SAME_64, "2001:db8:1:2::3")
    ]
    assert codes == [200, 200, 429]
    assert api_client.get(PUBLISHED, REMOTE_ADDR=NEXT_64).status_code == 200


def _views(resolver: URLResolver) -> list[object]:
    found: list[object] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _views(pattern)
        elif isinstance(pattern, URLPattern):
            found.append(getattr(pattern.callback, "cls", None))
    return [view for view in found if view is not None]


def test_every_throttle_of_every_api_view_keys_clients_by_the_same_rule():
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    throttles = {
        throttle
        for view in _views(get_resolver())
        for throttle in getattr(view, "throttle_classes", [])
    }
    assert len(throttles) >= 3, "the submit, public and site throttles"
    for throttle in throttles:
        assert throttle().get_ident(request) == client_key(request) == "2001:db8:1:2::", throttle


@override_settings(AXES_ENABLED=True)
def test_a_sign_in_lockout_covers_the_whole_64_and_no_more(settings):
    moderation_moderators.moderator_create(username="alice", password="alice-pass-123")

    def sign_in(address, password="wrong"):  # noqa: S107
        return Client().post(
            "/admin/login/",
            {"username": "alice", "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    suffixes = [f"2001:db8:1:2::{n:x}" for n in range(1, settings.AXES_FAILURE_LIMIT + 1)]
    codes = [sign_in(address).status_code for address in suffixes]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert sign_in(SAME_64, password="alice-pass-123").status_code == 429, "locked: same /64"
    assert sign_in(NEXT_64, password="alice-pass-123").status_code == 302, "another /64 is not"
