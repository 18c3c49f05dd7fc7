"""The SMS provider misbehaves, for real, against a real Celery worker: a
local server imitating Twilio's Messages API first hangs past the client's
timeout, then answers 429 with Retry-After, then 503, then takes the text.
The send task retries each with backoff (the 429 after its Retry-After),
the text is accepted exactly once and its row says so. A text to an invalid
number (Twilio's 21211) is tried once and marked failed with that code."""

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from testimonials.invitations import services as invitations
from testimonials.models import AskText, Location, Organisation
from testimonials.tasks import send_ask_text, send_due_asks
from testimonials.visits import integration_keys
from tests.factories import TopicFactory
from tests.faults.conftest import send_tasks, stack_env
from tests.support.tasks import on_send
from tests.support.twilio_server import HANG, UNAVAILABLE, fake_twilio, refused, too_many
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

COMPLETED = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
FLAKY = "+34612345601"
INVALID = "+34612345602"
TIMEOUT_SECONDS = 1
RETRY_AFTER_SECONDS = 1
TWILIO = {
    "SMS_BACKEND": "testimonials.visits.sms_twilio.TwilioBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-test-auth-token",
    "TWILIO_TIMEOUT": str(TIMEOUT_SECONDS),
    "SMS_SENDER_ID": "MoveWell",
    "PUBLIC_BASE_URL": "https://reviews.example.org",
}


def waiting_texts(settings, monkeypatch) -> dict[str, int]:
    """Two visits' asks made due, their texts left for the worker: the
    text ids by phone."""
    settings.SMS_BACKEND = "testimonials.visits.sms.FileBackend"
    organisation = Organisation.objects.create(slug="move-well", name="Move Well")
    Location.objects.create(organisation=organisation, slug="north", name="North Clinic")
    TopicFactory(slug="knee-rehab", organisation=organisation)
    key = integration_keys.integration_key_create(organisation_slug="move-well").key
    on_send(
        monkeypatch,
        "testimonials.tasks.send_invitation",
        lambda pk: invitations.invitation_send(invitation_id=pk),
    )
    on_send(monkeypatch, "testimonials.tasks.send_ask_text", lambda pk: None)
    with time_machine.travel(COMPLETED + timedelta(minutes=5), tick=False):
        for n, phone in enumerate((FLAKY, INVALID)):
            response = Client().post(
                "/api/v1/visits/",
                {
                    "external_id": f"appt-{n}",
                    "completed_at": COMPLETED.isoformat(),
                    "location": "north",
                    "phone": phone,
                    "consent_to_text": True,
                },
                content_type="application/json",
                headers={"Authorization": f"Integration-Key {key}"},
            )
            assert response.status_code == 202
    with time_machine.travel(COMPLETED + timedelta(hours=3), tick=False):
        send_due_asks()
    monkeypatch.undo()  # the worker's tasks go to the broker again
    return {phone: AskText.objects.get(ask__visit__phone=phone).pk for phone in (FLAKY, INVALID)}


def test_each_provider_fault_is_retried_and_the_text_accepted_once(
    own_redis, settings, monkeypatch, figure
):
    ids = waiting_texts(settings, monkeypatch)
    with fake_twilio() as twilio:
        twilio.script(FLAKY, HANG, too_many(retry_after=RETRY_AFTER_SECONDS), UNAVAILABLE)
        twilio.script(INVALID, refused(21211))
        env = stack_env(own_redis, **TWILIO, TWILIO_API_BASE_URL=twilio.url)
        with celery_worker(extra_env=env, queues=["outbound"]) as worker:
            started = time.monotonic()
            send_tasks(own_redis, send_ask_text, [ids[FLAKY], ids[INVALID]])
            wait_for(
                lambda: (
                    worker.output().count("send_ask_text[")
                    and (worker.output().count("] succeeded in ") >= 2)
                ),
                timeout=90,
                message="both texts' tasks to finish",
            )
            took = time.monotonic() - started
            log = worker.output()

    flaky = AskText.objects.get(pk=ids[FLAKY])
    invalid = AskText.objects.get(pk=ids[INVALID])
    [accepted] = twilio.accepted
    tries = twilio.requests_to(FLAKY)
    assert accepted["to"] == FLAKY
    assert len(tries) == 4, "hang, 429, 503, then accepted"
    assert flaky.provider_message_id == accepted["sid"]
    assert flaky.sent_at is not None
    assert flaky.failed_at is None
    assert len(twilio.requests_to(INVALID)) == 1, "a permanent refusal is not retried"
    assert invalid.failed_at is not None
    assert invalid.error_code == "21211"
    assert log.count("] retry: ") == 3
    assert "SmsTemporaryFailure at sms_twilio.py" in log
    assert FLAKY not in log
    assert INVALID not in log
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(tries)]
    figure(
        "a text to a provider that hung (timeout "
        f"{TIMEOUT_SECONDS} s), answered 429 (Retry-After {RETRY_AFTER_SECONDS} s) and 503: "
        f"4 tries {', '.join(f'{gap:.1f}' for gap in gaps)} s apart (timeout + backoff 2 s, "
        f"the Retry-After where the backoff says 4 s, backoff 8 s), accepted once after "
        f"{took:.1f} s; an invalid number (21211) tried once and marked failed"
    )
