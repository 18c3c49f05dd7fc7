"""Emails sent from an outbox row: the row is written in the transaction
that decides to send (a decision, a consent notice, an invitation), a Celery
task sends it after commit, and a periodic sweep re-enqueues the rows a lost
message left unsent.

Each outbox model has a nullable `sent_at` and a `created_at`. `send_once`
claims the row by setting `sent_at` with a conditional UPDATE, so two
deliveries of the same task send one email; if sending fails it releases
the claim, and the task's retry sends it.

Log lines name the row's kind and id, never an address or a story.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.core.mail import EmailMultiAlternatives
from django.db.models import Model, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from config import enqueue as config_enqueue
from testimonials import languages
from testimonials.models import Testimonial

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=Model)

# The metadata key naming the outbox row an email came from
# (`testimonials.delivery_events` reads it back).
OUTBOX_ROW_METADATA = "outbox_row"

# How many unsent rows one sweep re-enqueues; the next sweep takes the rest.
SWEEP_BATCH = 1000


@dataclass(frozen=True)
class Email:
    to: list[str]
    # `<template>_subject.txt` and `<template>.txt` are rendered.
    template: str
    # Called inside `override(language)`, so that choice labels and other
    # translated values in it come out in the recipient's language.
    context: Callable[[], Mapping[str, Any]]
    # None renders in the active language (moderators' emails).
    language: str | None
    # What it is, for the log line ("published notification"): no personal data.
    label: str
    # Extra headers (an invitation's List-Unsubscribe).
    headers: Mapping[str, str] = field(default_factory=dict)
    # An HTML alternative, `<html_template>.html`, rendered with the same
    # context (an ask's email, which carries the funnel's first-party image).
    html_template: str | None = None


def story_email(
    testimonial: Testimonial,
    *,
    template: str,
    label: str,
    context: Callable[[], Mapping[str, Any]] = dict,
) -> Email:
    """An email to the patient about their story, in the story's language.
    Its context has the story and its topic, and what `context` adds (also
    called inside the language override). Every patient email is one."""
    return Email(
        to=[testimonial.email],
        template=template,
        context=lambda: {"testimonial": testimonial, "topic": testimonial.topic, **context()},
        language=languages.for_testimonial(testimonial),
        label=label,
    )


@dataclass(frozen=True)
class Rendered:
    """An email ready to go: nothing left to read from the database."""

    to: list[str]
    subject: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    # The HTML alternative, or "" for a plain-text email.
    html: str = ""

    def send(self, *, row: str = "") -> str:
        """Send it; `row` ("app.model:pk") goes along as the provider's
        metadata, so its delivery events find the row again. Returns the
        provider's message id, or "" when the backend gives none (SMTP)."""
        message = EmailMultiAlternatives(
            subject=self.subject, body=self.message, to=self.to, headers=dict(self.headers)
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        if row:
            # Read by anymail's backends (ignored by Django's own): the
            # provider hands it back with each event for this message.
            message.metadata = {OUTBOX_ROW_METADATA: row}  # type: ignore[attr-defined]
        message.send()
        status = getattr(message, "anymail_status", None)
        message_id = getattr(status, "message_id", None)
        return "" if message_id is None else str(message_id)


def render(email: Email) -> Rendered:
    """Render an email in its language (reading what its context needs)."""
    with override(email.language):
        context = email.context()
        subject = render_to_string(f"{email.template}_subject.txt", context).strip()
        message = render_to_string(f"{email.template}.txt", context)
        html = ""
        if email.html_template:
            html = render_to_string(f"{email.html_template}.html", context)
    return Rendered(to=email.to, subject=subject, message=message, headers=email.headers, html=html)


def deliver(email: Email) -> None:
    """Render and send one email now. Raises whatever sending raises."""
    render(email).send()


def send_once(
    rows: QuerySet[Row],
    pk: int,
    *,
    build: Callable[[Row], Email | None],
    claimable: Q | None = None,
) -> bool:
    """Send the email of row `pk` at most once. Returns whether this call sent it.

    The row is loaded, given to `build` (which returns the email, or None
    when it no longer applies) and the email rendered; then the row is
    claimed (its `sent_at` set, only while it is None and, with
    `claimable`, while it matches that), and only then does it go out. A
    row that no longer applies is claimed too: it is never sent. If sending
    raises, the claim is released and the exception propagates, for the
    task to retry.

    Everything is read before the claim because a claim is final: were the
    database to die between the claim and the reads (PostgreSQL killed
    mid-task did exactly that), the task would fail with the row claimed
    and the email never sent, and no sweep would find it again.
    """
    unsent = rows.filter(pk=pk, sent_at=None)
    if claimable is not None:
        unsent = unsent.filter(claimable)
    row = unsent.first()
    if row is None:
        return False
    email = build(row)
    ready = render(email) if email is not None else None
    if unsent.update(sent_at=timezone.now()) != 1:
        return False
    if email is None or ready is None:
        return False
    try:
        message_id = ready.send(row=f"{rows.model._meta.label_lower}:{pk}")
    except Exception:
        rows.filter(pk=pk).update(sent_at=None)
        raise
    if hasattr(rows.model, "delivery_status"):
        sent = rows.filter(pk=pk)
        sent.update(esp_message_id=message_id[:255])
        # An event the provider sent back faster than this line stays.
        sent.filter(delivery_status="").update(
            delivery_status="sent", delivery_status_at=timezone.now()
        )
    logger.info("sent %s id=%s", email.label, pk)
    return True


def unsent_ids(rows: QuerySet[Any], *, older_than: timedelta) -> list[int]:
    """The oldest rows in `rows` that were never sent, created more than
    `older_than` ago (younger ones are still on their way)."""
    cutoff = timezone.now() - older_than
    return list(
        rows.filter(sent_at=None, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def enqueue_on_commit(task_name: str, pk: int, *, label: str) -> None:
    """Hand row `pk` to the task that sends it (by name), once the
    transaction that wrote the row commits. A broker that cannot take it is
    not the sender's failure: the sweep sends it. Every sender of an outbox
    email enqueues through here."""
    config_enqueue.on_commit(task_name, pk, label=label)
