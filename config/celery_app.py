import os
from typing import Any

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("testimonials")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _drop_broken_database_connections(**kwargs: Any) -> None:
    """With CELERY_DB_REUSE_MAX a task reuses the last task's connection, and
    Celery closes it only every so many tasks: after a database restart a
    broken one would fail every task until then. What Django does before
    each request: close a connection that errored and no longer answers, or
    that outlived CONN_MAX_AGE."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
