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
