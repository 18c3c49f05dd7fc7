"""Guessing one moderator's password from many addresses: django-axes locks
a username and address after `AXES_FAILURE_LIMIT` failures, and
config.sign_in locks the username everywhere after
`AXES_USERNAME_FAILURE_LIMIT` failures from all addresses together, with a
cool-down, a log line that names no one and a metric."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from config import metrics
from moderation.accounts import moderators as moderation_moderators

pytestmark = pytest.mark.django_db

PASSWORD = "alice-pass-123"
USERNAME_LIMIT = 8
ATTACKERS = [f"198.51.100.{n}" for n in range(1, 50)]


@pytest.fixture
def alice(db):
    return moderation_moderators.moderator_create(username="alice", password=PASSWORD).user


def sign_in(address, *, username="alice", password="wrong"):  # noqa: S107
    browser = Client()
    response = browser.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )
    return response, browser


def lockouts(scope: str) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics.METRICS_DIR))  # type: ignore[no-untyped-call]
    value = registry.get_sample_value("testimonials_sign_in_lockouts_total", {"scope": scope})
    return value or 0.0


def guess_from_many_addresses(username: str, guesses: int) -> list[int]:
    """Two guesses from each address: well under the per-address limit."""
    return [sign_in(ATTACKERS[n // 2], username=username)[0].status_code for n in range(guesses)]


@override_settings(AXES_ENABLED=True, AXES_USERNAME_FAILURE_LIMIT=USERNAME_LIMIT)
def test_guessing_from_many_addresses_locks_the_username_until_the_cool_down(alice, caplog):
    caplog.set_level(logging.WARNING)
    before = lockouts("username")
    codes = guess_from_many_addresses("alice", USERNAME_LIMIT + 2)
    assert codes[: USERNAME_LIMIT - 1] == [200] * (USERNAME_LIMIT - 1), "the form again"
    assert codes[USERNAME_LIMIT - 1 :] == [429] * 3, "locked at the limit, from any address"

    fresh, browser = sign_in("203.0.113.99", password=PASSWORD)
    assert fresh.status_code == 429, "the right password from a fresh address: locked too"
    assert browser.get("/admin/").status_code == 302, "not signed in"
    stranger, _ = sign_in("203.0.113.98", username="nobody-here")
    assert (fresh.status_code, fresh.content) == (429, sign_in("203.0.113.97")[0].content)
    assert stranger.status_code == 200, "another username is not locked"

    assert lockouts("username") == before + 1, "one lockout counted once"
    alert = [r for r in caplog.records if r.name == "config.sign_in"]
    assert len(alert) == 1
    assert alert[0].levelno == logging.WARNING
    line = alert[0].getMessage()
    assert re.search(rf"ref=[0-9a-f]{{16}}: {USERNAME_LIMIT} failures from 4 addresses", line)
    assert "alice" not in caplog.text, "neither axes nor we name the username"
    assert not re.search(r"198\.51\.100\.|203\.0\.113\.", caplog.text), "nor an address"

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        later, browser = sign_in("203.0.113.99", password=PASSWORD)
        assert later.status_code == 302, "after the cool-down the moderator signs in"
        assert browser.get("/admin/").status_code == 200


@override_settings(AXES_ENABLED=True, AXES_USERNAME_FAILURE_LIMIT=USERNAME_LIMIT)
def test_a_few_failures_from_elsewhere_do_not_lock_the_moderator_out(alice):
    codes = guess_from_many_addresses("alice", USERNAME_LIMIT - 2)
    assert set(codes) == {200}
    response, browser = sign_in("203.0.113.99", password=PASSWORD)
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200


@override_settings(AXES_ENABLED=True, AXES_USERNAME_FAILURE_LIMIT=USERNAME_LIMIT)
def test_an_unknown_username_is_locked_the_same_way(alice):
    known = guess_from_many_addresses("alice", USERNAME_LIMIT + 1)
    unknown = guess_from_many_addresses("mallory", USERNAME_LIMIT + 1)
    assert known == unknown == [200] * (USERNAME_LIMIT - 1) + [429, 429]


@override_settings(AXES_ENABLED=True)
def test_a_lockout_of_one_username_from_one_address_is_counted_too(alice, settings):
    before = lockouts("address"), lockouts("username")
    codes = [sign_in("192.0.2.10")[0].status_code for _ in range(settings.AXES_FAILURE_LIMIT + 1)]
    assert codes[-2:] == [429, 429]
    assert (lockouts("address"), lockouts("username")) == (before[0] + 1, before[1])
