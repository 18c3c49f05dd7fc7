"""Moderators' API tokens: stored as a hash, named, expiring, listed and
revoked in the admin without ever showing the key; and every session and
token of an account ends when its password changes or it is deactivated."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from config.security import secret_digest
from moderation.accounts import api_tokens
from moderation.accounts.groups import clinic_admins_group_ensure, moderators_group_ensure
from moderation.models import ApiToken
from tests.factories import UserFactory

QUEUE = "/api/v1/moderation/queue/"
CHANGELIST = "/admin/moderation/apitoken/"
KEY = re.compile(r'id="api-token" type="text" readonly value="(tmk_[A-Za-z0-9_-]+)"')


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get("/admin/").status_code == 200
    return browser


def sessions_of(user: User) -> int:
    return sum(
        1
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    )


@pytest.fixture
def admin_browser(admin_user):
    return signed_in(admin_user)


def test_an_admin_issues_a_named_token_shown_once_and_stored_hashed(admin_browser, moderator):
    issued = admin_browser.post(
        f"{CHANGELIST}add/", {"user": moderator.pk, "name": "triage script"}
    )
    assert issued.status_code == 200
    assert "no-store" in issued["Cache-Control"]
    key = KEY.search(issued.content.decode()).group(1)
    assert api(key).get(QUEUE).status_code == 200

    token = ApiToken.objects.get(name="triage script")
    assert token.user == moderator
    assert key not in str(ApiToken.objects.values().get(pk=token.pk))
    assert token.expires_at - token.created_at == timedelta(days=90)
    for page in (CHANGELIST, f"{CHANGELIST}{token.pk}/change/"):
        html = admin_browser.get(page).content.decode()
        assert "triage script" in html
        assert "alice" in html
        assert key not in html
        assert token.key_hash not in html


def test_the_admin_revokes_a_token_at_once_and_keeps_it_listed(admin_browser, moderator):
    issued = api_tokens.token_issue(user=moderator, name="laptop")
    assert api(issued.key).get(QUEUE).status_code == 200

    admin_browser.post(CHANGELIST, {"action": "revoke_tokens", "_selected_action": issued.token.pk})
    assert api(issued.key).get(QUEUE).status_code == 401
    listed = admin_browser.get(CHANGELIST).content.decode()
    assert "laptop" in listed
    assert "ended: revoked in the admin" in listed
    assert admin_browser.get(f"{CHANGELIST}{issued.token.pk}/delete/").status_code == 403


def test_a_clinic_admin_manages_tokens(moderator):
    manager = UserFactory(username="dana", is_staff=True)
    manager.groups.add(clinic_admins_group_ensure())
    browser = signed_in(manager)
    issued = browser.post(f"{CHANGELIST}add/", {"user": moderator.pk, "name": "dashboard"})
    assert KEY.search(issued.content.decode())
    assert browser.get(CHANGELIST).status_code == 200


def test_a_token_stops_working_when_it_expires(moderator):
    issued = api_tokens.token_issue(user=moderator, name="script")
    with time_machine.travel(timezone.now() + timedelta(days=89, hours=23)):
        assert api(issued.key).get(QUEUE).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=90, minutes=1)):
        refused = api(issued.key).get(QUEUE)
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == "Token"


def test_a_tokens_last_use_is_recorded(moderator):
    issued = api_tokens.token_issue(user=moderator, name="script")
    assert issued.token.last_used_at is None
    api(issued.key).get(QUEUE)
    used = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert used is not None
    assert timezone.now() - used < timedelta(seconds=5)


def test_changing_a_password_ends_every_session_and_token(admin_browser, moderator):
    key = api_tokens.token_issue(user=moderator, name="script").key
    browser = signed_in(moderator)
    assert api(key).get(QUEUE).status_code == 200
    assert sessions_of(moderator) == 1

    changed = admin_browser.post(
        f"/admin/auth/user/{moderator.pk}/password/",
        {"password1": "a-new-pass-456", "password2": "a-new-pass-456", "usable_password": "true"},
    )
    assert changed.status_code == 302

    assert api(key).get(QUEUE).status_code == 401
    assert browser.get("/admin/").status_code == 302
    assert sessions_of(moderator) == 0
    assert ApiToken.objects.get(name="script").revoked_because == "password_changed"


def test_changing_your_own_password_keeps_only_the_session_you_changed_it_in(moderator):
    key = api_tokens.token_issue(user=moderator, name="script").key
    laptop, phone = signed_in(moderator), signed_in(moderator)

    changed = laptop.post(
        "/admin/password_change/",
        {
            "old_password": "alice-pass-123",
            "new_password1": "a-new-pass-456",
            "new_password2": "a-new-pass-456",
        },
    )
    assert changed.status_code == 302

    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302
    assert sessions_of(moderator) == 1
    assert api(key).get(QUEUE).status_code == 401


def test_deactivating_an_account_ends_every_session_and_token(moderator):
    key = api_tokens.token_issue(user=moderator, name="script").key
    browser = signed_in(moderator)

    moderator.is_active = False
    moderator.save()

    assert api(key).get(QUEUE).status_code == 401
    assert browser.get("/admin/").status_code == 302
    assert sessions_of(moderator) == 0
    assert ApiToken.objects.get(name="script").revoked_because == "deactivated"

    moderator.is_active = True
    moderator.save()
    assert api(key).get(QUEUE).status_code == 401, "reactivation brings no token back"


def test_a_new_hash_of_the_same_password_ends_nothing(moderator):
    """What Django does on sign-in when the password hasher's settings change."""
    key = api_tokens.token_issue(user=moderator, name="script").key
    moderator.set_password("alice-pass-123")
    moderator.save()
    assert api(key).get(QUEUE).status_code == 200


def test_tokens_from_before_hashing_keep_working_after_the_migration(transactional_db):
    """moderation 0006 turns REST framework's plain-text tokens into hashes
    of themselves, with an expiry, and drops the plain-text table."""
    alice = UserFactory(username="alice", is_staff=True)
    alice.groups.add(moderators_group_ensure())
    legacy_key = "0123456789abcdef0123456789abcdef01234567"
    executor = MigrationExecutor(connection)
    executor.migrate([("moderation", "0005_api_tokens")])
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [legacy_key, timezone.now() - timedelta(days=400), alice.pk],
        )

    executor = MigrationExecutor(connection)
    # Forward to the latest of every app: stopping at 0006 would leave the
    # tables of later migrations dropped for the tests that follow.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.key_hash == secret_digest(legacy_key)
    assert token.created_at < timezone.now() - timedelta(days=399)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert api(legacy_key).get(QUEUE).status_code == 200
