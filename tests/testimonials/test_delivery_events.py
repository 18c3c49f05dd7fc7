"""The email provider's delivery events (anymail): an email sent through
anymail's test backend, then the provider's own webhook payload (Postmark's
format) posted to our webhook URL, lands on the outbox row and on the
review page, so a bounced reminder does not read as sent."""

import base64
import importlib
import logging

import pytest
from django.core import mail
from django.urls import clear_url_caches

from testimonials.consent import consent_notices
from testimonials.invitations import services
from testimonials.models import ConsentNotice, Invitation
from tests.factories import TestimonialFactory

WEBHOOK = "/anymail/postmark/tracking/"
SECRET = "provider:test-webhook-secret"
ADDRESS = "pat.bounce@example.com"


def basic_auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark_bounce(message_id: str, metadata: dict[str, str] | None = None) -> dict[str, object]:
    """A hard bounce as Postmark posts it."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": message_id,
        "Metadata": metadata or {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": f"smtp;550 5.1.1 The email account {ADDRESS} does not exist.",
        "Email": ADDRESS,
        "From": "stories@clinic.example",
        "BouncedAt": "2026-12-06T16:33:54.9070259Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Your authorization expires soon",
    }


def postmark_event(record_type: str, message_id: str, **extra: object) -> dict[str, object]:
    """A delivery or spam complaint as Postmark posts it."""
    return {
        "RecordType": record_type,
        "MessageStream": "outbound",
        "ServerID": 23,
        "MessageID": message_id,
        "Recipient": ADDRESS,
        "Email": ADDRESS,
        "Tag": "",
        "Metadata": {},
        **extra,
    }


@pytest.fixture
def provider(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def sent_reminder(db, provider):
    story = TestimonialFactory(email=ADDRESS, status="published")
    notice = ConsentNotice.objects.create(
        authorization=story.authorizations.get(), kind="reconfirm"
    )
    assert consent_notices.consent_notice_send(notice_id=notice.pk)
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    return story, notice


def review_page(client, moderator, story):
    client.force_login(moderator)
    return client.get(f"/admin/testimonials/testimonial/{story.pk}/review/").content.decode()


def emails_section(page: str) -> str:
    return page[page.index('id="emails"') : page.index("</ul>", page.index('id="emails"'))]


def test_a_bounce_posted_by_the_provider_marks_the_reminder_bounced(
    sent_reminder, client, moderator, caplog
):
    story, notice = sent_reminder
    assert notice.delivery_status == "sent"
    assert notice.esp_message_id != ""
    assert "The authorization expires soon · Sent" in emails_section(
        review_page(client, moderator, story)
    )

    caplog.set_level(logging.INFO)
    answer = client.post(
        WEBHOOK,
        postmark_bounce(notice.esp_message_id),
        content_type="application/json",
        **basic_auth(SECRET),
    )

    assert answer.status_code == 200
    notice.refresh_from_db()
    assert (notice.delivery_status, notice.delivery_problem) == ("bounced", "bounced")
    assert notice.delivery_status_at is not None
    emails = emails_section(review_page(client, moderator, story))
    assert "<strong>Bounced (bounced): not received</strong>" in emails
    assert "· Sent" not in emails
    assert ADDRESS not in caplog.text


def test_a_complaint_finds_its_row_by_metadata_and_a_late_delivery_does_not_hide_it(
    sent_reminder, client, moderator
):
    story, notice = sent_reminder
    label = f"testimonials.consentnotice:{notice.pk}"
    complaint = postmark_event(
        "SpamComplaint",
        "an-id-we-never-stored",
        Type="SpamComplaint",
        BouncedAt="2026-12-06T17:00:00Z",
        Metadata={"outbox_row": label},
    )
    delivery = postmark_event("Delivery", notice.esp_message_id, DeliveredAt="2026-12-06T16:59:00Z")
    for payload in (complaint, delivery):
        answer = client.post(
            WEBHOOK, payload, content_type="application/json", **basic_auth(SECRET)
        )
        assert answer.status_code == 200

    notice.refresh_from_db()
    assert (notice.delivery_status, notice.delivery_problem) == ("complained", "spam")
    assert "<strong>Marked as spam by the recipient</strong>" in emails_section(
        review_page(client, moderator, story)
    )


@pytest.mark.parametrize("headers", [{}, basic_auth("provider:guessed")])
def test_an_event_without_the_secret_is_refused(sent_reminder, client, headers):
    _, notice = sent_reminder
    answer = client.post(
        WEBHOOK, postmark_bounce(notice.esp_message_id), content_type="application/json", **headers
    )
    assert answer.status_code in (400, 403)
    notice.refresh_from_db()
    assert notice.delivery_status == "sent"


def test_an_event_for_an_unknown_message_is_ignored_and_logged_without_the_address(
    sent_reminder, client, caplog
):
    _, notice = sent_reminder
    caplog.set_level(logging.INFO)
    answer = client.post(
        WEBHOOK,
        postmark_bounce("0f0e0d0c-unknown", {"outbox_row": "auth.user:1"}),
        content_type="application/json",
        **basic_auth(SECRET),
    )
    assert answer.status_code == 200
    notice.refresh_from_db()
    assert notice.delivery_status == "sent"
    warnings = [r for r in caplog.records if "no known email" in r.getMessage()]
    assert len(warnings) == 1
    assert "0f0e0d0c-unknown" in warnings[0].getMessage()
    assert ADDRESS not in caplog.text


def test_the_invitations_list_shows_a_delivery(db, provider, client, admin_user, topic):
    services.invitations_create(topic=topic, emails=[ADDRESS], created_by=admin_user)
    invitation = Invitation.objects.get()
    assert services.invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    answer = client.post(
        WEBHOOK,
        postmark_event("Delivery", invitation.esp_message_id, DeliveredAt="2026-12-06T16:59:00Z"),
        content_type="application/json",
        **basic_auth(SECRET),
    )
    assert answer.status_code == 200
    assert Invitation.objects.get().delivery_status == "delivered"
    client.force_login(admin_user)
    listing = client.get("/admin/testimonials/invitation/").content.decode()
    assert '<td class="field-delivery_status">Delivered</td>' in listing


def test_without_a_secret_the_webhook_does_not_exist(settings):
    """anymail would take anyone's POST without a secret (with a warning):
    the URL is mounted only with one."""
    import config.urls

    def anymail_routes():
        return [str(p.pattern) for p in config.urls.urlpatterns if "anymail" in str(p.pattern)]

    assert anymail_routes() == ["anymail/"]
    settings.ANYMAIL = {}
    try:
        importlib.reload(config.urls)
        assert anymail_routes() == []
    finally:
        settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
        importlib.reload(config.urls)
        clear_url_caches()
