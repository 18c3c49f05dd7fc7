"""Handing work to Celery by task name: the one way services start a task.

Services never import task modules (task modules import services, so the
other direction would make a circle). They name the task instead, and the
work goes out after the surrounding transaction commits, so a worker never
looks for a row that is not there yet.

A broker that cannot take the message is not the caller's failure: every
task started this way has a row that says it is owed (a `submitted` story,
an unsent outbox row, a pending delivery), and a periodic sweep re-enqueues
those. So enqueueing logs and carries on; it never raises.

Every name handed here must be a registered task: `TASK_NAMES` lists them,
and a test checks each against the Celery app's registry.
"""

import logging
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# Every task a service may start by name; a test checks that each is
# registered with the Celery app, and that no service calls an unlisted one.
TASK_NAMES: frozenset[str] = frozenset(
    {
        "moderation.tasks.screen_testimonial",
        "moderation.tasks.notify_patient",
        "testimonials.tasks.deliver_webhook",
        "testimonials.tasks.send_invitation",
        "testimonials.tasks.send_consent_notice",
        "testimonials.tasks.send_authorization_request",
        "testimonials.tasks.send_ask_text",
    }
)


def send_now(name: str, *args: Any, label: str) -> bool:
    """Send task `name` now, outside any transaction (a sweep, a retry).
    Returns whether the broker took it.

    `label` says what the work is for the log line ("screening", "webhook
    delivery"): ids only, never personal data.
    """
    from config.celery_app import app

    try:
        app.send_task(name, args=args)
    except Exception as exc:
        logger.warning(
            "could not enqueue %s id=%s (%s); the sweep will pick it up",
            label,
            " ".join(str(arg) for arg in args),
            type(exc).__name__,
        )
        return False
    return True


def send_each(name: str, ids: list[int], *, label: str) -> int:
    """Send task `name` once for each id, now, in order. A broker that
    refuses one would refuse the rest: stop there, the sweep sends them all.
    Returns how many were sent (the first ones of `ids`)."""
    for sent, pk in enumerate(ids):
        if not send_now(name, pk, label=label):
            return sent
    return len(ids)


def queue_depth(name: str) -> int | None:
    """How many messages wait in the queue task `name` is routed to (not
    counting those a worker has already taken); None when the broker cannot
    say."""
    from config.celery_app import app

    queue = app.amqp.router.route({}, name)["queue"]
    try:
        with app.connection_for_read() as connection:
            declared = queue.bind(connection.default_channel).queue_declare()
            return int(declared.message_count)
    except Exception as exc:
        logger.warning("could not count the %s queue (%s)", queue.name, type(exc).__name__)
        return None


def on_commit(name: str, *args: Any, label: str) -> None:
    """Send task `name` once the current transaction commits (at once when
    there is none)."""
    transaction.on_commit(partial(send_now, name, *args, label=label))
