import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from moderation.screening.learned.active import active_model
from testimonials.models import Clinician, Location, Organisation, Status, Testimonial, Topic


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_moderator_prints_a_working_token_last(db):
    output = run("create_moderator", "dana")
    token = output.strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/moderation/queue/").status_code == 200


def test_create_moderator_updates_an_existing_account_with_a_new_token(db):
    """Only a hash of a token is kept, so it cannot be printed twice: a
    second run issues another, and the first keeps working."""
    first = run("create_moderator", "dana").strip().splitlines()[-1]
    second = run("create_moderator", "dana", "--email", "dana@example.com").strip().splitlines()[-1]
    assert first != second
    for token in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/moderation/queue/").status_code == 200


def test_screen_prints_one_result_per_line_and_writes_nothing(db, tmp_path):
    lines = [
        {"id": "a", "body": "The exercises helped my back a lot over six weeks."},
        {
            "id": "b",
            "body": "Buy cheap pills now, no prescription: "
            "http://a.example.biz http://b.example.biz http://c.example.biz",
        },
        {
            "id": "c",
            "body": "My blog www.back-story.example.com has the details.",
            "topic": "neck-pain",
        },
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    results = [json.loads(line) for line in run("screen", str(path)).splitlines()]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    version = active_model().version
    assert results[0] == {
        "id": "a",
        "flags": [],
        "risk_score": 0,
        "action": "queue",
        "model_version": version,
    }
    assert results[1]["action"] == "auto_reject"
    [url] = results[2]["flags"]
    assert (url["kind"], url["entity"]) == ("pii", "URL")
    assert lines[2]["body"][url["start"] : url["end"]] == "www.back-story.example.com"
    assert Testimonial.objects.count() == 0


def test_screen_names_a_broken_line(db, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text('{"id": "a", "body": "fine text here"}\n{not json}\n')
    with pytest.raises(CommandError, match=r"items.jsonl:2"):
        run("screen", str(path))


def test_screen_runs_over_the_labelled_data(db):
    from pathlib import Path

    # A labelled set of our own, so that this never skips.
    data = Path(__file__).resolve().parent / "moderation" / "data" / "screening-probe-a.jsonl"
    results = run("screen", str(data)).splitlines()
    assert len(results) == sum(1 for line in data.read_text().splitlines() if line.strip())


def test_seed_demo_shows_every_part_at_once_and_can_run_again(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    run("seed_demo")
    first = json.loads((tmp_path / "demo-credentials.json").read_text())
    output = run("seed_demo")
    topic = Topic.objects.get(slug="dry-needling-low-back-pain")
    assert topic.open_for_submissions
    statuses = set(Testimonial.objects.values_list("status", flat=True))
    assert {Status.PUBLISHED, Status.PENDING_REVIEW, Status.REJECTED, Status.WITHDRAWN} <= statuses
    assert Testimonial.objects.count() == 12, "a second run adds nothing"
    # One organisation with two locations and a clinician at each; the stories at both.
    downtown, riverside = Location.objects.filter(slug__in=["downtown", "riverside"])
    assert downtown.organisation == riverside.organisation
    assert Organisation.objects.count() == 1
    assert {
        (clinician.slug, location.slug)
        for clinician in Clinician.objects.all()
        for location in clinician.locations.all()
    } == {("ana-ruiz", "downtown"), ("ben-okafor", "riverside")}
    assert set(Testimonial.objects.values_list("location__slug", flat=True)) == {
        "downtown",
        "riverside",
    }
    assert Testimonial.objects.filter(clinician__slug="ben-okafor").count() == 2
    assert "Admin login: user 'admin'" in output
    page = Client().get(f"/education/{topic.slug}/", HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "es", "the demo shows the Spanish pages too"
    second = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert f"Moderator API token: {second['moderator_token']}" in output

    def queue(token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.get("/api/v1/moderation/queue/").status_code

    assert queue(second["moderator_token"]) == 200
    assert queue(first["moderator_token"]) == 401, "only the last printed demo token works"


ADMIN_PASSWORD = "Kestrel-harbour-97-lantern"


def _create_admin(*args, **environment):
    out, err = StringIO(), StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        call_command("create_admin", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_create_admin_reads_the_password_from_a_file_and_never_prints_it(db, tmp_path, caplog):
    from django.contrib.auth import get_user_model

    secret_file = tmp_path / "admin-password"
    secret_file.write_text(ADMIN_PASSWORD + "\n")
    output = _create_admin("--username", "clinic-admin", "--password-file", str(secret_file))
    assert "totp_device clinic-admin" in output
    assert ADMIN_PASSWORD not in output + caplog.text
    admin = get_user_model().objects.get(username="clinic-admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(ADMIN_PASSWORD)
    assert list(admin.groups.values_list("name", flat=True)) == ["Clinic admins"]


def test_create_admin_reads_the_password_from_the_environment(db, caplog):
    output = _create_admin("--username", "clinic-admin", ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert ADMIN_PASSWORD not in output + caplog.text
    assert Client().login(username="clinic-admin", password=ADMIN_PASSWORD)


def test_create_admin_refuses_a_weak_password_an_existing_name_and_no_password(db):
    with pytest.raises(CommandError, match="refused") as refused:
        _create_admin("--username", "clinic-admin", ADMIN_PASSWORD="password1")
    assert "password1" not in str(refused.value)
    _create_admin("--username", "clinic-admin", ADMIN_PASSWORD=ADMIN_PASSWORD)
    with pytest.raises(CommandError, match="exists already"):
        _create_admin("--username", "clinic-admin", ADMIN_PASSWORD="Another-strong-one-42")
    with pytest.raises(CommandError, match="No password"):
        _create_admin("--username", "someone-else", ADMIN_PASSWORD="")
