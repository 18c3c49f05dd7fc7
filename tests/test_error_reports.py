"""A 500 with a patient's data in scope: a service that fails on the share
page's form (the name, email and story in the request) and a failure while
the review page shows a story. The answer, the email to ADMINS and the log
record, as the service writes it (JSON and plain), hold no piece of 12
characters or more of the name, the email or the story."""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.log import JSON_FIELDS, PLAIN_FORMAT, JsonFormatter, PlainFormatter
from tests.factories import PATIENT_EMAIL, PATIENT_NAME, PATIENT_STORY, TestimonialFactory
from tests.support.log_canary import PersonalData

STORY = (
    "After four sessions with Dr. Okafor my sciatica eased; I walk to work again "
    "and sleep through the night."
)


@pytest.fixture
def reports(settings):
    """ADMINS set (Django mails them each 500), and every record written
    during the request, rendered by the service's two formatters."""
    settings.ADMINS = [("Operations", "ops@clinic.example")]
    lines: list[str] = []
    formatters = [JsonFormatter(JSON_FIELDS), PlainFormatter(PLAIN_FORMAT)]

    class Rendered(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.extend(formatter.format(record) for formatter in formatters)

    handler = Rendered(level=logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


def pieces_in(personal: PersonalData, **texts: str) -> dict[str, str]:
    found = {where: personal.fragment_in(text) for where, text in texts.items()}
    return {where: piece for where, piece in found.items() if piece is not None}


def patient(*texts: str) -> PersonalData:
    personal = PersonalData()
    for text in texts:
        personal.add(text, email="@" in text)
    return personal


def test_a_service_that_fails_on_the_share_page_reports_no_patient(
    reports, consent, topic, monkeypatch
):
    from testimonials.stories import submitting

    def fails(*, submission, **kwargs):
        raise ValueError(
            f"cannot store {submission.author_name!r} <{submission.email}>: {submission.body}"
        )

    monkeypatch.setattr(submitting, "testimonial_submit", fails)
    form = {
        "author_name": PATIENT_NAME,
        "display_preference": "first_name_initial",
        "body": STORY,
        "rating": "5",
        "email": PATIENT_EMAIL,
        "consent_to_publish": "on",
        "consent_text_version": consent.version,
        "channels": ["clinic"],
        "expires_in": "24",
        "age": "adult",
        "signature": PATIENT_NAME,
        "submission_key": "k1",
        "website": "",
    }
    response = Client(raise_request_exception=False).post(f"/share/{topic.slug}/", form)

    assert response.status_code == 500
    [email] = mail.outbox
    assert email.to == ["ops@clinic.example"]
    assert "ValueError" in email.body, "the report still says what failed, and where"
    assert "in fails" in email.body
    assert any("ValueError: (message withheld" in line for line in reports)
    personal = patient(PATIENT_NAME, PATIENT_EMAIL, STORY)
    assert (
        pieces_in(
            personal,
            answer=response.content.decode(),
            email=f"{email.subject}\n{email.body}",
            log="\n".join(reports),
        )
        == {}
    )


def test_a_failure_while_the_review_page_shows_a_story_reports_no_patient(
    reports, moderator, topic, monkeypatch
):
    from moderation.decisions import presentation

    story = TestimonialFactory(status="pending_review", email=PATIENT_EMAIL)

    def fails(body, flags):
        raise KeyError(f"no span for {body[:60]!r}")

    monkeypatch.setattr(presentation, "highlighted", fails)
    browser = Client(raise_request_exception=False)
    browser.force_login(moderator)
    response = browser.get(
        reverse("admin:testimonials_testimonial_review", args=[story.pk]) + "?from=queue"
    )

    assert response.status_code == 500
    [email] = mail.outbox
    assert "KeyError" in email.body
    personal = patient(PATIENT_NAME, PATIENT_EMAIL, PATIENT_STORY)
    assert (
        pieces_in(
            personal,
            answer=response.content.decode(),
            email=f"{email.subject}\n{email.body}",
            log="\n".join(reports),
        )
        == {}
    )


def test_a_failed_tasks_line_quotes_no_patient(reports, db):
    """What the worker writes when a task fails with the story in its
    exception: Celery's own line, through its own code."""
    from billiard.einfo import ExceptionInfo
    from celery.app.task import Context
    from celery.app.trace import TraceInfo

    from moderation import tasks

    try:
        raise ValueError(f"cannot screen {STORY}")
    except ValueError:
        failure = ExceptionInfo()
    task = tasks.screen_testimonial
    request = Context({"id": "task-1", "args": [7], "kwargs": {}, "hostname": "worker@test"})
    TraceInfo("FAILURE", failure.exception)._log_error(task, request, failure)

    [plain_line] = [line for line in reports if " ERROR celery.app.trace " in line]
    assert "screen_testimonial[task-1] raised unexpected: ValueError: (message withheld" in (
        plain_line
    )
    [json_line] = [line for line in reports if '"name": "celery.app.trace"' in line]
    assert '"exc": "ValueError: (message withheld' in json_line
    assert pieces_in(patient(STORY), log="\n".join(reports)) == {}
