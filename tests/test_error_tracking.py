"""Error tracking (Sentry) scrubs like the logs: a real 500 on the share
page (a patient's name, email and story in the form, the query, a cookie and
a header), a real 500 behind a patient's secret link, and a failed Celery
task with the story in its exception and its variables each reach a local
server that takes Sentry envelopes, and what arrives holds the exception's
type and place but no canary, no 12-character piece of the name, email or
story, and not the secret. With `SENTRY_DSN` unset nothing is sent."""

import gzip
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
import sentry_sdk

from config import error_tracking
from tests.factories import PATIENT_EMAIL, PATIENT_NAME, PATIENT_STORY, TestimonialFactory
from tests.support.log_canary import CANARY, PersonalData
from tests.support.receiver import Receiver, webhook_receiver
from tests.support.worker import BASE_DIR, worker_environment


def dsn_for(receiver: Receiver) -> str:
    return f"http://key@127.0.0.1:{urlsplit(receiver.url).port}/1"


def envelopes(receiver: Receiver) -> list[str]:
    texts = []
    for request in receiver.requests:
        body = request.body
        if request.headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        texts.append(body.decode())
    return texts


def events(receiver: Receiver) -> list[dict]:
    """The error events in the envelopes (each envelope is JSON lines:
    its header, then an item's header and its payload)."""
    found = []
    for text in envelopes(receiver):
        lines = text.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


@pytest.fixture
def tracking() -> Iterator[Receiver]:
    """Sentry on, as the settings start it, sending to a local receiver."""
    with webhook_receiver(path="/api/1/envelope/") as receiver:
        error_tracking.start(dsn=dsn_for(receiver), environment="test", traces_sample_rate=1.0)
        try:
            yield receiver
        finally:
            sentry_sdk.get_client().close()
            sentry_sdk.get_global_scope().set_client(None)


def patient(*texts: str) -> PersonalData:
    personal = PersonalData()
    for text in texts:
        personal.add(text, email="@" in text)
    return personal


def leaks(receiver: Receiver, personal: PersonalData, *secrets: str) -> list[str]:
    found = []
    for text in envelopes(receiver):
        unescaped = json.dumps(json.loads("[" + ",".join(text.strip().split("\n")) + "]"))
        for seen in (text, unescaped.encode().decode("unicode_escape")):
            if CANARY in seen.lower():
                found.append("canary")
            piece = personal.fragment_in(seen)
            if piece is not None:
                found.append(piece)
            found.extend(secret for secret in secrets if secret in seen)
    return found


def request(url: str, *, data: dict | None = None, headers: dict[str, str]) -> int:
    """Through the WSGI handler gunicorn calls (the live server's), where
    Sentry reads the URL, the headers and the body of a request."""
    body = json.dumps(data).encode() if data is not None else None
    sent = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(sent, timeout=10) as response:  # noqa: S310 - our own server
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_a_500_on_a_submission_reaches_sentry_without_the_patient(
    tracking, live_server, submission, monkeypatch
):
    from testimonials.stories import submitting

    def fails(*, submission, **kwargs):
        name, email, body = submission.author_name, submission.email, submission.body
        raise ValueError(f"cannot store {name!r} <{email}>: {body}")

    monkeypatch.setattr(submitting, "testimonial_submit", fails)
    status = request(
        f"{live_server.url}/api/v1/testimonials/?email={quote(PATIENT_EMAIL)}",
        data=submission,
        headers={
            "Content-Type": "application/json",
            "Cookie": f"draft={quote(PATIENT_NAME)}",
            "X-Patient": PATIENT_EMAIL,
            "Referer": f"{live_server.url}/share/?email={quote(PATIENT_EMAIL)}",
        },
    )
    assert status == 500
    sentry_sdk.flush(timeout=5)

    assert leaks(tracking, patient(PATIENT_NAME, PATIENT_EMAIL, submission["body"])) == []
    [event] = [event for event in events(tracking) if event.get("exception")]
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["stacktrace"]["frames"][-1]["function"] == "fails"
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"] == "<testimonial-submit>"
    assert set(event["request"]["headers"]) == {"Content-Type", "Content-Length", "Host"}


def test_a_500_behind_a_patients_link_reaches_sentry_without_the_secret(
    tracking, live_server, monkeypatch
):
    from testimonials.stories import patient_links, story_pages

    story = TestimonialFactory(email=PATIENT_EMAIL)
    secret = patient_links.patient_secret(story.public_id)

    def fails(request, testimonial, secret):
        raise KeyError(f"{testimonial.author_name} {testimonial.body} {secret}")

    monkeypatch.setattr(story_pages, "render_story", fails)
    status = request(f"{live_server.url}/stories/{story.public_id}/{secret}/", headers={})
    assert status == 500
    sentry_sdk.flush(timeout=5)

    found = leaks(tracking, patient(PATIENT_NAME, PATIENT_EMAIL, PATIENT_STORY), secret)
    assert found == []
    [event] = [event for event in events(tracking) if event.get("exception")]
    assert event["exception"]["values"][-1]["type"] == "KeyError"
    assert event["request"]["url"] == "<patient-story>"
    assert event["transaction"] == "<patient-story>"


def test_a_failed_task_reaches_sentry_without_the_story(tracking, db, monkeypatch):
    from moderation import privacy, tasks

    story = TestimonialFactory(email=PATIENT_EMAIL)

    def fails():
        erasing = story  # noqa: F841 - a frame variable holding the story
        raise ValueError(f"cannot erase {story.author_name} <{story.email}>: {story.body}")

    monkeypatch.setattr(privacy, "personal_data_expire", fails)
    result = tasks.expire_personal_data.apply()
    assert result.failed()
    sentry_sdk.flush(timeout=5)

    exceptions = [event for event in events(tracking) if event.get("exception")]
    assert exceptions, "the failed task reached Sentry"
    for event in exceptions:
        assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert leaks(tracking, patient(PATIENT_NAME, PATIENT_EMAIL, PATIENT_STORY)) == []


SEND_ONE = (
    "import django; django.setup(); import sentry_sdk; "
    "sentry_sdk.capture_message('probe'); sentry_sdk.flush(timeout=5)"
)


@pytest.mark.parametrize("dsn_set", [True, False], ids=["SENTRY_DSN set", "SENTRY_DSN unset"])
def test_the_settings_turn_it_on_only_with_a_dsn(db, dsn_set):
    with webhook_receiver(path="/api/1/envelope/") as receiver:
        env = worker_environment()
        env.pop("SENTRY_DSN", None)
        if dsn_set:
            env["SENTRY_DSN"] = dsn_for(receiver)
        subprocess.run(
            [sys.executable, "-c", SEND_ONE], cwd=BASE_DIR, env=env, check=True, timeout=60
        )
        assert len(receiver.requests) == (1 if dsn_set else 0)
