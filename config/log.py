"""Log lines for web, worker and beat: JSON or plain, each carrying the id
of the request (or the task) that wrote it.

The request id comes from a sane `X-Request-ID` header or is made up, goes
back in the response's header, rides in the headers of every Celery task
the request enqueues (never in the task's arguments) and is set again while
the worker runs that task, so one grep finds a story's way through web and
worker. Log lines carry ids, statuses and route names; never a patient's
name, email address or text (the test suite fails if one does).

A traceback keeps its frames and exception types but not their messages,
which may quote what was in scope (a database error's DETAIL holds the row's
values; `int("Maria")` names Maria): `exception_text`. Errors of the network
and the database connection keep theirs, which name a place, not a patient.
"""

import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from pythonjsonlogger import json as json_log
from pythonjsonlogger.core import RESERVED_ATTRS

REQUEST_ID_HEADER = "X-Request-ID"
# A task message's header, read back by the worker (see `task_started`).
TASK_HEADER = "request_id"

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header: str | None) -> str:
    """The caller's id when it looks like one (a proxy's or a client's, 8 to
    128 letters, digits and `._:-`), else a new one: a header is never
    allowed to put arbitrary text into our logs."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return new_request_id()


def add_request_context(record: logging.LogRecord) -> None:
    """Sets `request_id`, and `task_id` / `task_name` inside a Celery task, on
    a record; `context` is the same, ready for the plain format."""
    current = request_id.get()
    task_id = task_name = None
    try:
        from celery import current_task

        if current_task and current_task.request.id:
            task_id, task_name = current_task.request.id, current_task.name
    except Exception:  # noqa: S110 - a log line must never fail for its context
        pass
    record.request_id, record.task_id, record.task_name = current, task_id, task_name
    parts = [f"request_id={current}"] if current else []
    if task_id:
        parts.append(f"task={task_name}[{task_id}]")
    record.context = f" [{' '.join(parts)}]" if parts else ""


_plain_record_factory = logging.getLogRecordFactory()


def _record_with_context(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _plain_record_factory(*args, **kwargs)
    add_request_context(record)
    return record


def install_request_context() -> None:
    """Every record gets the context when it is made, so every handler (the
    console's, pytest's, Celery's) sees the same fields."""
    logging.setLogRecordFactory(_record_with_context)


class RequestPathFilter(logging.Filter):
    """django.request names the path of every 4xx and 5xx answer ("Not
    Found: /api/v1/testimonials/<id>/<secret>/"), and its record carries the
    request: a patient's links hold their secret. Both become the route's
    name, as on the access line."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if request is None or path is None:
            return True
        from config.metrics import route_of

        route = f"<{route_of(request)}>"
        if isinstance(record.args, tuple):
            record.args = tuple(
                route if isinstance(arg, str) and path in arg else arg for arg in record.args
            )
        record.request = f"{request.method} {route}"
        return True


# --- Tracebacks without the exceptions' messages -----------------------------

WITHHELD = "(message withheld: it may quote personal data)"
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class SafeMessageError(Exception):
    """An exception whose message we compose from types and places only
    (`ValueError at pii.py:42 in screen`), never from data: it is logged."""


def message_is_safe(exc: BaseException) -> bool:
    """A network or database-connection error names a host or a file; our
    own `SafeMessageError` names a type and a place. A Celery retry is as
    safe as the exception it retries with."""
    from celery.exceptions import Retry
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, Retry) and isinstance(exc.exc, BaseException):
        return message_is_safe(exc.exc)
    return isinstance(exc, SafeMessageError | OSError | OperationalError | InterfaceError)


def exception_chain(value: BaseException | None) -> list[BaseException]:
    """The exception and what led to it (its cause, else its context), the
    last raised first, as Python prints them in reverse."""
    chain: list[BaseException] = []
    while value is not None and all(value is not seen for seen in chain):
        chain.append(value)
        if value.__cause__ is not None:
            value = value.__cause__
        else:
            value = None if value.__suppress_context__ else value.__context__
    return chain


def exception_text(exc_info: ExcInfo | tuple[None, None, None]) -> str:
    """The traceback as Python prints it, causes first, with each
    exception's message withheld unless `message_is_safe`."""
    parts: list[str] = []
    for exc in reversed(exception_chain(exc_info[1])):
        if parts:
            parts.append("\nThe above exception led to the following one:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        name = (
            kind.__qualname__
            if kind.__module__ == "builtins"
            else f"{kind.__module__}.{kind.__qualname__}"
        )
        parts.append(f"{name}: {exc if message_is_safe(exc) else WITHHELD}\n")
    return "".join(parts).rstrip("\n")


class PlainFormatter(logging.Formatter):
    """The plain log line, its traceback by `exception_text`."""

    def formatException(self, ei: Any) -> str:
        return exception_text(ei)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback on the record.
        cached = record.exc_text
        if record.exc_info:
            record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


class JsonFormatter(json_log.JsonFormatter):
    """The JSON log line, its traceback by `exception_text`."""

    def formatException(self, ei: Any) -> str:
        return exception_text(ei)


class TaskFailureFilter(logging.Filter):
    """Celery's line for a failed or retried task ("Task x[id] raised
    unexpected: ValueError('...')") quotes the exception in its message
    and its `data`: the quote is withheld like a traceback's."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = record.args
        if not isinstance(context, dict) or "exc" not in context:
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not message_is_safe(exc):
            kind = type(exc).__name__ if exc is not None else "reason"
            context = {**context, "exc": f"{kind}: {WITHHELD}"}
            if record.exc_info:
                context["traceback"] = exception_text(record.exc_info)
            record.args = context
            if isinstance(getattr(record, "data", None), dict):
                record.data = context
        return True


JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(context)s"


def logging_config(*, level: str, log_format: str) -> dict[str, Any]:
    """The `LOGGING` dict: one console handler on the root logger, JSON
    (one object a line) or plain, both with the request context."""
    if log_format not in ("json", "plain"):
        raise ValueError(f"LOG_FORMAT must be json or plain, not {log_format!r}")
    install_request_context()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": "config.log.PlainFormatter", "format": PLAIN_FORMAT},
            "json": {
                "()": "config.log.JsonFormatter",
                "format": JSON_FIELDS,
                "rename_fields": {
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                    "process": "pid",
                },
                # `context` is the plain format's; JSON has the fields themselves.
                "reserved_attrs": [*RESERVED_ATTRS, "context"],
                "timestamp": False,
            },
        },
        "filters": {
            "request_path": {"()": "config.log.RequestPathFilter"},
            "task_failure": {"()": "config.log.TaskFailureFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # SQL with its parameters (a story's text) at DEBUG: never.
            "django.db.backends": {"level": "WARNING"},
            # Pillow logs a photo's EXIF tags (a camera, a GPS position) at DEBUG: never.
            "PIL": {"level": "WARNING"},
            # The S3 client logs requests, object keys and bodies' progress at DEBUG: never.
            "botocore": {"level": "WARNING"},
            "boto3": {"level": "WARNING"},
            "s3transfer": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
            "django.request": {"filters": ["request_path"]},
            "celery.app.trace": {"filters": ["task_failure"]},
        },
    }


# --- Celery: the request id across the broker ------------------------------


def task_published(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: the current request's (or task's) id goes along;
    a task sent from beat or a shell gets an id of its own."""
    if headers is not None:
        headers.setdefault(TASK_HEADER, request_id.get() or new_request_id())


def task_started(task: Any = None, **kwargs: Any) -> None:
    """task_prerun: the task's log lines, and the tasks it sends, carry it."""
    header = getattr(task.request, TASK_HEADER, None) if task is not None else None
    request_id.set(request_id_from(header if isinstance(header, str) else None))


def task_finished(**kwargs: Any) -> None:
    """task_postrun: a pool process runs the next task with a clean slate."""
    request_id.set(None)


def configure_celery_logging(**kwargs: Any) -> None:
    """setup_logging: Celery leaves logging alone and Django's LOGGING rules
    the worker and beat too (JSON or plain, the same request context)."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
