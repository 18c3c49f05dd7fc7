"""Where pods share no metrics folder (Kubernetes), a worker started with
WORKER_METRICS_PORT serves its own counts: a real worker, with a folder of
its own, answers on the port with the tasks it ran."""

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from config.celery_app import app
from tests.support.worker import _free_port, celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SWEEP = "moderation.tasks.sweep_stuck_screening"


def task_successes(url: str) -> float:
    text = requests.get(url, timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "testimonials_celery_tasks_total"
        and sample.labels == {"task": SWEEP, "outcome": "SUCCESS"}
    )


def test_a_worker_serves_its_own_pods_counts_on_the_metrics_port(tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/metrics"
    pod_folder = tmp_path / "metrics"
    pod_folder.mkdir()
    environment = {"WORKER_METRICS_PORT": str(port), "METRICS_DIR": str(pod_folder)}
    with celery_worker(concurrency=1, extra_env=environment) as worker:
        assert requests.get(url, timeout=5).status_code == 200
        app.send_task(SWEEP)
        wait_for(lambda: task_successes(url) == 1, timeout=60, message="the sweep to be counted")
        assert "worker metrics served on port" in worker.output()
    assert list(pod_folder.iterdir()), "the counts came from the pod's own folder"
