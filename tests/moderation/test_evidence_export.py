"""One admin action gives a published story's evidence as a ZIP: the
authorization and its consent version, the history with diffs, the flags,
the disclosures shown, and every surface it reached with dates."""

import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client

from moderation.decisions import notes as moderation_notes
from moderation.decisions import services as moderation_decisions
from testimonials.consent import edit_approval
from testimonials.models import WebhookDelivery, WebhookEndpoint
from testimonials.sites import site_keys
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory
from tests.support.honest import TYPICAL, StatementFactory, claim_flags

CHANGELIST = "/admin/testimonials/testimonial/"


@pytest.fixture
def alice_browser(moderator):
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    return browser


@pytest.fixture
def clinic_site(db):
    return site_keys.site_create(name="Clinic website")


@pytest.fixture
def story(moderator, topic, clinic_site, django_capture_on_commit_callbacks):
    """Published with a redaction and a statement, edited, then withdrawn."""
    StatementFactory(topic=topic)
    WebhookEndpoint.objects.create(
        site=clinic_site.site,
        url="http://127.0.0.1:9/hook",
        events=["testimonial.published", "testimonial.unpublished"],
    )
    pending = TestimonialFactory(
        status="pending_review", material_connection="staff_family", **claim_flags()
    )
    moderation_notes.moderator_note_add(
        public_id=pending.public_id, moderator=moderator, text="Checked the claim."
    )
    with django_capture_on_commit_callbacks(execute=False):
        published = moderation_decisions.testimonial_approve(
            public_id=pending.public_id,
            moderator=moderator,
            body="Dry needling helped my back pain a lot.",
        )
        # A rewrite, not a redaction: public once the patient approves it.
        published = edit_approval.authorization_approve_edit(
            testimonial=published, signature="Maria Lopez"
        )
        published = moderation_decisions.testimonial_edit_published(
            public_id=published.public_id,
            moderator=moderator,
            body="Dry needling helped my back pain [...].",
        )
        withdrawal.testimonial_withdraw(testimonial=published)
    published.refresh_from_db()
    return published


def unzip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_one_action_gives_the_whole_evidence(alice_browser, story, topic, consent):
    response = alice_browser.post(
        CHANGELIST + "?status=all",
        {"action": "export_evidence", "_selected_action": [story.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"evidence-{story.public_id}.zip" in response["Content-Disposition"]
    files = unzip(response)

    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["generated_by"] == "alice"
    assert manifest["files"] == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }

    authorization = json.loads(files["authorization.json"])
    assert authorization["consent_text_version"] == consent.version
    assert authorization["consented_at"] == story.consented_at.isoformat()
    assert [row["basis"] for row in authorization["authorizations"]] == [
        "signed",
        "patient_approval",
        "redaction",
    ]
    assert files["consent.txt"].decode() == consent.text

    history = json.loads(files["moderation_history.json"])
    moves = [(c["from"], c["to"]) for c in history["status_changes"]]
    assert moves == [
        ("pending_review", "published"),
        ("published", "published"),
        ("published", "published"),
        ("published", "withdrawn"),
    ]
    assert history["notes"][0]["text"] == "Checked the claim."
    diff = files["text_changes.diff"].decode()
    assert "-Dry needling cured my back pain forever" in diff
    assert "+Dry needling helped my back pain [...]." in diff
    assert "-Dry needling helped my back pain a lot." in diff

    screening = json.loads(files["screening.json"])
    assert screening["flags"][0]["kind"] == "medical_claim"

    shown = json.loads(files["disclosures.json"])
    assert shown["shown"]["typical_results"]["text"] == TYPICAL
    assert shown["shown"]["material_connections"][0]["kind"] == "staff_family"
    assert shown["needs_typical_results"] is True

    surfaces = json.loads(files["surfaces.json"])
    assert [c["event"] for c in surfaces["publication_changes"]] == [
        "testimonial.published",
        "testimonial.updated",
        "testimonial.unpublished",
    ]
    [period] = surfaces["publication_periods"]
    assert period["from"] is not None
    assert period["to"] is not None
    assert len(surfaces["webhook_deliveries"]) == WebhookDelivery.objects.count() == 2
    assert {d["site"] for d in surfaces["webhook_deliveries"]} == {"Clinic website"}
    assert {s["surface"] for s in surfaces["public_surfaces_during_the_periods"]} >= {
        "education page",
        "widget",
        "published API",
        "Atom feed",
    }


def test_the_review_page_links_to_it(alice_browser, story):
    html = alice_browser.get(f"/admin/testimonials/testimonial/{story.pk}/review/").content.decode()
    url = f"/admin/testimonials/testimonial/{story.pk}/evidence/"
    assert f'href="{url}"' in html
    response = alice_browser.get(url)
    assert response["Content-Type"] == "application/zip"
    assert "manifest.json" in unzip(response)


def test_a_story_never_published_has_no_evidence_to_give(alice_browser, topic):
    pending = TestimonialFactory(status="pending_review")
    response = alice_browser.post(
        CHANGELIST, {"action": "export_evidence", "_selected_action": [pending.pk]}, follow=True
    )
    assert "never published" in response.content.decode()


def test_only_one_story_at_a_time(alice_browser, topic):
    stories = [TestimonialFactory(status="published") for _ in range(2)]
    response = alice_browser.post(
        CHANGELIST + "?status=published",
        {"action": "export_evidence", "_selected_action": [s.pk for s in stories]},
        follow=True,
    )
    assert "Choose exactly one story." in response.content.decode()


def test_someone_who_is_not_staff_gets_nothing(patient_user, story):
    browser = Client()
    browser.force_login(patient_user)
    response = browser.get(f"/admin/testimonials/testimonial/{story.pk}/evidence/")
    assert response.status_code == 302
    assert response["Content-Type"] != "application/zip"
