"""Every task has its queue and its time limits (config/settings/queues.py):
screening alone on its queue, everything that waits on another server on
`outbound`, beat's work on `housekeeping`."""

from django.conf import settings

from config import enqueue
from config.celery_app import app

OUR_APPS = ("moderation.", "testimonials.")


def _our_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}


def _queue_of(name: str) -> str:
    return str(app.amqp.router.route({}, name)["queue"].name)


def test_every_task_of_ours_is_routed_to_one_of_the_three_queues():
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert queues == {"screening", "outbound", "housekeeping"}
    tasks = _our_tasks()
    assert len(tasks) >= 16
    unrouted = sorted(name for name in tasks if name not in settings.CELERY_TASK_ROUTES)
    assert unrouted == [], "a task without a route waits with the sweeps"
    assert set(settings.CELERY_TASK_ROUTES) == set(tasks), "a route names no task"
    assert {_queue_of(name) for name in tasks} == queues


def test_screening_has_its_queue_to_itself_and_every_email_and_webhook_goes_outbound():
    tasks = _our_tasks()
    on_screening = [name for name in tasks if _queue_of(name) == "screening"]
    assert on_screening == ["moderation.tasks.screen_testimonial"]
    for name in enqueue.TASK_NAMES - {"moderation.tasks.screen_testimonial"}:
        assert _queue_of(name) == "outbound", name
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert _queue_of(entry["task"]) == "housekeeping", entry["task"]


def test_every_task_of_ours_has_a_soft_and_a_hard_time_limit():
    for name, task in _our_tasks().items():
        soft, hard = task.soft_time_limit, task.time_limit  # type: ignore[attr-defined]
        assert soft, f"{name} has no soft time limit"
        assert hard, f"{name} may run for ever"
        assert soft < hard, name
    outbound = _our_tasks()["moderation.tasks.notify_patient"]
    assert outbound.soft_time_limit > settings.EMAIL_TIMEOUT  # type: ignore[attr-defined]
    assert outbound.soft_time_limit > settings.WEBHOOK_TIMEOUT_SECONDS  # type: ignore[attr-defined]


def test_an_smtp_connection_gives_up_after_email_timeout():
    from django.core.mail.backends.smtp import EmailBackend

    assert settings.EMAIL_TIMEOUT == 10
    assert EmailBackend(host="127.0.0.1", port=25).timeout == settings.EMAIL_TIMEOUT
