"""Celery's queues, where each task goes and how long it may run.

Three queues, each with workers of its own (Procfile, Procfile.dev,
docker-compose.yml; their processes: CELERY_SCREENING_CONCURRENCY,
CELERY_OUTBOUND_CONCURRENCY, CELERY_HOUSEKEEPING_CONCURRENCY), so that a
mail server or webhook receiver that hangs holds only the outbound workers,
never screening (tests/faults/test_smtp_hangs.py):

- `screening`: the one task between a submission and the review queue;
- `outbound`: everything that waits on someone else's server (emails,
  webhooks);
- `housekeeping`: beat's sweeps, retention purges, the digest, retraining.

Imported by `config.settings.base` once `.env` is read.
"""

import environ
from kombu import Exchange, Queue

__all__ = [
    "CELERY_TASK_ANNOTATIONS",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_TASK_QUEUES",
    "CELERY_TASK_ROUTES",
    "EMAIL_TIMEOUT",
    "HOUSEKEEPING_QUEUE",
    "OUTBOUND_QUEUE",
    "SCREENING_BATCH_SIZE",
    "SCREENING_QUEUE",
    "TASKS",
    "TASK_HARD_LIMIT_AFTER",
]

env = environ.Env()

SCREENING_QUEUE, OUTBOUND_QUEUE, HOUSEKEEPING_QUEUE = "screening", "outbound", "housekeeping"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (SCREENING_QUEUE, OUTBOUND_QUEUE, HOUSEKEEPING_QUEUE)
]
# Every task is routed by name (a test checks each registered task is); an
# unrouted one would wait with the sweeps, not in front of screening.
CELERY_TASK_DEFAULT_QUEUE = HOUSEKEEPING_QUEUE
# Stories one screening task screens: its own, then up to this many less
# one waiting in `submitted` (moderation.intake.screening.screening_batch).
# 1 (the default) screens each story on its own message only: with batches,
# the queue holds messages of stories already screened, which the sweep
# counts as waiting (docs/performance.md).
SCREENING_BATCH_SIZE: int = max(1, env.int("SCREENING_BATCH_SIZE", default=1))
# SMTP: seconds each step of sending (connect, every command) may take, so a
# mail server that accepts and never answers fails the send instead of
# holding a worker process for ever.
EMAIL_TIMEOUT: int = env.int("EMAIL_TIMEOUT", default=10)
# Soft limits, in seconds: the task gets SoftTimeLimitExceeded and retries
# like any failure (screening gives up to a person after its retries, an
# email is released for the next try). The hard limit kills the process
# TASK_HARD_LIMIT_AFTER seconds later; the row, not the message, still owes
# the work, so a sweep sends it again.
TASK_HARD_LIMIT_AFTER = 30
_time_limits = {
    SCREENING_QUEUE: env.int("SCREENING_TASK_TIME_LIMIT", default=60),
    OUTBOUND_QUEUE: env.int("OUTBOUND_TASK_TIME_LIMIT", default=60),
    HOUSEKEEPING_QUEUE: env.int("HOUSEKEEPING_TASK_TIME_LIMIT", default=600),
}
# Each task by name: its queue and its soft time limit.
TASKS: dict[str, tuple[str, int]] = {
    "moderation.tasks.screen_testimonial": (SCREENING_QUEUE, _time_limits[SCREENING_QUEUE]),
}
for _name in (
    "moderation.tasks.notify_patient",
    "testimonials.tasks.deliver_webhook",
    "testimonials.tasks.send_invitation",
    "testimonials.tasks.send_consent_notice",
    "testimonials.tasks.send_authorization_request",
    "testimonials.tasks.send_ask_text",
):
    TASKS[_name] = (OUTBOUND_QUEUE, _time_limits[OUTBOUND_QUEUE])
for _name in (
    "moderation.tasks.sweep_stuck_screening",
    "moderation.tasks.sweep_unsent_notifications",
    "moderation.tasks.send_moderator_digest",
    "moderation.tasks.expire_personal_data",
    "testimonials.tasks.sweep_webhook_deliveries",
    "testimonials.tasks.check_publication_cache",
    "testimonials.tasks.sweep_authorizations",
    "testimonials.tasks.sweep_consent_notices",
    "testimonials.tasks.sweep_unsent_invitations",
    "testimonials.tasks.send_due_asks",
    "testimonials.tasks.sweep_withdrawn_media",
):
    TASKS[_name] = (HOUSEKEEPING_QUEUE, _time_limits[HOUSEKEEPING_QUEUE])
TASKS["moderation.tasks.retrain_screening_model"] = (
    HOUSEKEEPING_QUEUE,
    env.int("RETRAIN_TASK_TIME_LIMIT", default=3600),
)
CELERY_TASK_ROUTES = {name: {"queue": queue} for name, (queue, _) in TASKS.items()}
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": soft, "time_limit": soft + TASK_HARD_LIMIT_AFTER}
    for name, (_, soft) in TASKS.items()
}
