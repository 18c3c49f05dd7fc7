"""Error tracking with Sentry (sentry-sdk), off unless `SENTRY_DSN` is set.

What leaves the service is scrubbed the way the logs are (`config.log`),
by the same functions: an exception keeps its type and frames, its message
only when `message_is_safe`; frames carry no local variables; a request
keeps its method, an allowlist of headers and its route's name (a
patient's link holds its secret, `config.metrics.route_of_path`), never its
body, cookies, query string or full URL; a user keeps only their id;
breadcrumbs keep what happened (category, level, HTTP method and status),
not their messages; `extra` (Celery's task arguments, log records' fields)
goes except the task's name. Transactions (`SENTRY_TRACES_SAMPLE_RATE`,
0 by default) are named by route and their spans keep no data beyond an
allowlist.
"""

from importlib import metadata
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from config import log

if TYPE_CHECKING:
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

# Request headers that say how, never who or what: no cookies, no
# authorization, no user agent, no forwarded addresses.
SAFE_HEADERS = frozenset({"accept", "content-length", "content-type", "host", "x-request-id"})
# Breadcrumb and span data that name a method, a status or a system.
SAFE_DATA = frozenset(
    {
        "method",
        "status_code",
        "reason",
        "http.method",
        "http.request.method",
        "http.response.status_code",
        "db.system",
        "db.operation",
        "thread.id",
        "thread.name",
    }
)


def start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """`sentry_sdk.init` with the Django and Celery integrations and the
    scrubbing below; the settings call it when `SENTRY_DSN` is set."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=_release(),
        traces_sample_rate=traces_sample_rate,
        # send_default_pii stays at its default, off (passing it is deprecated).
        include_local_variables=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(transaction_style="url"), CeleryIntegration()],
        before_send=scrubbed,
        before_send_transaction=scrubbed,
        before_breadcrumb=breadcrumb_scrubbed,
    )


def _release() -> str | None:
    try:
        return f"testimonials-service@{metadata.version('testimonials-service')}"
    except metadata.PackageNotFoundError:
        return None


def scrubbed(sent: "Event", hint: "Hint") -> "Event":
    """before_send and before_send_transaction: the event as it may leave."""
    event = cast(dict[str, Any], sent)
    exc_info = hint.get("exc_info") if hint else None
    _scrub_exceptions(event, exc_info[1] if exc_info else None)
    _scrub_request(event)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    extra = event.pop("extra", None) or {}
    job = extra.get("celery-job")
    if isinstance(job, dict) and "task_name" in job:
        event["extra"] = {"celery-job": {"task_name": job["task_name"]}}
    crumbs = event.get("breadcrumbs")
    if isinstance(crumbs, dict) and isinstance(crumbs.get("values"), list):
        crumbs["values"] = [_crumb_scrubbed(crumb) for crumb in crumbs["values"]]
    for span in event.get("spans") or []:
        _scrub_span(span)
    trace = (event.get("contexts") or {}).get("trace")
    if isinstance(trace, dict):
        _scrub_span(trace)
    return sent


def breadcrumb_scrubbed(crumb: "Breadcrumb", hint: "BreadcrumbHint") -> "Breadcrumb":
    """before_breadcrumb: `_crumb_scrubbed`."""
    return _crumb_scrubbed(crumb)


def _crumb_scrubbed(crumb: dict[str, Any]) -> dict[str, Any]:
    """What happened, when, how it went: a log line's or a query's text may
    quote a patient, and its own log line says it already."""
    kept: dict[str, Any] = {
        key: crumb[key] for key in ("type", "category", "level", "timestamp") if key in crumb
    }
    data = crumb.get("data")
    if isinstance(data, dict):
        kept["data"] = {key: value for key, value in data.items() if key in SAFE_DATA}
    return kept


def _scrub_exceptions(event: dict[str, Any], raised: BaseException | None) -> None:
    values = (event.get("exception") or {}).get("values") or []
    # Sentry lists the chain causes first, as Python prints it.
    chain = list(reversed(log.exception_chain(raised)))
    for position, value in enumerate(values):
        exc = chain[position] if len(chain) == len(values) else None
        safe = exc is not None and type(exc).__name__ == value.get("type")
        if value.get("value") and not (safe and exc is not None and log.message_is_safe(exc)):
            value["value"] = log.WITHHELD
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def _scrub_request(event: dict[str, Any]) -> None:
    request = event.get("request")
    if not isinstance(request, dict):
        return
    route = None
    if request.get("url"):
        from config.metrics import route_of_path

        route = f"<{route_of_path(urlsplit(request['url']).path or '/')}>"
    headers = request.get("headers") or {}
    event["request"] = {
        key: value
        for key, value in {
            "method": request.get("method"),
            "url": route,
            "headers": {
                name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS
            },
        }.items()
        if value
    }
    if route is not None:
        event["transaction"] = route
        event["transaction_info"] = {"source": "route"}


def _scrub_span(span: dict[str, Any]) -> None:
    data = span.get("data")
    if isinstance(data, dict):
        span["data"] = {key: value for key, value in data.items() if key in SAFE_DATA}
    description = span.get("description")
    if isinstance(description, str) and span.get("op") == "http.client":
        method, _, url = description.partition(" ")
        parts = urlsplit(url)
        span["description"] = (
            f"{method} {parts.scheme}://{parts.netloc}" if parts.netloc else method
        )
