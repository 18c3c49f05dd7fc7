"""Middleware that keeps answers honest when a dependency or a client
misbehaves: a database that is down is a `503` with `Retry-After` on every
path (not only the API's), and an oversized request body a clear `413`."""

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import got_request_exception, setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

from config.errors import DATABASE_ERRORS, database_unavailable, error_response

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("config.access")

_UNAVAILABLE_MARK = "_database_unavailable"


def _mark_database_errors(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django sends this inside the `except` of an exception no view caught
    # (one raised by a middleware, such as saving the session).
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _UNAVAILABLE_MARK, True)


got_request_exception.connect(_mark_database_errors, dispatch_uid="database-unavailable")


class DatabaseUnavailableMiddleware:
    """A database error anywhere in the request becomes a `503` with
    `Retry-After`, JSON under `/api/` and HTML elsewhere, never a `500`
    or a traceback (not even with DEBUG on). Place it near the top, under
    the middleware that only adds headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _UNAVAILABLE_MARK, False) and response.status_code >= 500:
            return database_unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable: %s", type(exception).__name__)
            return database_unavailable(request)
        return None


class ProbeMiddleware:
    """`/healthz` and `/readyz` answer whatever Host the probe sends: a
    container's healthcheck or a kubelet asks by address (127.0.0.1, the
    pod's IP), not by the name DJANGO_ALLOWED_HOSTS lists. Placed before
    anything that validates the host (CommonMiddleware); the probes build no
    URL from the host, so nothing else skips the check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from config import health

        probe = {"/healthz": health.healthz, "/readyz": health.readyz}.get(request.path_info)
        # Only what a probe sends: anything else takes the usual way (host
        # check, CSRF, the view's own refusal of other methods).
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class ClinicTimeZoneMiddleware:
    """Times in the admin are the clinic's (`CLINIC_TIME_ZONE`): its lists,
    forms, filters and review pages. The API and the public pages keep UTC,
    the API's documented zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        with timezone.override(settings.CLINIC_TIME_ZONE):
            return self.get_response(request)


# The paths that take files: the API's submit and the share page (`/share/{topic}/`).
MEDIA_UPLOAD_PATH = "/api/v1/testimonials/"
# The admin's CSV uploads check their own size (a day's visits 512 KB, places
# 2 MB) and say so on the page; the body carries the file and the form around it.
ADMIN_UPLOAD_MAX_BYTES = 3 * 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes with `413`
    before anything reads it. Django checks that limit only when a form reads
    `request.body`; REST framework's parsers read the stream and would not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data" and (
            request.path == MEDIA_UPLOAD_PATH or request.path.startswith("/share/")
        ):
            # A story with its photo and video: each file has its own limit.
            limit = settings.MEDIA_MAX_PHOTO_BYTES + settings.MEDIA_MAX_VIDEO_BYTES + 1024 * 1024
        elif request.content_type == "multipart/form-data" and request.path.startswith("/admin/"):
            limit = max(limit or 0, ADMIN_UPLOAD_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return error_response(
                request,
                status=413,
                code="request_too_large",
                detail=f"The request body is larger than {limit} bytes.",
                max_bytes=limit,
            )
        return self.get_response(request)


class RequestObservabilityMiddleware:
    """Outermost: gives the request its id (a sane `X-Request-ID`, or a new
    one) for every log line it causes and every task it enqueues, answers
    with that id, counts and times the answer by route, and logs one line
    for it: method, route name, status, milliseconds. Never the path, which
    may hold a patient's secret link."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from config import log, metrics

        request_id = log.request_id_from(request.headers.get(log.REQUEST_ID_HEADER))
        token = log.request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = metrics.request_observed(request, response.status_code, seconds)
            response[log.REQUEST_ID_HEADER] = request_id
            access_logger.info(
                "%s %s %s %.1fms",
                request.method,
                route,
                response.status_code,
                seconds * 1000,
                extra={"route": route, "status": response.status_code},
            )
            return response
        finally:
            log.request_id.reset(token)


# What a view or a nonce can change about a response's policy (django-csp's
# decorators and `request.csp_nonce`).
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class SettingsPolicyCSPMiddleware(CSPMiddleware):
    """django-csp, with the policy from the settings built once per process.

    django-csp rebuilds the header string from the settings for every
    response, about a tenth of the CPU of a cached public answer. Here no
    view changes the policy and no page uses a nonce, so every response gets
    the same string; anything else (a decorator, a nonce, a report-only
    policy, excluded prefixes, DEBUG's error pages) takes django-csp's own
    path unchanged."""

    _settings_policy: str | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._settings_policy_applies(request, response):
            return super().process_response(request, response)
        policy = self._policy_from_settings()
        if policy and CSP_HEADER not in response:
            response[CSP_HEADER] = policy
        # As django-csp does: a nonce asked for after the header is written
        # would not be in it, so asking is an error from now on.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _settings_policy_applies(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return False
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return False
        if (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return False
        return not any(getattr(response, name, None) for name in _PER_RESPONSE_POLICY)

    @classmethod
    def _policy_from_settings(cls) -> str:
        if cls._settings_policy is None:
            cls._settings_policy = build_policy()
        return cls._settings_policy


def _forget_settings_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        SettingsPolicyCSPMiddleware._settings_policy = None


setting_changed.connect(_forget_settings_policy, dispatch_uid="csp-settings-policy")
