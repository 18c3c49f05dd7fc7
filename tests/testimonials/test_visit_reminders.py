"""An ask's one reminder: an invitation still unused
`INVITATION_REMINDER_DAYS` after it went out is sent once more, by email
and (if the ask was texted) by text; never twice, never after an opt-out,
in quiet hours, or once the invitation expired or was used; its words name
the clinic, never the treatment, clinician or date, and carry the
unsubscribe link."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from testimonials.invitations import services as invitations
from testimonials.models import (
    Ask,
    Clinician,
    Invitation,
    Location,
    Organisation,
    PatientOptOut,
)
from testimonials.tasks import send_due_asks
from testimonials.visits import contacts, integration_keys, reminders, texts
from tests.factories import TopicFactory
from tests.support.concurrency import at_once
from tests.support.tasks import on_send

COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
DUE = COMPLETED + timedelta(minutes=120)
# Five days after the ask went out, 17:30 in Madrid.
REMIND = DUE + timedelta(days=5)
PHONE = "+34612345678"


@pytest.fixture
def place(db, settings, tmp_path, monkeypatch):
    settings.SMS_BACKEND = "testimonials.visits.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.PUBLIC_BASE_URL = "https://stories.example"
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    north = Location.objects.create(
        organisation=organisation, slug="north", name="North Clinic", time_zone="Europe/Madrid"
    )
    ana = Clinician.objects.create(organisation=organisation, slug="ana-ruiz", name="Ana Ruiz, PT")
    ana.locations.add(north)
    TopicFactory(
        slug="knee-replacement-rehab", title="Knee replacement rehabilitation",
        organisation=organisation, languages=["en", "es"],
    )  # fmt: skip
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )
    on_send(
        monkeypatch, "testimonials.tasks.send_ask_text", lambda pk: texts.ask_text_send(text_id=pk)
    )
    return {"organisation": organisation, "key": key, "folder": tmp_path / "sms"}


def post_visit(place, **fields):
    body = {
        "external_id": "appt-1",
        "completed_at": COMPLETED.isoformat(),
        "location": "north",
        "clinician": "ana-ruiz",
        "email": "maria.lopez@example.com",
        "name": "Maria Lopez",
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


def run_asks(capture, at):
    with time_machine.travel(at, tick=False), capture(execute=True):
        send_due_asks()


def asked(place, capture, **fields):
    post_visit(place, **fields)
    run_asks(capture, DUE)
    assert len(mail.outbox) == 1


def invited_by(message, *, at):
    """The invitation a message's link opens (its signed token differs)."""
    token = re.search(r"/invite/(\S+)/", message).group(1)
    return invitations.invitation_for_token(token, at=at).pk


def sent_texts(place):
    return [json.loads(path.read_text()) for path in sorted(place["folder"].glob("*.json"))]


def test_no_reminder_before_the_days_have_passed(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks)

    run_asks(django_capture_on_commit_callbacks, REMIND - timedelta(minutes=1))

    assert len(mail.outbox) == 1
    assert Ask.objects.get().reminded_at is None


def test_an_unused_invitation_is_reminded_once_by_a_link_to_it(
    place, django_capture_on_commit_callbacks
):
    asked(place, django_capture_on_commit_callbacks)

    run_asks(django_capture_on_commit_callbacks, REMIND)
    run_asks(django_capture_on_commit_callbacks, REMIND + timedelta(days=1))

    first, reminder = mail.outbox
    assert reminder.to == ["maria.lopez@example.com"]
    assert invited_by(reminder.body, at=REMIND) == invited_by(first.body, at=DUE)
    assert Ask.objects.get().reminded_at == REMIND


def test_the_reminder_names_the_clinic_never_treatment_clinician_or_date_and_can_unsubscribe(
    place, django_capture_on_commit_callbacks
):
    asked(place, django_capture_on_commit_callbacks)
    run_asks(django_capture_on_commit_callbacks, REMIND)

    reminder = mail.outbox[1]
    text = f"{reminder.subject}\n{reminder.body}".lower()
    assert "move well (north clinic)" in text
    for word in ("knee", "replacement", "rehabilitation", "ana", "ruiz", "appt"):
        assert not re.search(rf"\b{word}\b", text), word
    for shown in ("2026", "march", "3/3", "tuesday"):
        assert shown not in text, shown
    [unsubscribe] = re.findall(r"https://stories\.example/unsubscribe/\S+/", reminder.body)
    assert reminder.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"


def test_a_texted_ask_is_reminded_by_one_text_too(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks, phone=PHONE, consent_to_text=True)
    assert len(sent_texts(place)) == 1

    run_asks(django_capture_on_commit_callbacks, REMIND)
    run_asks(django_capture_on_commit_callbacks, REMIND + timedelta(days=1))

    first, reminder = sent_texts(place)
    assert reminder["to"] == PHONE
    assert invited_by(reminder["body"], at=REMIND) == invited_by(first["body"], at=DUE)
    assert "move well (north clinic)" in reminder["body"].lower()
    assert "stop" in reminder["body"].lower()
    assert len(mail.outbox) == 2


def test_an_ask_not_texted_gets_no_reminder_text(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks, phone=PHONE, consent_to_text=False)

    run_asks(django_capture_on_commit_callbacks, REMIND)

    assert sent_texts(place) == []
    assert len(mail.outbox) == 2


def test_zero_days_turns_reminders_off(place, django_capture_on_commit_callbacks, settings):
    settings.INVITATION_REMINDER_DAYS = 0
    asked(place, django_capture_on_commit_callbacks)

    run_asks(django_capture_on_commit_callbacks, REMIND + timedelta(days=10))

    assert len(mail.outbox) == 1


def test_the_days_are_a_setting(place, django_capture_on_commit_callbacks, settings):
    settings.INVITATION_REMINDER_DAYS = 2
    asked(place, django_capture_on_commit_callbacks)

    run_asks(django_capture_on_commit_callbacks, DUE + timedelta(days=2))

    assert len(mail.outbox) == 2


def test_no_reminder_after_an_opt_out(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks, phone=PHONE, consent_to_text=True)
    Client().post(re.search(r"/unsubscribe/\S+/", mail.outbox[0].body).group(0))

    run_asks(django_capture_on_commit_callbacks, REMIND)

    assert len(mail.outbox) == 1
    assert len(sent_texts(place)) == 1


def test_no_reminder_after_a_stop_by_text(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks, phone=PHONE, consent_to_text=True)
    PatientOptOut.objects.create(
        organisation=place["organisation"],
        contact_hash=contacts.contact_hash(place["organisation"].pk, PHONE),
        source="sms",
    )

    run_asks(django_capture_on_commit_callbacks, REMIND)

    assert len(mail.outbox) == 1
    assert len(sent_texts(place)) == 1


class ProviderDown:
    """A provider that refuses every text (outside our control)."""

    def send(self, message):
        raise ConnectionError(f"cannot reach {message.to}")


def test_a_reminder_that_fails_is_not_tried_again_nor_logged_with_the_number(
    place, django_capture_on_commit_callbacks, settings, caplog
):
    asked(place, django_capture_on_commit_callbacks, phone=PHONE, consent_to_text=True)
    settings.SMS_BACKEND = f"{__name__}.ProviderDown"

    run_asks(django_capture_on_commit_callbacks, REMIND)
    run_asks(django_capture_on_commit_callbacks, REMIND + timedelta(days=1))

    assert len(mail.outbox) == 2
    assert Ask.objects.get().reminded_at == REMIND
    assert "ConnectionError" in caplog.text
    assert PHONE not in caplog.text


def test_no_reminder_in_quiet_hours_it_waits_for_their_end(
    place, django_capture_on_commit_callbacks
):
    asked(place, django_capture_on_commit_callbacks)
    # 23:30 in Madrid: quiet (21-8).
    night = REMIND + timedelta(hours=6)

    run_asks(django_capture_on_commit_callbacks, night)
    assert len(mail.outbox) == 1

    morning = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # 08:00 in Madrid
    run_asks(django_capture_on_commit_callbacks, morning)
    assert len(mail.outbox) == 2


def test_no_reminder_once_the_invitation_was_used(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks)
    Invitation.objects.update(used_at=DUE + timedelta(days=1))

    run_asks(django_capture_on_commit_callbacks, REMIND)

    assert len(mail.outbox) == 1


def test_no_reminder_once_the_invitation_expired(place, django_capture_on_commit_callbacks):
    asked(place, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=REMIND - timedelta(hours=1))

    run_asks(django_capture_on_commit_callbacks, REMIND)

    assert len(mail.outbox) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_patient_once(settings, monkeypatch):
    settings.SMS_BACKEND = ""
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    TopicFactory(slug="shared", organisation=organisation)
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    place = {"key": key}
    for n in range(20):
        post_visit(place, external_id=f"appt-{n}", email=f"p{n}@example.com", clinician="")
    with time_machine.travel(DUE, tick=False):
        send_due_asks()
    assert len(mail.outbox) == 20

    def run():
        with time_machine.travel(REMIND, tick=False):
            return reminders.asks_remind_due()

    counts = at_once(run, run)

    assert sum(counts) == 20
    assert len(mail.outbox) == 40
    assert Ask.objects.filter(reminded_at=None).count() == 0
