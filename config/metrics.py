"""Prometheus metrics, served at `/metrics` by the web process.

Two sources, each for what it knows best:

- Events (requests, submissions, screenings, webhook attempts, Celery task
  outcomes) are counted where they happen, in prometheus_client's
  multiprocess mode: every process (each gunicorn worker, each Celery pool
  process, this very test run) writes its own memory-mapped files in
  `METRICS_DIR`, and a scrape adds them all up, so several gunicorn workers
  never give wrong counts and the worker's counts reach the web's
  `/metrics`. Web and worker must share that folder (docker-compose.yml
  mounts one volume in both; `make run` and `make serve` use var/metrics).
- States (how many items wait in each queue, since when) are read from the
  database at scrape time: the database already knows them, exactly, and
  they need no process to stay alive to be right.

Where web and the workers share no folder (Kubernetes gives each pod its
own), each worker serves its own pod's counts on `WORKER_METRICS_PORT`
(`worker_metrics_serve`, started when the worker is ready).
"""

import ipaddress
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from config.security import client_ip

logger = logging.getLogger(__name__)

METRICS_DIR = Path(settings.METRICS_DIR)
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
# Files are named by host and process id: web and worker containers share
# the folder, and their process ids (both counting from 1) would collide.
values.ValueClass = values.MultiProcessValue(  # type: ignore[no-untyped-call]
    lambda: f"{socket.gethostname()}-{os.getpid()}"
)

# Seconds: a page or an API answer, a screener's run, a task's run.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SCREENER_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)

http_requests = Counter(
    "testimonials_http_requests",
    "HTTP requests answered, by route name (never the raw path), method and status.",
    ["route", "method", "status"],
)
http_request_duration = Histogram(
    "testimonials_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
submissions = Counter(
    "testimonials_submissions",
    "Stories submitted, by way in (api, share) and outcome "
    "(accepted, invalid, throttled, conflict, too_large, unavailable, error).",
    ["via", "outcome"],
)
screenings = Counter(
    "testimonials_screenings",
    "Screening results: queued for review, auto_rejected (clear spam), "
    "gave_up (screening kept failing; sent to a person, flagged).",
    ["outcome"],
)
screener_duration = Histogram(
    "testimonials_screener_duration_seconds",
    "Time one screener took on one story.",
    ["screener"],
    buckets=SCREENER_BUCKETS,
)
screener_failures = Counter(
    "testimonials_screener_failures",
    "Screeners that raised instead of answering (the task retries the story).",
    ["screener"],
)
webhook_deliveries = Counter(
    "testimonials_webhook_deliveries",
    "Webhook delivery attempts by result: delivered, retrying (will try again), "
    "failed (gave up), skipped (no longer public, or the site is disabled).",
    ["result"],
)
sign_in_lockouts = Counter(
    "testimonials_sign_in_lockouts",
    "Sign-in lockouts begun, by scope: address (one username from one address, "
    "AXES_FAILURE_LIMIT) or username (one username from every address, "
    "AXES_USERNAME_FAILURE_LIMIT: someone is guessing a password from many addresses).",
    ["scope"],
)
celery_tasks = Counter(
    "testimonials_celery_tasks",
    "Celery task runs by task and outcome (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "outcome"],
)
celery_task_duration = Histogram(
    "testimonials_celery_task_duration_seconds",
    "Time a Celery task ran, by task.",
    ["task"],
    buckets=TASK_BUCKETS,
)

# Which routes take submissions, and what their answers mean.
SUBMISSION_ROUTES = {"testimonial-submit": "api", "share": "share"}
SUBMISSION_OUTCOMES = {
    202: "accepted",
    303: "accepted",
    400: "invalid",
    409: "conflict",
    413: "too_large",
    429: "throttled",
    503: "unavailable",
}


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (`published-list`, `admin:index`): a bounded
    set of labels, and no patient's secret link in a metric."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return route_of_path(request.path_info)
    return match.view_name or "unnamed"


def route_of_path(path: str) -> str:
    """`route_of` for a bare path (what an error report's URL holds)."""
    try:
        match = resolve(path)
    except Resolver404:
        return "static" if path.startswith(settings.STATIC_URL) else "unmatched"
    return match.view_name or "unnamed"


def request_observed(request: HttpRequest, status: int, seconds: float) -> str:
    route = route_of(request)
    method = request.method or "GET"
    http_requests.labels(route, method, str(status)).inc()
    http_request_duration.labels(route, method).observe(seconds)
    via = SUBMISSION_ROUTES.get(route)
    if via is not None and method == "POST":
        submissions.labels(via, SUBMISSION_OUTCOMES.get(status, "error")).inc()
    return route


def screener_name(path: str) -> str:
    """`moderation.screening.pii.screen` → `pii`; other screeners by path."""
    prefix, suffix = "moderation.screening.", ".screen"
    if path.startswith(prefix) and path.endswith(suffix):
        return path[len(prefix) : -len(suffix)]
    return path


# --- Celery task outcomes -----------------------------------------------------

_task_started: dict[str, float] = {}


def task_started(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        _task_started[task_id] = time.monotonic()


def task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **kwargs: Any
) -> None:
    name = getattr(task, "name", None) or "unknown"
    celery_tasks.labels(name, state or "UNKNOWN").inc()
    started = _task_started.pop(task_id or "", None)
    if started is not None:
        celery_task_duration.labels(name).observe(time.monotonic() - started)


# --- States from the database -------------------------------------------------


class QueueCollector(Collector):
    """How many stories wait at each step before a decision, and how long the
    oldest has waited (since it entered that status), read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count, Min
        from django.utils import timezone

        from testimonials.models import DeliveryStatus, Status, Testimonial, WebhookDelivery

        waiting = [Status.SUBMITTED, Status.SCREENING, Status.PENDING_REVIEW]
        rows = {
            row["status"]: row
            for row in Testimonial.objects.filter(status__in=waiting)
            .values("status")
            .annotate(items=Count("pk"), oldest=Min("status_changed_at"))
        }
        depth = GaugeMetricFamily(
            "testimonials_queue_items",
            "Stories waiting, by status: submitted and screening (the worker's "
            "queue), pending_review (the moderators' queue).",
            labels=["status"],
        )
        age = GaugeMetricFamily(
            "testimonials_queue_oldest_age_seconds",
            "How long the oldest story in each status has waited (0 when none waits).",
            labels=["status"],
        )
        now = timezone.now()
        for status in waiting:
            row = rows.get(status)
            depth.add_metric([status], row["items"] if row else 0)
            oldest = row["oldest"] if row else None
            age.add_metric([status], (now - oldest).total_seconds() if oldest else 0.0)
        yield depth
        yield age
        pending = GaugeMetricFamily(
            "testimonials_webhook_deliveries_pending",
            "Webhook deliveries not yet delivered, failed or skipped.",
            value=WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count(),
        )
        yield pending


class AskFunnelCollector(Collector):
    """The ask funnel by location and stage, since each location's first ask
    (`testimonials.visits.funnel`), read at scrape time. Labels stay
    bounded: the location's slug and the seven stage names, never a week
    (the admin's funnel page has the weeks)."""

    def collect(self) -> Iterator[Metric]:
        from testimonials.visits.funnel import STAGES, ask_funnel_totals

        asks = CounterMetricFamily(
            "testimonials_asks",
            "Asks sent after visits, by location and what became of them (stage: asked, "
            "delivered, opened, link_clicked, story_submitted, opted_out, bounced).",
            labels=["location", "stage"],
        )
        for location, counts in sorted(ask_funnel_totals().items()):
            for stage in STAGES:
                asks.add_metric([location, stage], counts[stage])
        yield asks


# --- The endpoint -------------------------------------------------------------


def scrape_allowed(request: HttpRequest) -> bool | None:
    """None when `/metrics` is off (neither `METRICS_TOKEN` nor
    `METRICS_ALLOWED_NETWORKS` set); else whether this request may read it:
    the right bearer token, or a client address in an allowed network."""
    token: str = settings.METRICS_TOKEN
    networks: list[str] = settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return None
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        # As bytes: compare_digest raises on a str with non-ASCII characters,
        # and a header can carry any.
        if scheme.lower() == "bearer" and secrets.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    if networks:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network) for network in networks)
    return False


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    allowed = scrape_allowed(request)
    if allowed is None:
        return HttpResponseNotFound("Not found.", content_type="text/plain")
    if not allowed:
        return HttpResponseForbidden(
            "A bearer token or an allowed network is required.", content_type="text/plain"
        )
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(METRICS_DIR))  # type: ignore[no-untyped-call]
    registry.register(QueueCollector())
    registry.register(AskFunnelCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def worker_metrics_serve(**kwargs: Any) -> None:
    """Celery's `worker_ready`: serve this pod's counts (every process of
    this worker writes them to METRICS_DIR) at `:WORKER_METRICS_PORT/metrics`
    while `WORKER_METRICS_PORT` is set. Names of tasks and outcomes only: no
    personal data, so, like a node exporter, no token; the cluster's network
    policy decides who may ask."""
    port = int(settings.WORKER_METRICS_PORT)
    if not port:
        return
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(METRICS_DIR))  # type: ignore[no-untyped-call]
    try:
        start_http_server(port, registry=registry)
    except OSError as error:
        logger.error("worker metrics not served: port %d: %s", port, error.strerror)
        return
    logger.info("worker metrics served on port %d", port)
