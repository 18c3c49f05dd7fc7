"""manage.py import_testimonials: another tool's CSV or JSON export comes in
as stories that screening and moderation take like any other."""

import io
import json
import logging
import re
import sys
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from moderation.intake import screening as moderation_intake
from testimonials import transitions
from testimonials.consent import authorization_requests
from testimonials.models import (
    Authorization,
    AuthorizationRequest,
    PublicationChange,
    Status,
    Testimonial,
)
from testimonials.stories import erasure
from testimonials.stories.patient_links import patient_secret
from tests.support.tasks import on_send

# A review tool's export: its own headers, a quoted text over two lines,
# and one bad row of each kind.
TOOL_EXPORT = (
    "Review ID,Reviewer,Review,Stars,Created At,Email,Consent,Topic\n"
    'r1,Ana Ruiz,"Six sessions of needling and\nthe back exercises got me walking again.",5,'
    "2024-03-01,ana@example.com,yes,\n"
    "r2,Ben Ode,,4,2024-03-02,,no,\n"
    "r3,Cy Park,The stretching plan helped a little.,7,2024-03-03,,,\n"
    "r4,Di Vo,Much less pain when I drive now.,5,31/31/2024,,,\n"
    'r1,Ana Ruiz,"Six sessions of needling and\nthe back exercises got me walking again.",5,'
    "2024-03-01,ana@example.com,yes,\n"
    "r5,Ed Lam,My sciatica calmed down after a month.,3,2024-03-04,not-an-email,,\n"
    "r6,Flo Grant,I sleep through the night since the treatment.,4/5,03/05/2024,"
    "flo@example.com,,\n"
    "r7,Gus Hale,My knee feels better.,4,2024-03-06,,,knees\n"
)
NAMES_AND_TEXTS = ["Ana Ruiz", "Flo Grant", "Six sessions", "I sleep through the night"]


def run(*args):
    out = StringIO()
    call_command("import_testimonials", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tool_export(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text(TOOL_EXPORT)
    return path


@pytest.fixture
def screening_requests(monkeypatch):
    """The ids the import asks moderation to screen, after commit."""
    requested = []
    on_send(monkeypatch, "moderation.tasks.screen_testimonial", requested.append)
    return requested


def test_a_dry_run_reports_each_bad_row_by_line_and_writes_nothing(tool_export, topic, consent):
    output = run(str(tool_export), "--topic", topic.slug)

    assert output.startswith("Dry run: nothing was written.")
    assert "line 4: empty text" in output
    assert "line 5: bad rating '7' (1 to 5)" in output
    assert "line 6: bad date '31/31/2024'" in output
    assert "line 7: duplicate of line 2" in output
    assert "line 9: bad email address" in output
    assert "line 11: unknown topic 'knees'" in output
    assert "  to import: 2\n" in output
    assert "    without consent evidence: 1 " in output
    assert "  bad: 6\n" in output
    assert 'text <- "Review"' in output
    assert 'rating <- "Stars"' in output
    assert 'date <- "Created At"' in output
    assert Testimonial.objects.count() == 0
    assert Authorization.objects.count() == 0
    for private in NAMES_AND_TEXTS:
        assert private not in output


def test_a_committed_import_is_marked_with_its_source_and_adds_nothing_twice(
    tool_export, topic, consent, screening_requests, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        first = run(str(tool_export), "--topic", topic.slug, "--source", "reviewly", "--commit")
    assert "  imported: 2\n" in first
    assert Testimonial.objects.count() == 2

    ana = Testimonial.objects.get(external_id="r1")
    assert (ana.source, ana.status, ana.topic) == ("reviewly", Status.SUBMITTED, topic)
    assert ana.original_date.isoformat() == "2024-03-01T00:00:00+00:00"
    assert ana.body == "Six sessions of needling and\nthe back exercises got me walking again."
    assert (ana.rating, ana.email, ana.consent_evidence) == (5, "ana@example.com", "yes")
    assert Authorization.objects.get(testimonial=ana).basis == "imported"
    flo = Testimonial.objects.get(external_id="r6")
    assert (flo.rating, flo.original_date.date().isoformat()) == (4, "2024-03-05")
    assert not flo.consent_to_publish
    assert not Authorization.objects.filter(testimonial=flo).exists()
    assert sorted(screening_requests) == sorted([ana.pk, flo.pk])

    with django_capture_on_commit_callbacks(execute=True):
        second = run(str(tool_export), "--topic", topic.slug, "--source", "reviewly", "--commit")
    assert "  imported: 0\n" in second
    assert "  already imported: 2\n" in second
    assert Testimonial.objects.count() == 2
    assert len(screening_requests) == 2

    for private in NAMES_AND_TEXTS:
        assert private not in caplog.text


def test_it_reads_json_and_a_column_mapping(tmp_path, topic, consent):
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            {
                "reviews": [
                    {"Kundin": "Ana Ruiz", "Bewertung": "Viel besser nach sechs Wochen.", "x": 5},
                    {"Kundin": "Ben Ode", "Bewertung": "   "},
                ]
            }
        )
    )
    output = run(
        str(path), "--topic", topic.slug, "--map", "Kundin=name", "--map", "Bewertung=text"
    )
    assert "  to import: 1\n" in output
    assert "item 2: empty text" in output


def test_it_refuses_a_file_without_a_text_column(tmp_path, topic, consent):
    path = tmp_path / "reviews.csv"
    path.write_text("Reviewer,Stars\nAna,5\n")
    with pytest.raises(CommandError, match="no column holds the text"):
        run(str(path), "--topic", topic.slug)


def screen_all():
    for testimonial in Testimonial.objects.all():
        moderation_intake.testimonial_screen(testimonial_id=testimonial.pk)


def public_bodies(api_client):
    return [item["body"] for item in api_client.get("/api/v1/published/").json()["results"]]


def test_a_story_imported_without_consent_is_public_only_once_its_patient_authorizes_it(
    tmp_path,
    topic,
    consent,
    client,
    api_client,
    moderator_client,
    screening_requests,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    text = "I sleep through the night since the treatment."
    path = tmp_path / "reviews.csv"
    path.write_text(f"Reviewer,Review,Email\nFlo Grant,{text},flo@example.com\n")
    run(str(path), "--topic", topic.slug, "--commit")
    screen_all()
    story = Testimonial.objects.get()
    assert story.status == Status.PENDING_REVIEW, "screened like any other story"
    detail = moderator_client.get(f"/api/v1/moderation/testimonials/{story.public_id}/").json()
    assert (detail["imported_from"], detail["consent_to_publish"], detail["authorization"]) == (
        "import",
        False,
        None,
    )

    requests = []
    on_send(monkeypatch, "testimonials.tasks.send_authorization_request", requests.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"/api/v1/moderation/testimonials/{story.public_id}/approve", {}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert "shown nowhere until the patient authorizes" in story.history.last().reason
    assert text not in public_bodies(api_client)
    assert text not in client.get(f"/education/{topic.slug}/").content.decode()

    [request_id] = requests
    assert authorization_requests.authorization_request_send(request_id=request_id)
    assert not authorization_requests.authorization_request_send(request_id=request_id), "sent once"
    [email] = mail.outbox
    assert email.to == ["flo@example.com"]
    assert text not in email.body
    link = re.search(r"https?://\S+(/stories/\S+/)", email.body).group(1)

    page = client.get(link).content.decode()
    assert "May we publish your story?" in page
    assert text in page
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(
            link + "authorize",
            {
                "signature": "Flo Grant",
                "channels": ["clinic", "partners", "widget"],
                "display_preference": "first_name_initial",
                "expires_in": "24",
                "version": story.version + 1,
            },
        )
    assert signed.status_code == 303
    assert text in public_bodies(api_client)
    assert text in client.get(f"/education/{topic.slug}/").content.decode()
    authorization = Authorization.objects.get(testimonial=story)
    assert (authorization.basis, authorization.signature) == ("requested", "Flo Grant")
    assert PublicationChange.objects.filter(
        public_id=story.public_id, event="testimonial.published"
    ).exists(), "websites hear of it when it becomes public"
    assert "May we publish your story?" not in client.get(link).content.decode()


def test_a_story_imported_without_consent_or_email_can_never_be_published(
    tmp_path, topic, consent, client, moderator, moderator_client, screening_requests
):
    path = tmp_path / "reviews.csv"
    path.write_text("Reviewer,Review\nGus Hale,My knee feels better after the course.\n")
    output = run(str(path), "--topic", topic.slug, "--commit")
    assert "without consent and without an email address: 1" in output
    screen_all()
    story = Testimonial.objects.get()
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "authorization_required"
    story.refresh_from_db()
    assert story.status == Status.PENDING_REVIEW
    assert not AuthorizationRequest.objects.exists()
    client.force_login(moderator)
    review = client.get(f"/admin/testimonials/testimonial/{story.pk}/review/")
    assert review.status_code == 200, "the moderator can still read it and reject it"


def test_a_story_imported_with_consent_is_public_once_approved(
    tmp_path, topic, consent, api_client, moderator_client, screening_requests
):
    text = "Much less pain when I drive now."
    path = tmp_path / "reviews.csv"
    path.write_text(f"Reviewer,Review,Consent\nDi Vo,{text},2023-11-02\n")
    run(str(path), "--topic", topic.slug, "--commit")
    screen_all()
    story = Testimonial.objects.get()
    assert story.consented_at.date().isoformat() == "2023-11-02"
    response = moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve", {}, format="json"
    )
    assert response.status_code == 200
    assert text in public_bodies(api_client)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_goes_to_a_terminal_and_stays_out_of_other_output(
    tool_export, topic, consent, capsys, monkeypatch
):
    quiet = run(str(tool_export), "--topic", topic.slug, "--no-progress")
    off_a_terminal = run(str(tool_export), "--topic", topic.slug)
    assert off_a_terminal == quiet
    assert capsys.readouterr().err == "", "no bar when stderr is not a terminal"

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    on_a_terminal = run(str(tool_export), "--topic", topic.slug)
    assert on_a_terminal == quiet, "the report on stdout is the same"
    assert "Reading: 100%" in terminal.getvalue()


def test_an_erased_imported_story_does_not_come_back_with_the_file(
    tool_export, topic, consent, screening_requests
):
    run(str(tool_export), "--topic", topic.slug, "--commit")
    ana = Testimonial.objects.get(external_id="r1")
    erasure.testimonial_erase(
        testimonial=ana, actor=transitions.PATIENT, reason="the patient asked"
    )
    ana.refresh_from_db()
    assert (ana.body, ana.author_name, ana.external_id) == ("", "", "")

    again = run(str(tool_export), "--topic", topic.slug, "--commit")
    assert "  already imported: 2\n" in again
    assert Testimonial.objects.count() == 2


def test_an_app_authorizes_an_imported_story_through_the_patients_api(
    tmp_path, topic, consent, api_client, moderator_client, screening_requests, monkeypatch
):
    text = "The home exercises were the part that helped most."
    path = tmp_path / "reviews.csv"
    path.write_text(f"Reviewer,Review,Email\nIda Moss,{text},ida@example.com\n")
    run(str(path), "--topic", topic.slug, "--commit")
    story = Testimonial.objects.get()
    url = f"/api/v1/testimonials/{story.public_id}/{patient_secret(story.public_id)}/authorize"
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)

    refused = api_client.post(url, {"signature": "  "}, format="json")
    assert refused.status_code == 400
    response = api_client.post(url, {"signature": "Ida Moss"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["authorization"]["state"] == "active"
    again = api_client.post(url, {"signature": "Ida Moss"}, format="json")
    assert again.status_code == 409, "authorized once"

    screen_all()
    moderator_client.post(
        f"/api/v1/moderation/testimonials/{story.public_id}/approve", {}, format="json"
    )
    assert text in public_bodies(api_client)
    authorization = Authorization.objects.get(testimonial=story)
    assert authorization.channels == ["clinic", "partners", "widget"], "every one by default"
