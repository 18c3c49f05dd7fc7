"""Error answers outside Django REST framework's views, in the API's shape.

Paths under `/api/` answer JSON (`{"detail", "code"}`, like
`config.exceptions`); everything else answers a small HTML page. None of
these touches the database, so they still render while it is down.

The report of an unhandled error (the email to `ADMINS`) is
`PrivateExceptionReporter`'s: frames and exception types, without what may
quote a patient.
"""

import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults
from django.views.debug import ExceptionReporter

from config import log

# Seconds a client should wait before retrying while the database is down.
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": detail, "code": code, **extra}, status=status
        )
    else:
        response = HttpResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(detail)}</title></head>"
            f"<body><h1>{escape(detail)}</h1></body></html>",
            status=status,
            content_type="text/html; charset=utf-8",
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response = error_response(
        request,
        status=503,
        code="unavailable",
        detail="The service is briefly unavailable; please retry.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return error_response(request, status=400, code="bad_request", detail="Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return error_response(
            request, status=403, code="permission_denied", detail="You may not do this."
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return error_response(request, status=404, code="not_found", detail="Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the `except` of an unhandled exception: a
    database that is down is a 503, anything else a 500 without details."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    if wants_json(request):
        return error_response(
            request, status=500, code="server_error", detail="Something went wrong on our side."
        )
    return defaults.server_error(request)


class PrivateExceptionReporter(ExceptionReporter):
    """`DEFAULT_EXCEPTION_REPORTER`: Django's report (the email to `ADMINS`)
    without the exceptions' messages (`config.log.message_is_safe` aside),
    the frames' variables, the form's and the query's values, or the path
    (a patient's link holds its secret): each may quote a patient. With
    `DEBUG` on (a developer's machine) it is Django's own."""

    def get_traceback_data(self) -> dict[str, Any]:
        data: dict[str, Any] = super().get_traceback_data()
        if settings.DEBUG:
            return data
        hidden = self.filter.cleansed_substitute
        if self.exc_value is not None and not log.message_is_safe(self.exc_value):
            data["exception_value"] = log.WITHHELD
        data.pop("exception_notes", None)
        data["unicode_hint"] = ""
        for frame in data["frames"]:
            frame["vars"] = [(name, hidden) for name, _ in frame.get("vars", [])]
            cause = frame.get("exc_cause")
            if cause is not None and not log.message_is_safe(cause):
                frame["exc_cause"] = f"{type(cause).__name__}: {log.WITHHELD}"
        data["filtered_POST_items"] = [(name, hidden) for name, _ in data["filtered_POST_items"]]
        if self.request is not None:
            from config.metrics import route_of

            data["request_GET_items"] = [(name, hidden) for name, _ in data["request_GET_items"]]
            data["request_insecure_uri"] = f"<{route_of(self.request)}>"
        return data
