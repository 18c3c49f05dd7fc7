"""Texts: a patient who gave a phone and consent to be texted gets the ask
by text too (the file backend writes one file a text); without consent, or
with texts off, never. STOP, ARRÊT or BAJA on the inbound endpoint records
the opt-out before anything else is sent; HELP answers."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.test import Client

from testimonials.invitations import services as invitations
from testimonials.models import Ask, AskText, Clinician, Location, Organisation, PatientOptOut
from testimonials.tasks import send_due_asks
from testimonials.visits import integration_keys, texts
from tests.factories import TopicFactory
from tests.support.tasks import on_send

COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
DUE = COMPLETED + timedelta(minutes=120)
PHONE = "+34612345678"
INBOUND_TOKEN = "inbound-test-token"


class ProviderDown:
    """A provider that refuses every text (outside our control)."""

    def send(self, message):
        raise ConnectionError("provider down")


@pytest.fixture
def place(db, settings, tmp_path):
    settings.SMS_BACKEND = "testimonials.visits.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SMS_INBOUND_TOKEN = INBOUND_TOKEN
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(Location.objects.get())
    TopicFactory(
        slug="knee-replacement-rehab",
        title="Knee replacement rehabilitation",
        organisation=organisation,
        languages=["en", "es"],
    )
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    return {"organisation": organisation, "key": key, "folder": tmp_path / "sms"}


@pytest.fixture(autouse=True)
def _messages_go_out(monkeypatch):
    """The email and text tasks run in the test, as a worker would."""
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )


def run_texts(monkeypatch):
    on_send(
        monkeypatch,
        "testimonials.tasks.send_ask_text",
        lambda pk: texts.ask_text_send(text_id=pk),
    )


def post_visit(place, **fields):
    body = {
        "external_id": "appt-1",
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "clinician": "ana-ruiz",
        "email": "maria.lopez@example.com",
        "phone": PHONE,
        "consent_to_text": True,
        **fields,
    }
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        response = Client().post(
            "/api/v1/visits/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Integration-Key {place['key']}"},
        )
    assert response.status_code == 202, response.json()


def run_asks(capture, at=DUE):
    with time_machine.travel(at, tick=False), capture(execute=True):
        send_due_asks()


def sent_texts(place):
    folder = place["folder"]
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def reply(body, sender=PHONE, token=INBOUND_TOKEN):
    return Client().post(
        "/api/v1/sms/inbound",
        urlencode({"From": sender, "Body": body}),
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_patient_who_agreed_gets_the_ask_by_email_and_by_text(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    run_texts(monkeypatch)
    post_visit(place)
    run_asks(django_capture_on_commit_callbacks)
    run_asks(django_capture_on_commit_callbacks, at=DUE + timedelta(minutes=5))

    [email] = mail.outbox
    [text] = sent_texts(place)
    assert text["to"] == PHONE
    link = re.search(r"https?://\S+/invite/\S+/", email.body).group(0)
    assert link in text["body"]
    assert "Move Well (North Clinic)" in text["body"]
    assert "STOP" in text["body"]
    lowered = text["body"].lower()
    for word in ("knee", "rehabilitation", "ana", "ruiz", "march", "3/3", "2026-03-03"):
        assert word not in lowered
    assert PHONE not in " ".join(path.name for path in place["folder"].iterdir())


def test_the_text_speaks_the_patients_language(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    run_texts(monkeypatch)
    post_visit(place, language="es")
    run_asks(django_capture_on_commit_callbacks)

    [text] = sent_texts(place)
    assert "BAJA" in text["body"]


@pytest.mark.parametrize(
    "fields",
    [{"consent_to_text": False}, {"phone": ""}],
    ids=["no-consent", "no-phone"],
)
def test_no_text_without_a_phone_and_consent(
    place, monkeypatch, django_capture_on_commit_callbacks, fields
):
    run_texts(monkeypatch)
    post_visit(place, **fields)
    run_asks(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert sent_texts(place) == []


def test_a_phone_only_patient_is_asked_by_text_alone(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    run_texts(monkeypatch)
    post_visit(place, email="")
    run_asks(django_capture_on_commit_callbacks)

    assert Ask.objects.get().status == "invited"
    assert mail.outbox == []
    assert len(sent_texts(place)) == 1


@pytest.mark.parametrize(
    ("backend", "consent"),
    [("", True), ("testimonials.visits.sms.FileBackend", False)],
    ids=["texts-off", "no-consent"],
)
def test_a_phone_only_patient_who_cannot_be_texted_is_unreachable(
    place, settings, django_capture_on_commit_callbacks, backend, consent
):
    settings.SMS_BACKEND = backend
    post_visit(place, email="", consent_to_text=consent)
    run_asks(django_capture_on_commit_callbacks)

    assert Ask.objects.get().status == "unreachable"
    assert sent_texts(place) == []


def test_a_provider_failure_releases_the_text_for_the_retry(
    place, settings, monkeypatch, django_capture_on_commit_callbacks
):
    post_visit(place)
    run_asks(django_capture_on_commit_callbacks)
    text = AskText.objects.get()
    settings.SMS_BACKEND = f"{__name__}.ProviderDown"

    with pytest.raises(ConnectionError):
        texts.ask_text_send(text_id=text.pk)
    text.refresh_from_db()
    assert text.sent_at is None

    settings.SMS_BACKEND = "testimonials.visits.sms.FileBackend"
    assert texts.ask_text_send(text_id=text.pk)
    assert not texts.ask_text_send(text_id=text.pk)
    assert len(sent_texts(place)) == 1


def test_the_sweep_sends_a_text_whose_message_was_lost(
    place, monkeypatch, django_capture_on_commit_callbacks
):
    post_visit(place)
    run_asks(django_capture_on_commit_callbacks)  # the text task's message is lost
    assert sent_texts(place) == []

    run_texts(monkeypatch)
    run_asks(django_capture_on_commit_callbacks, at=DUE + timedelta(minutes=5))

    assert len(sent_texts(place)) == 1


# --- Replies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "answer"),
    [("STOP", "no more messages"), ("arrêt", "no more messages"), ("Baja", "no recibirá")],
    ids=["stop", "arret", "baja"],
)
def test_stop_records_the_opt_out_before_the_text_goes(
    place, monkeypatch, django_capture_on_commit_callbacks, word, answer
):
    post_visit(place)
    run_asks(django_capture_on_commit_callbacks)  # the text waits for its task

    response = reply(word)
    run_texts(monkeypatch)
    texts.ask_text_send(text_id=AskText.objects.get().pk)

    assert response.status_code == 200
    assert answer in response.json()["reply"].lower()
    # In every organisation: a STOP to our number stops all of them.
    assert set(PatientOptOut.objects.values_list("organisation", "source")) == {
        (pk, "sms") for pk in Organisation.objects.values_list("pk", flat=True)
    }
    assert PatientOptOut.objects.filter(organisation=place["organisation"]).exists()
    assert sent_texts(place) == []


def test_after_stop_a_new_visit_is_not_asked(place, django_capture_on_commit_callbacks):
    reply("STOP")

    post_visit(place, email="")
    run_asks(django_capture_on_commit_callbacks)

    assert Ask.objects.count() == 0
    assert sent_texts(place) == []


def test_help_answers_and_opts_nobody_out(place):
    response = reply("help")

    assert "STOP" in response.json()["reply"]
    assert not PatientOptOut.objects.exists()


def test_another_reply_is_neither_kept_nor_answered(place):
    response = reply("My knee still hurts")

    assert response.json() == {"reply": ""}
    assert not PatientOptOut.objects.exists()


def test_the_inbound_endpoint_needs_its_token(place, settings):
    assert reply("STOP", token="wrong").status_code == 401
    settings.SMS_INBOUND_TOKEN = ""
    assert reply("STOP").status_code == 404
    assert not PatientOptOut.objects.exists()
