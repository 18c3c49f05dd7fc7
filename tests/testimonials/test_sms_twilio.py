"""Texts through Twilio (`testimonials.visits.sms_twilio`), against a local
server that imitates Twilio's Messages API (tests/support/twilio_server.py):
the text goes from the location's sender with the status callback; a
permanent refusal marks it failed with Twilio's code and is never sent
again; timeouts, 5xx and 429 release it for the retry (with Retry-After).
Twilio's signed delivery receipts update it, in any order, once; its
signed inbound replies opt out and are answered in TwiML."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from twilio.request_validator import RequestValidator

from testimonials.invitations import services as invitations
from testimonials.models import AskText, Location, Organisation, PatientOptOut
from testimonials.tasks import retry_countdown, send_due_asks
from testimonials.visits import integration_keys, reminders, sms, texts
from tests.factories import TopicFactory
from tests.support.tasks import on_send
from tests.support.twilio_server import HANG, UNAVAILABLE, fake_twilio, refused, too_many

COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
DUE = COMPLETED + timedelta(minutes=120)
PHONE = "+34612345678"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-auth-token"
PUBLIC = "https://reviews.example.org"
STATUS_PATH = "/api/v1/sms/status/"
INBOUND_PATH = "/api/v1/sms/inbound"


@pytest.fixture
def twilio(settings):
    with fake_twilio() as server:
        settings.SMS_BACKEND = "testimonials.visits.sms_twilio.TwilioBackend"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_API_BASE_URL = server.url
        settings.TWILIO_TIMEOUT = 1.0
        settings.SMS_SENDER_ID = "MoveWell"
        settings.PUBLIC_BASE_URL = PUBLIC
        yield server


@pytest.fixture
def place(db):
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    TopicFactory(slug="knee-rehab", title="Knee rehabilitation", organisation=organisation)
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    return {"key": key, "north": north}


@pytest.fixture(autouse=True)
def _emails_go_out(monkeypatch):
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )


def ask_text(place, monkeypatch, capture, *, phone=PHONE, external_id="appt-1") -> AskText:
    """A visit's ask, due, with its text waiting for its task."""
    on_send(monkeypatch, "testimonials.tasks.send_ask_text", lambda pk: None)
    body = {
        "external_id": external_id,
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "email": "maria.lopez@example.com",
        "phone": phone,
        "consent_to_text": True,
    }
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        response = Client().post(
            "/api/v1/visits/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Integration-Key {place['key']}"},
        )
    assert response.status_code == 202
    with time_machine.travel(DUE, tick=False), capture(execute=True):
        send_due_asks()
    return AskText.objects.get(ask__visit__external_id=external_id)


def test_the_text_goes_from_the_locations_sender_with_the_status_callback(
    twilio, place, monkeypatch, django_capture_on_commit_callbacks
):
    place["north"].sms_sender = "MoveWell N"
    place["north"].save()
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)

    assert texts.ask_text_send(text_id=text.pk)

    [request] = twilio.requests
    [message] = twilio.accepted
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.authorization.startswith("Basic ")
    assert request.form["To"] == PHONE
    assert request.form["From"] == "MoveWell N"
    assert request.form["StatusCallback"] == f"{PUBLIC}{STATUS_PATH}?text={text.pk}"
    assert "Move Well" in request.form["Body"]
    assert "STOP" in request.form["Body"]
    text.refresh_from_db()
    assert text.provider_message_id == message["sid"]
    assert text.sent_at is not None
    assert text.failed_at is None


def test_without_a_sender_of_its_own_the_installations_is_used(
    twilio, place, monkeypatch, django_capture_on_commit_callbacks
):
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)

    texts.ask_text_send(text_id=text.pk)

    assert [r.form["From"] for r in twilio.requests] == ["MoveWell"]


def test_an_invalid_number_marks_the_text_failed_and_it_is_never_sent_again(
    twilio, place, monkeypatch, django_capture_on_commit_callbacks
):
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)
    twilio.script(PHONE, refused(21211))

    assert not texts.ask_text_send(text_id=text.pk)
    assert not texts.ask_text_send(text_id=text.pk)

    text.refresh_from_db()
    assert len(twilio.requests) == 1
    assert twilio.accepted == []
    assert text.failed_at is not None
    assert text.sent_at is not None
    assert (text.error_code, text.provider_status) == ("21211", "failed")
    assert texts.unsent_text_ids(older_than=timedelta(0)) == []


@pytest.mark.parametrize(
    ("answer", "retry_after"),
    [(too_many(retry_after=7), 7), (UNAVAILABLE, None), (HANG, None)],
    ids=["429", "503", "timeout"],
)
def test_a_passing_fault_releases_the_text_for_the_retry(
    twilio, place, monkeypatch, django_capture_on_commit_callbacks, answer, retry_after
):
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)
    twilio.script(PHONE, answer)

    with pytest.raises(sms.SmsTemporaryFailure) as failure:
        texts.ask_text_send(text_id=text.pk)

    text.refresh_from_db()
    assert text.sent_at is None
    assert text.failed_at is None
    assert failure.value.retry_after == retry_after
    assert retry_countdown(failure.value, retries=0) == (retry_after or 2)
    assert texts.ask_text_send(text_id=text.pk)
    assert len(twilio.accepted) == 1


def test_a_provider_that_cannot_be_reached_is_a_passing_fault(
    settings, twilio, place, monkeypatch, django_capture_on_commit_callbacks
):
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # discard: nothing listens

    with pytest.raises(sms.SmsTemporaryFailure):
        texts.ask_text_send(text_id=text.pk)

    text.refresh_from_db()
    assert text.sent_at is None


def test_the_reminder_goes_from_the_locations_sender_too(
    settings, twilio, place, monkeypatch, django_capture_on_commit_callbacks
):
    settings.INVITATION_QUIET_HOURS = ""
    place["north"].sms_sender = "+34910000000"
    place["north"].save()
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)
    texts.ask_text_send(text_id=text.pk)

    with time_machine.travel(DUE + timedelta(days=settings.INVITATION_REMINDER_DAYS, hours=1)):
        assert reminders.asks_remind_due() == 1

    assert [r.form["From"] for r in twilio.requests] == ["+34910000000", "+34910000000"]


# --- Delivery receipts ---------------------------------------------------------------


def signed_post(path, fields, *, token=AUTH_TOKEN):
    signature = RequestValidator(token).compute_signature(PUBLIC + path, fields)
    return Client().post(
        path,
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


def receipt(sid, status, token=AUTH_TOKEN, **extra):
    fields = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID, **extra}
    return signed_post(STATUS_PATH, fields, token=token)


@pytest.fixture
def sent_text(twilio, place, monkeypatch, django_capture_on_commit_callbacks):
    text = ask_text(place, monkeypatch, django_capture_on_commit_callbacks)
    texts.ask_text_send(text_id=text.pk)
    text.refresh_from_db()
    return text


def test_a_delivery_receipt_marks_the_text_delivered_once(sent_text):
    sid = sent_text.provider_message_id
    assert receipt(sid, "sent").status_code == 204
    assert receipt(sid, "delivered").status_code == 204
    sent_text.refresh_from_db()
    delivered_at = sent_text.delivered_at

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=3)):
        assert receipt(sid, "delivered").status_code == 204
        assert receipt(sid, "sent").status_code == 204  # late, out of order

    sent_text.refresh_from_db()
    assert delivered_at is not None
    assert sent_text.delivered_at == delivered_at
    assert sent_text.provider_status == "delivered"
    assert sent_text.failed_at is None
    assert sent_text.error_code == ""


def test_an_undelivered_receipt_marks_the_text_failed_with_its_code(sent_text):
    sid = sent_text.provider_message_id
    receipt(sid, "undelivered", ErrorCode="30003")
    receipt(sid, "delivered")  # a final status is never replaced

    sent_text.refresh_from_db()
    assert sent_text.failed_at is not None
    assert sent_text.delivered_at is None
    assert (sent_text.provider_status, sent_text.error_code) == ("undelivered", "30003")


def test_a_receipt_with_a_wrong_signature_is_refused_and_changes_nothing(sent_text):
    response = receipt(sent_text.provider_message_id, "delivered", token="guessed")
    unsigned = Client().post(
        STATUS_PATH,
        urlencode({"MessageSid": sent_text.provider_message_id, "MessageStatus": "delivered"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert (response.status_code, unsigned.status_code) == (403, 403)
    sent_text.refresh_from_db()
    assert sent_text.delivered_at is None
    assert sent_text.provider_status == ""


def test_a_receipt_that_comes_before_the_send_stored_twilios_id_still_counts(sent_text):
    sid = sent_text.provider_message_id
    AskText.objects.filter(pk=sent_text.pk).update(provider_message_id="")

    response = signed_post(
        f"{STATUS_PATH}?text={sent_text.pk}", {"MessageSid": sid, "MessageStatus": "delivered"}
    )

    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.provider_message_id == sid
    assert sent_text.delivered_at is not None


def test_a_receipt_for_a_message_we_did_not_send_changes_nothing(sent_text):
    assert receipt("SM" + "f" * 32, "delivered").status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.delivered_at is None


def test_receipts_are_not_found_without_twilios_auth_token(settings, db):
    settings.TWILIO_AUTH_TOKEN = ""
    settings.PUBLIC_BASE_URL = PUBLIC
    assert receipt("SM1", "delivered").status_code == 404


# --- Inbound replies through Twilio -------------------------------------------------


def test_a_signed_stop_opts_out_and_is_answered_in_twiml(twilio, place):
    response = signed_post(INBOUND_PATH, {"From": PHONE, "Body": "STOP", "To": "+15005550006"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert "<Message>You will get no more messages from us.</Message>" in response.text
    assert PatientOptOut.objects.count() == 1


def test_an_unsigned_reply_is_refused_even_with_the_bearer_token(settings, twilio, place):
    settings.SMS_INBOUND_TOKEN = "inbound-token"
    response = Client().post(
        INBOUND_PATH,
        urlencode({"From": PHONE, "Body": "STOP"}),
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": "Bearer inbound-token"},
    )
    forged = signed_post(INBOUND_PATH, {"From": PHONE, "Body": "STOP"}, token="guessed")

    assert (response.status_code, forged.status_code) == (403, 403)
    assert PatientOptOut.objects.count() == 0


# --- Sender IDs ----------------------------------------------------------------------


@pytest.mark.parametrize("sender", ["MoveWell", "Move Well 1", "+34612345678", "A"])
def test_a_location_may_send_from_an_alphanumeric_id_or_a_number(place, sender):
    place["north"].sms_sender = sender
    place["north"].full_clean()


@pytest.mark.parametrize(
    "sender", ["MoveWellClinic", "12345", "34612345678", "+0612345", "Move-Well", "Clínica"]
)
def test_a_sender_carriers_would_refuse_is_refused(place, sender):
    place["north"].sms_sender = sender
    with pytest.raises(ValidationError) as error:
        place["north"].full_clean()
    assert "sms_sender" in error.value.message_dict


def test_the_location_admin_shows_the_sender(admin_client, place):
    page = admin_client.get(f"/admin/testimonials/location/{place['north'].pk}/change/")
    assert page.status_code == 200
    assert 'name="sms_sender"' in page.content.decode()
    assert "SMS sender" in page.content.decode()


# --- Settings that would fail every text are refused at start -----------------------

PRODUCTION_KEY = "k" * 60


@pytest.mark.parametrize(
    ("module", "environment", "refusal"),
    [
        ("test", {"SMS_SENDER_ID": "Move-Well!"}, "SMS_SENDER_ID='Move-Well!'"),
        (
            "test",
            {"SMS_BACKEND": "testimonials.visits.sms_twilio.TwilioBackend"},
            "SMS_BACKEND is Twilio's: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
        ),
        (
            "production",
            {"DJANGO_SECRET_KEY": PRODUCTION_KEY, "TWILIO_API_BASE_URL": "http://127.0.0.1:9"},
            "TWILIO_API_BASE_URL is for tests and development only",
        ),
        ("production", {"DJANGO_SECRET_KEY": PRODUCTION_KEY, "SMS_SENDER_ID": "+34612345678"}, ""),
    ],
    ids=["bad sender", "twilio without credentials", "twilio elsewhere in production", "fine"],
)
def test_settings_that_would_fail_every_text_stop_the_start(module, environment, refusal):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SMS_", "TWILIO_", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(environment, DJANGO_SETTINGS_MODULE=f"config.settings.{module}")
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if refusal:
        assert started.returncode != 0
        assert f"ImproperlyConfigured: {refusal}" in started.stderr
    else:
        assert started.returncode == 0, started.stderr[-2000:]
