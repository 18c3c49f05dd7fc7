"""Erasure (GDPR art. 17), access (art. 15) and retention: a person's data
leaves every table, except the audit of the erasure and the authorization
evidence HIPAA makes us keep (45 CFR 164.530(j))."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from moderation import privacy
from moderation.decisions import notes as moderation_notes
from moderation.decisions import services as moderation_decisions
from moderation.models import DuplicateKey, ModeratorNote, PatientNotification, ReviewClaim
from testimonials.consent import authorization_expiry
from testimonials.models import (
    Authorization,
    Invitation,
    StatusChange,
    Testimonial,
    WebhookDelivery,
    WebhookEndpoint,
)
from testimonials.sites import site_keys
from testimonials.stories import withdrawal
from tests.factories import TestimonialFactory
from tests.support.tasks import on_send

EMAIL = "maria.lopez@example.com"
NAME = "Maria Lopez"
SENTENCE = "The dry needling made my lower back loosen up within a week."
OTHER = "Six sessions in, my neck turns freely when I drive to work."


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def tables_containing(needle):
    """(table, column) of every value in the database that contains `needle`."""
    hits = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode(errors="ignore")
                    elif isinstance(value, dict | list):
                        text = json.dumps(value, ensure_ascii=False)
                    else:
                        text = str(value)
                    if needle.casefold() in text.casefold():
                        hits.add((table, column))
    return hits


@pytest.fixture
def marias_stories(moderator, django_capture_on_commit_callbacks, monkeypatch):
    """Maria's data in every place it can be: a published story (redacted,
    with a note, webhooks, duplicate keys, a claim, emails) and a rejected
    one whose note and flags quote her."""
    on_send(monkeypatch, "testimonials.tasks.send_consent_notice", lambda pk: None)
    on_send(monkeypatch, "moderation.tasks.notify_patient", lambda pk: None)
    on_send(monkeypatch, "testimonials.tasks.deliver_webhook", lambda pk: None)
    published = TestimonialFactory(
        author_name=NAME,
        email=EMAIL,
        body=f"{SENTENCE} Ask {NAME} at 541-555-0123.",
        idempotency_key=f"share:{EMAIL}",
        screening_flags=[{"kind": "pii", "entity": "PERSON", "detail": f"A name: {NAME}"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_approve(
            public_id=published.public_id,
            moderator=moderator,
            body=f"{SENTENCE} Ask [name] at [phone].",
        )
    moderation_notes.moderator_note_add(
        public_id=published.public_id, moderator=moderator, text=f"Called {NAME} on {EMAIL}."
    )
    DuplicateKey.objects.create(testimonial=published, key=42)
    ReviewClaim.objects.create(
        testimonial=published,
        moderator=moderator,
        claimed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    rejected = TestimonialFactory(
        author_name=NAME.upper(), email=EMAIL.upper(), body=f"{SENTENCE} Second time.", rating=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decisions.testimonial_reject(
            public_id=rejected.public_id,
            moderator=moderator,
            reason="other",
            note=f"Duplicate of what {NAME} sent.",
        )
    Invitation.objects.create(
        topic=published.topic,
        email=EMAIL,
        created_by_label="alice",
        expires_at=timezone.now() + timedelta(days=30),
    )
    someone_else = TestimonialFactory(author_name="Ana Diaz", email="ana@example.com", body=OTHER)
    return published, rejected, someone_else


def test_erasure_leaves_nothing_but_the_audit_and_the_authorization_evidence(
    marias_stories, api_client
):
    published, rejected, someone_else = marias_stories
    partner = site_keys.site_create(name="Partner")
    hook = WebhookEndpoint.objects.create(
        site=partner.site, url="https://partner.example/hooks", events=["testimonial.unpublished"]
    )
    assert tables_containing(EMAIL), "the search finds data"
    assert tables_containing(SENTENCE)
    assert PatientNotification.objects.exists()

    output = run("erase_patient", EMAIL.title())

    assert "Erased 2 stories" in output
    assert "kept until" in output
    assert tables_containing(EMAIL) == set()
    assert tables_containing(SENTENCE) == set()
    assert tables_containing("541-555-0123") == set()
    assert tables_containing(NAME) <= {("testimonials_authorization", "signature")}, (
        "the typed signature is the retained evidence"
    )
    for story in (published, rejected):
        story.refresh_from_db()
        assert story.erased_at is not None
        audit = StatusChange.objects.filter(testimonial=story).last()
        assert audit.reason == privacy.ERASED_ON_REQUEST
        assert audit.actor_label == "erase_patient:command"
        evidence = Authorization.objects.filter(testimonial=story)
        assert evidence.exists()
        assert all(
            row.content_sha256 and row.signature.casefold() == NAME.casefold() for row in evidence
        )
        assert not any(row.text or row.display_name for row in evidence)
        assert evidence.get(superseded_at=None).revocation == "erased"
    assert (published.status, rejected.status) == ("withdrawn", "rejected")
    assert not ModeratorNote.objects.filter(testimonial=published).exists()
    assert not DuplicateKey.objects.exists()
    assert not ReviewClaim.objects.exists()
    assert api_client.get("/api/v1/published/").json()["results"] == []
    [change] = api_client.get("/api/v1/published/changes").json()["results"]
    assert (change["type"], change["id"]) == ("removed", str(published.public_id))
    [told] = WebhookDelivery.objects.filter(endpoint=hook)
    assert (told.change.event, told.change.public_id) == (
        "testimonial.unpublished",
        published.public_id,
    )
    someone_else.refresh_from_db()
    assert (someone_else.body, someone_else.email) == (OTHER, "ana@example.com")
    [invitation] = Invitation.objects.all()
    assert invitation.expires_at <= timezone.now(), "its link no longer works"


def test_erasing_twice_is_harmless(marias_stories):
    run("erase_patient", EMAIL)
    assert "Nothing to erase" in run("erase_patient", EMAIL)


def test_an_admin_erases_from_the_queue_after_confirming(marias_stories, admin_user, moderator):
    published, _, _ = marias_stories
    browser = Client()
    browser.force_login(admin_user)
    changelist = "/admin/testimonials/testimonial/?status=all"
    chosen = {"action": "erase_authors_data", "_selected_action": [published.pk]}
    asked = browser.post(changelist, chosen)
    assert asked.status_code == 200
    assert "every other story sent from the same email address" in asked.content.decode()
    assert Testimonial.objects.get(pk=published.pk).erased_at is None

    browser.post(changelist, {**chosen, "confirm": "yes"})
    assert Testimonial.objects.filter(erased_at__isnull=False).count() == 2
    assert (
        StatusChange.objects.filter(actor_label="root", reason=privacy.ERASED_ON_REQUEST).count()
        == 2
    )

    moderator_browser = Client()
    moderator_browser.force_login(moderator)
    page = moderator_browser.get(changelist).content.decode()
    assert "erase_authors_data" not in page, "moderators may not erase"


def test_export_gives_the_person_their_data_as_json(marias_stories):
    published, rejected, _ = marias_stories
    exported = json.loads(run("export_patient", EMAIL))
    assert exported["email"] == EMAIL
    stories = {story["id"]: story for story in exported["stories"]}
    assert set(stories) == {str(published.public_id), str(rejected.public_id)}
    mine = stories[str(published.public_id)]
    assert mine["body"].startswith(SENTENCE)
    assert mine["published_body"] == f"{SENTENCE} Ask [name] at [phone]."
    assert [row["basis"] for row in mine["authorizations"]] == ["signed", "redaction"]
    assert mine["authorizations"][0]["statements"]["redisclosure"]
    assert {entry["by"] for entry in mine["history"]} == {"a moderator"}
    assert mine["moderator_notes"][0]["text"].startswith("Called")
    assert "alice" not in json.dumps(exported), "moderators are not named"
    assert mine["status_page"].startswith("http")
    assert [invitation["topic"] for invitation in exported["invitations"]] == [published.topic.slug]


def test_rejected_and_withdrawn_stories_lose_their_personal_data_after_the_period(
    db, settings, moderator
):
    settings.PERSONAL_DATA_RETENTION = timedelta(days=90)
    old_reject = TestimonialFactory(email="old@example.com")
    moderation_decisions.testimonial_reject(
        public_id=old_reject.public_id, moderator=moderator, reason="spam"
    )
    old_withdrawal = TestimonialFactory(status="published", email="gone@example.com")
    withdrawal.testimonial_withdraw(testimonial=old_withdrawal)
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        recent = TestimonialFactory(status="published", email="recent@example.com")
        withdrawal.testimonial_withdraw(testimonial=recent)
        live = TestimonialFactory(status="published", email="live@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert privacy.personal_data_expire() == 2
        assert privacy.personal_data_expire() == 0
    emails = dict(Testimonial.objects.values_list("pk", "email"))
    assert emails[old_reject.pk] == emails[old_withdrawal.pk] == ""
    assert emails[recent.pk] == "recent@example.com"
    assert emails[live.pk] == "live@example.com"
    old_reject.refresh_from_db()
    assert old_reject.status == "rejected"
    assert StatusChange.objects.filter(testimonial=old_reject).last().actor_label == (
        "system:retention"
    )


def test_authorization_evidence_is_purged_after_its_retention(db, settings):
    story = TestimonialFactory(status="published")
    withdrawal.testimonial_withdraw(testimonial=story)
    evidence = Authorization.objects.get(testimonial=story)
    assert evidence.retain_until == evidence.revoked_at + settings.AUTHORIZATION_RETENTION
    with time_machine.travel(evidence.retain_until - timedelta(days=1)):
        assert authorization_expiry.authorizations_purge() == 0
    with time_machine.travel(evidence.retain_until + timedelta(days=1)):
        assert authorization_expiry.authorizations_purge() == 1
    assert not Authorization.objects.exists()
