"""Error answers outside Django REST framework's views, in the API's shape.

Paths under `/api/` answer JSON (`{"detail", "code"}`, like
`config.exceptions`); everything else answers a small HTML page. None of
these touches the database, so they still render while it is down.
"""

import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults

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
