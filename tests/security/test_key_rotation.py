"""Rotating DJANGO_SECRET_KEY keeps what the old key signed working while
the old key is among DJANGO_SECRET_KEY_FALLBACKS, and refuses it the usual
way once it is dropped: the patient's emailed links, invitation links, the
changes feed's cursors and a moderator's session."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from testimonials.invitations import services as invitations
from tests.support.honest import InvitationFactory

ROOT = Path(__file__).resolve().parent.parent.parent
OLD_KEY = "old-key-" + "a" * 50
NEW_KEY = "new-key-" + "b" * 50

UNDER_OLD_KEY = override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
ROTATED = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
OLD_KEY_DROPPED = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[])


@pytest.fixture(autouse=True)
def _no_cached_answers():
    """Each phase must reach the view, not an answer cached under another key."""
    cache.clear()
    yield
    cache.clear()


def test_the_environment_variable_sets_the_fallbacks():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_SECRET_KEY": NEW_KEY,
        "DJANGO_SECRET_KEY_FALLBACKS": f"{OLD_KEY},older-key-{'c' * 50}",
    }
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.SECRET_KEY_FALLBACKS))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(read.stdout) == [OLD_KEY, f"older-key-{'c' * 50}"]


def test_a_patients_emailed_links_survive_a_rotation(db, submission):
    client = APIClient()
    with UNDER_OLD_KEY:
        answer = client.post("/api/v1/testimonials/", submission, format="json")
        assert answer.status_code == 202
        links = answer.json()
        assert client.get(links["status_url"]).status_code == 200

    with ROTATED:
        status = client.get(links["status_url"])
        assert status.status_code == 200
        assert status.json()["id"] == links["id"]

    with OLD_KEY_DROPPED:
        assert client.get(links["status_url"]).status_code == 404
        assert client.post(links["withdraw_url"]).status_code == 404

    with ROTATED:
        assert client.post(links["withdraw_url"]).status_code == 200
        assert client.get(links["status_url"]).json()["status"] == "withdrawn"


def test_an_invitation_link_survives_a_rotation(db, topic, consent):
    with UNDER_OLD_KEY:
        path = f"/invite/{invitations.invitation_token(InvitationFactory(topic=topic))}/"
        assert Client().get(path).status_code == 200

    with ROTATED:
        assert Client().get(path).status_code == 200

    with OLD_KEY_DROPPED:
        assert Client().get(path).status_code == 404


def test_a_changes_feed_cursor_survives_a_rotation(db, api_client):
    with UNDER_OLD_KEY:
        cursor = api_client.get("/api/v1/published/changes").json()["next_cursor"]

    with ROTATED:
        assert api_client.get("/api/v1/published/changes", {"since": cursor}).status_code == 200

    with OLD_KEY_DROPPED:
        refused = api_client.get("/api/v1/published/changes", {"since": cursor})
        assert refused.status_code == 400
        assert "since" in refused.json()


def test_a_moderators_session_survives_a_rotation(moderator):
    """Django re-signs a session verified by a fallback key on its next
    request, so only sessions unused during the whole window end when the
    old key is dropped."""
    used, idle = Client(), Client()
    with UNDER_OLD_KEY:
        for browser in (used, idle):
            browser.force_login(moderator)
            assert browser.get("/admin/").status_code == 200

    with ROTATED:
        assert used.get("/admin/").status_code == 200

    with OLD_KEY_DROPPED:
        assert used.get("/admin/").status_code == 200
        signed_out = idle.get("/admin/")
        assert signed_out.status_code == 302
        assert signed_out["Location"].startswith("/admin/login/")
