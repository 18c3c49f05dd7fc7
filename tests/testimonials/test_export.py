"""manage.py export_testimonials and the admin's export: stories with their
moderation history, for the clinic's records and for leaving us."""

import csv
import io
import json
import logging
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from moderation.accounts import groups as moderation_groups
from moderation.accounts.permissions import CLINIC_ADMINS_GROUP
from moderation.decisions import services as moderation_decisions
from testimonials.models import DataExport, Status, Testimonial
from tests.factories import TestimonialFactory, UserFactory
from tests.support.tasks import on_send

PUBLISHED = "The exercises and six sessions gave me my mornings back."
PENDING = "Still waiting to see whether the treatment works for me."


def export(tmp_path, *args):
    path = tmp_path / "export.out"
    call_command("export_testimonials", *args, "--output", str(path), stderr=StringIO())
    return path.read_text()


@pytest.fixture
def stories(publish, moderator, topic):
    published = publish(body=PUBLISHED, topic=topic, email="maria@example.com")
    pending = TestimonialFactory(body=PENDING, topic=topic, email="bo@example.com")
    return published, pending


def test_the_published_export_holds_each_story_with_its_moderation_history(tmp_path, stories):
    published, _ = stories
    data = json.loads(export(tmp_path, "--format", "json", "--status", "published"))
    assert data["count"] == 1
    [row] = data["testimonials"]
    assert (row["id"], row["body"], row["status"]) == (
        str(published.public_id),
        PUBLISHED,
        "published",
    )
    [approval] = row["history"]
    assert (approval["from"], approval["to"], approval["actor"]) == (
        "pending_review",
        "published",
        "alice",
    )
    assert approval["reason"] == "approved"
    assert row["decided_by"] == "alice"
    assert row["authorization"] == "active"
    assert DataExport.objects.get().count == 1


def test_the_export_of_all_stories_holds_the_rest_as_csv(tmp_path, stories, moderator):
    _, pending = stories
    moderation_decisions.testimonial_reject(
        public_id=pending.public_id, moderator=moderator, reason="off_topic", note="Parking."
    )
    rows = list(csv.DictReader(io.StringIO(export(tmp_path, "--format", "csv", "--status", "all"))))
    by_body = {row["body"]: row for row in rows}
    assert set(by_body) == {PUBLISHED, PENDING}
    rejected = by_body[PENDING]
    assert (rejected["status"], rejected["email"]) == (Status.REJECTED, "bo@example.com")
    assert rejected["rejection_reason"] == "off_topic"
    [decision] = json.loads(rejected["history"])
    assert (decision["to"], decision["actor"], decision["details"]["note"]) == (
        "rejected",
        "alice",
        "Parking.",
    )
    record = DataExport.objects.get()
    assert (record.scope, record.format, record.count) == ("all", "csv", 2)


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(tmp_path, publish, topic):
    publish(
        body='=HYPERLINK("http://evil.example","click")',
        author_name="@SUM(1+1)",
        topic=topic,
    )
    [row] = csv.DictReader(io.StringIO(export(tmp_path, "--format", "csv", "--status", "all")))
    assert row["body"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["author_name"] == "'@SUM(1+1)"
    assert row["topic"] == topic.slug, "other cells unchanged"


def test_our_json_export_imports_again_once(tmp_path, stories, consent, monkeypatch):
    on_send(monkeypatch, "moderation.tasks.screen_testimonial", lambda pk: None)
    exported = tmp_path / "ours.json"
    exported.write_text(export(tmp_path, "--format", "json", "--status", "all"))
    originals = {str(t.public_id): t for t in Testimonial.objects.all()}

    for _ in range(2):
        call_command(
            "import_testimonials",
            str(exported),
            "--source",
            "export",
            "--commit",
            stdout=StringIO(),
        )

    imported = Testimonial.objects.filter(source="export")
    assert imported.count() == 2
    for copy in imported:
        original = originals[copy.external_id]
        assert (copy.body, copy.author_name, copy.email, copy.rating, copy.topic_id) == (
            original.body,
            original.author_name,
            original.email,
            original.rating,
            original.topic_id,
        )
        assert copy.original_date == original.created_at
        assert copy.consent_to_publish, "our consent travels as evidence"
        assert copy.status == Status.SUBMITTED


@pytest.fixture
def clinic_admin(db):
    moderation_groups.clinic_admins_group_ensure()
    user = UserFactory(username="dana", is_staff=True)
    user.groups.add(Group.objects.get(name=CLINIC_ADMINS_GROUP))
    return user


EXPORT_URL = "/admin/testimonials/testimonial/export/"


def test_clinic_admins_download_the_export_from_the_admin_and_it_is_recorded(
    client, stories, clinic_admin, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(clinic_admin)
    changelist = client.get("/admin/testimonials/testimonial/").content.decode()
    assert 'id="testimonial-export"' in changelist

    response = client.get(EXPORT_URL, {"status": "all", "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="testimonials-all-')
    data = json.loads(response.content)
    assert {row["body"] for row in data["testimonials"]} == {PUBLISHED, PENDING}
    record = DataExport.objects.get()
    assert (record.actor, record.scope, record.format, record.count) == (
        clinic_admin,
        "all",
        "json",
        2,
    )
    for private in (PUBLISHED, PENDING, "maria@example.com", "Maria Lopez"):
        assert private not in caplog.text

    response = client.get(EXPORT_URL, {"status": "published", "format": "csv"})
    assert response.status_code == 200
    assert [row["body"] for row in csv.DictReader(io.StringIO(response.content.decode()))] == [
        PUBLISHED
    ]


def test_superusers_may_export_too(admin_client, stories):
    response = admin_client.get(EXPORT_URL, {"status": "all", "format": "csv"})
    assert response.status_code == 200


def test_moderators_and_strangers_cannot_export(client, stories, moderator):
    response = client.get(EXPORT_URL, {"status": "all", "format": "csv"})
    assert response.status_code == 302, "to the sign-in page"
    client.force_login(moderator)
    assert (
        'id="testimonial-export"'
        not in client.get("/admin/testimonials/testimonial/").content.decode()
    )
    assert client.get(EXPORT_URL, {"status": "all", "format": "csv"}).status_code == 403
    assert client.get("/admin/testimonials/dataexport/").status_code == 403
    assert not DataExport.objects.exists()
