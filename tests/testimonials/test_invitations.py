"""Invitations: single-use, expiring, signed links sent by email. The
email names no treatment; a reused, expired or altered link is refused
everywhere; a story that comes through one is a verified patient's."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from moderation.decisions import services as moderation_decisions
from moderation.intake import screening as moderation_intake
from testimonials.errors import FieldErrors
from testimonials.invitations import services as invitations
from testimonials.models import Invitation, Organisation, Testimonial
from tests.factories import TestimonialFactory, TopicFactory
from tests.support.honest import InvitationFactory
from tests.support.tasks import on_send

STORY = "After four sessions and the home exercises I can sit through a workday again."


@pytest.fixture
def invitation(topic):
    return InvitationFactory(topic=topic, incentive="a $10 gift card")


@pytest.fixture
def token(invitation):
    return invitations.invitation_token(invitation)


@pytest.fixture
def form(consent):
    def make(token, key="k1"):
        return {
            "author_name": "Maria Lopez",
            "body": STORY,
            "rating": "2",
            "consent_to_publish": "on",
            "consent_text_version": consent.version,
            "channels": ["clinic", "partners", "widget"],
            "age": "adult",
            "signature": "Maria Lopez",
            "submission_key": key,
            "invitation": token,
            "website": "",
        }

    return make


def invite_url(token):
    return f"/invite/{token}/"


def tampered(token):
    """The same token with one character of its payload changed."""
    payload, rest = token.split(":", 1)
    swapped = ("A" if payload[-1] != "A" else "B") + rest
    return payload[:-1] + swapped[0] + ":" + rest


# --- The email ------------------------------------------------------------------


def test_the_email_names_no_treatment_and_carries_the_link(topic, invitation, settings):
    Organisation.objects.filter(pk=topic.organisation_id).update(name="Riverside Physio")
    settings.PUBLIC_BASE_URL = "https://stories.clinic.example"
    assert invitations.invitation_send(invitation_id=invitation.pk)
    [email] = mail.outbox
    assert email.to == [invitation.email]
    text = f"{email.subject}\n{email.body}".lower()
    for word in [*topic.title.lower().split(), topic.slug, "needl", "back", "pain"]:
        if len(word) > 3:
            assert word not in text, word
    assert "riverside physio" in text
    assert "good or bad" in text
    link = re.search(r"https://stories\.clinic\.example/invite/\S+/", email.body)
    assert link is not None
    assert topic.slug not in link.group(0)
    assert "a $10 gift card to every patient we invite" in email.body


def test_the_email_is_sent_once_and_never_for_a_used_or_expired_invitation(topic):
    fresh = InvitationFactory(topic=topic)
    assert invitations.invitation_send(invitation_id=fresh.pk)
    assert not invitations.invitation_send(invitation_id=fresh.pk)
    used = InvitationFactory(topic=topic, used_at=timezone.now())
    expired = InvitationFactory(topic=topic, expires_at=timezone.now() - timedelta(days=1))
    assert not invitations.invitation_send(invitation_id=used.pk)
    assert not invitations.invitation_send(invitation_id=expired.pk)
    assert len(mail.outbox) == 1


def test_a_failed_send_is_released_for_a_retry(topic, monkeypatch):
    invitation = InvitationFactory(topic=topic)

    def down(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    with pytest.raises(OSError, match="smtp down"):
        invitations.invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert invitations.unsent_invitation_ids(older_than=timedelta(seconds=60)) == [
            invitation.pk
        ]


def test_creating_a_batch_enqueues_one_email_each_after_commit(
    topic, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    on_send(monkeypatch, "testimonials.tasks.send_invitation", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        batch = invitations.invitations_create(
            topic=topic,
            emails=["a@example.com", "b@example.com"],
            created_by=moderator,
            incentive="a $10 gift card",
        )
    assert len(batch.invitations) == 2
    rows = Invitation.objects.filter(batch=batch.batch)
    assert sorted(sent) == sorted(rows.values_list("pk", flat=True))
    # The incentive is recorded as offered to everyone in the batch.
    assert set(rows.values_list("incentive", flat=True)) == {"a $10 gift card"}
    assert set(rows.values_list("created_by_label", flat=True)) == {"alice"}


def test_an_address_with_an_open_invitation_is_not_invited_twice(topic):
    InvitationFactory(topic=topic, email="A@example.com")
    batch = invitations.invitations_create(
        topic=topic, emails=["a@example.com", "b@example.com"], created_by=None
    )
    assert [i.email for i in batch.invitations] == ["b@example.com"]
    assert batch.already_invited == 1


def test_a_batch_over_the_limit_is_refused(topic, settings):
    settings.INVITATION_MAX_BATCH = 2
    with pytest.raises(FieldErrors):
        invitations.invitations_create(
            topic=topic, emails=["a@x.example", "b@x.example", "c@x.example"], created_by=None
        )
    assert not Invitation.objects.exists()


def test_it_reads_emails_from_a_csv_export_or_a_plain_list():
    export = (
        "\ufeffName,Email,Visit\n"
        "Ana,ana@example.com,x\n"
        "Bo,not-an-address,y\n"
        "\n"
        "Cy,ANA@example.com,z\n"
    )
    parsed = invitations.parse_emails(export)
    assert parsed.emails == ["ana@example.com"]
    assert parsed.invalid_lines == ["line 3"]
    assert parsed.duplicates == 1
    plain = invitations.parse_emails("one@example.com\ntwo@example.com\n")
    assert plain.emails == ["one@example.com", "two@example.com"]


# --- The link ---------------------------------------------------------------------


def test_the_link_opens_the_share_page_with_the_invitation(client, token, invitation, consent):
    response = client.get(invite_url(token))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f'value="{token}"' in html
    assert "Verified patient" in html
    assert "a $10 gift card to every patient it invited" in html


def test_a_story_through_the_link_is_a_verified_patients_with_the_incentive_disclosed(
    client, api_client, token, invitation, form, moderator, topic
):
    response = client.post(f"/share/{topic.slug}/", form(token))
    assert response.status_code == 303
    story = Testimonial.objects.get()
    invitation.refresh_from_db()
    assert story.invitation == invitation
    assert invitation.used_at is not None
    assert story.incentive == "a $10 gift card"

    moderation_intake.testimonial_screen(testimonial_id=story.pk)
    moderation_decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)
    [item] = api_client.get("/api/v1/published/").json()["results"]
    assert item["verified_patient"] is True
    assert item["material_connections"] == [
        {
            "kind": "incentive",
            "text": "The clinic offered a $10 gift card to every patient it invited to share a "
            "story, whatever the story says.",
        }
    ]
    html = client.get(f"/education/{topic.slug}/").content.decode()
    assert '<span class="verified"' in html
    assert "a $10 gift card to every patient it invited" in html


def test_a_second_story_with_the_same_link_is_refused(client, api_client, token, form, topic):
    assert client.post(f"/share/{topic.slug}/", form(token, key="first")).status_code == 303
    again = client.post(f"/share/{topic.slug}/", form(token, key="second"))
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    submission = {**form(token), "consent_to_publish": True, "rating": 2}
    api = api_client.post(
        "/api/v1/testimonials/",
        {
            key: submission[key]
            for key in ("author_name", "body", "consent_to_publish", "rating", "invitation")
        }
        | {"topic": topic.slug, "consent_text_version": submission["consent_text_version"]},
        format="json",
    )
    assert api.status_code == 400
    assert "already used" in api.json()["invitation"][0]
    assert Testimonial.objects.count() == 1
    page = client.get(invite_url(token))
    assert page.status_code == 410
    assert 'data-reason="used"' in page.content.decode()


def test_resending_the_same_form_is_not_a_reuse(client, token, form, topic):
    first = client.post(f"/share/{topic.slug}/", form(token, key="same"))
    again = client.post(f"/share/{topic.slug}/", form(token, key="same"))
    assert again.status_code == 303
    assert again["Location"] == first["Location"]
    assert Testimonial.objects.count() == 1


def test_an_expired_link_is_refused(client, token, form, topic, invitation):
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        page = client.get(invite_url(token))
        assert page.status_code == 410
        assert "expired" in page.content.decode()
        response = client.post(f"/share/{topic.slug}/", form(token))
        assert response.status_code == 400
        assert "This invitation has expired." in response.content.decode()
    assert not Testimonial.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


@pytest.mark.parametrize(
    "forge",
    [
        tampered,
        lambda token: signing.dumps(token.split(":")[0], salt="another.purpose"),
        lambda token: "0" * 32,
        lambda token: token[:-2],
    ],
)
def test_an_altered_link_is_refused(client, api_client, token, form, topic, forge):
    bad = forge(token)
    assert client.get(invite_url(bad)).status_code == 404
    response = client.post(f"/share/{topic.slug}/", form(bad))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Testimonial.objects.exists()


def test_a_link_for_another_topic_is_refused(api_client, submission, topic):
    other = TopicFactory(slug="neck-pain", title="Neck pain")
    token = invitations.invitation_token(InvitationFactory(topic=other))
    response = api_client.post(
        "/api/v1/testimonials/", {**submission, "invitation": token}, format="json"
    )
    assert response.status_code == 400
    assert "another topic" in response.json()["invitation"][0]


def test_a_link_can_be_used_once_even_by_two_racing_claims(topic, invitation, token, monkeypatch):
    # The other request read the invitation while it was unused, then lost
    # the race: the compare-and-set on used_at refuses it.
    seen_unused = invitations.invitation_for_token(token)
    invitations.invitation_claim(token=token, topic=topic)
    monkeypatch.setattr(invitations, "invitation_for_token", lambda token, at=None: seen_unused)
    with pytest.raises(FieldErrors) as refused:
        invitations.invitation_claim(token=token, topic=topic)
    assert "already used" in refused.value.fields["invitation"][0]


# --- Staff: the admin and the command ------------------------------------------------


def test_staff_invite_a_batch_from_the_admin(moderator, topic, monkeypatch):
    on_send(monkeypatch, "testimonials.tasks.send_invitation", lambda pk: None)
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-123")
    page = browser.get("/admin/testimonials/invitation/add/")
    assert page.status_code == 200
    assert "names neither the treatment nor the reason" in page.content.decode()
    upload = StringIO("email\nana@example.com\nnot-an-address\n")
    upload.name = "patients.csv"
    response = browser.post(
        "/admin/testimonials/invitation/add/",
        {
            "topic": topic.pk,
            "emails": "bo@example.com",
            "csv_file": upload,
            "incentive": "a $10 gift card",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "2 invitations are being sent." in html
    assert "patients.csv line 3" in html
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ana@example.com",
        "bo@example.com",
    ]


def test_the_invitation_list_does_not_show_what_invitees_wrote_or_rated(
    admin_user, topic, invitation
):
    TestimonialFactory(invitation=invitation, status="rejected", rating=1, body="Awful visit.")
    browser = Client()
    browser.force_login(admin_user)
    html = browser.get("/admin/testimonials/invitation/").content.decode()
    assert invitation.email in html
    assert "Awful visit." not in html
    assert "rejected" not in html.lower().split("<table", 1)[1]


def test_the_command_invites_from_a_csv_without_printing_addresses(topic, tmp_path):
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text("email\nana@example.com\nbo@example.com\noops\n")
    out = StringIO()
    with override_settings(INVITATION_MAX_BATCH=10):
        call_command(
            "invite_patients",
            topic.slug,
            "--csv",
            str(csv_file),
            "--email",
            "cy@example.com",
            "--incentive",
            "a $10 gift card",
            stdout=out,
        )
    assert Invitation.objects.count() == 3
    assert set(Invitation.objects.values_list("created_by_label", flat=True)) == {
        "manage.py invite_patients"
    }
    assert "Invited 3" in out.getvalue()
    assert "not an address: CSV line 4." in out.getvalue()
    assert "@" not in out.getvalue()


def test_the_command_refuses_an_unknown_topic(db):
    with pytest.raises(CommandError):
        call_command("invite_patients", "nope", "--email", "a@example.com", stdout=StringIO())
