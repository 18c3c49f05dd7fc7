"""The Celery app: settings from Django's, tasks autodiscovered from each
app's `tasks` module, and the signals that log and count tasks."""

import os
from typing import Any

from celery import Celery, signals

from config import log

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("testimonials")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels in task headers; the worker and beat log like web.
signals.setup_logging.connect(log.configure_celery_logging, weak=False)
signals.before_task_publish.connect(log.task_published, weak=False)
signals.task_prerun.connect(log.task_started, weak=False)
signals.task_postrun.connect(log.task_finished, weak=False)


@signals.task_prerun.connect(weak=False)
def _count_task_started(**kwargs: Any) -> None:
    from config import metrics  # needs the settings, so not at import

    metrics.task_started(**kwargs)


@signals.task_postrun.connect(weak=False)
def _count_task_finished(**kwargs: Any) -> None:
    from config import metrics

    metrics.task_finished(**kwargs)


@signals.worker_ready.connect(weak=False)
def _serve_worker_metrics(**kwargs: Any) -> None:
    from config import metrics

    metrics.worker_metrics_serve(**kwargs)


@signals.task_prerun.connect(weak=False)
def _drop_broken_database_connections(**kwargs: Any) -> None:
    """With CELERY_DB_REUSE_MAX a task reuses the last task's connection, and
    Celery closes it only every so many tasks: after a database restart a
    broken one would fail every task until then. What Django does before
    each request: close a connection that errored and no longer answers, or
    that outlived CONN_MAX_AGE."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
