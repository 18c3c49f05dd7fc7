"""Anonymous reads of the hot public addresses take a shorter middleware
chain.

Websites pull the published list (and the widget its JSON) on every page
view, and probes ask `/healthz` every few seconds. Such a request carries no
cookie and no credential, so sessions, CSRF, authentication, one-time
passwords, messages, django-axes, the admin's time zone and the static
files' middleware have nothing to do for it; each still costs a call, a
lazy object or a header check. `PublicReadDispatchMiddleware`, first in
`MIDDLEWARE`, hands such a request to the same middleware list without
those (`SKIPPED_FOR_PUBLIC_READS`), in the same order, ending in Django's
own view handling. Everything that shapes the answer stays: the request id,
metrics and the access log, the security headers, CSP, CORS, the language
(Content-Language and Vary), the host check, conditional GET and
X-Frame-Options. Any other request takes the whole chain.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

DISPATCHER = "config.public_reads.PublicReadDispatchMiddleware"

# The hot public addresses: the published list (its 304 and the widget's
# `channel=widget` read included), the widget's script and the probes.
PUBLIC_READ_PATHS = frozenset({"/api/v1/published/", "/widget.js", "/healthz", "/readyz"})

SKIPPED_FOR_PUBLIC_READS = frozenset(
    {
        # Serves only /static/, never one of the addresses above.
        "whitenoise.middleware.WhiteNoiseMiddleware",
        # Acts only on an Authorization header, which a public read lacks.
        "testimonials.visits.authentication.IntegrationKeyElsewhereMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "config.middleware.ClinicTimeZoneMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)

# Any of these, not empty, makes a request someone's: it takes the whole
# chain. (Django's test client sends an empty Cookie header.)
_CREDENTIALS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def is_public_read(request: HttpRequest) -> bool:
    meta = request.META
    return (
        request.method in ("GET", "HEAD")
        and request.path_info in PUBLIC_READ_PATHS
        and not any(meta.get(name) for name in _CREDENTIALS)
    )


def public_read_middleware(middleware: list[str]) -> list[str]:
    """The chain a public read takes: `middleware` without the skipped ones
    (and without the dispatcher), in the same order."""
    return [name for name in middleware if name not in SKIPPED_FOR_PUBLIC_READS | {DISPATCHER}]


Chain = Callable[[HttpRequest], HttpResponseBase]


def build_chain(middleware: list[str]) -> Chain:
    """`middleware` around Django's view handling, as
    `BaseHandler.load_middleware` builds the whole chain (synchronous only,
    as this service is served)."""
    # The stubs leave out the private lists load_middleware fills.
    handler: Any = BaseHandler()
    handler._view_middleware = []
    handler._template_response_middleware = []
    handler._exception_middleware = []
    get_response: Any = convert_exception_to_response(handler._get_response)
    for path in reversed(middleware):
        factory = import_string(path)
        adapted = handler.adapt_method_mode(False, get_response, False)
        try:
            instance = factory(adapted)
        except MiddlewareNotUsed:
            continue
        if hasattr(instance, "process_view"):
            handler._view_middleware.insert(0, instance.process_view)
        if hasattr(instance, "process_template_response"):
            handler._template_response_middleware.append(instance.process_template_response)
        if hasattr(instance, "process_exception"):
            handler._exception_middleware.append(instance.process_exception)
        get_response = convert_exception_to_response(instance)
    chain: Chain = get_response
    return chain


class PublicReadDispatchMiddleware:
    """First in `MIDDLEWARE`: an anonymous GET of a hot public address goes
    down the shorter chain, anything else down the whole one."""

    def __init__(self, get_response: Chain) -> None:
        self.get_response = get_response
        self._public_chain: tuple[object, Chain] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_public_read(request):
            return self.get_response(request)
        return self._chain()(request)

    def _chain(self) -> Chain:
        # Built from the list in force: a test that overrides MIDDLEWARE
        # replaces the list object.
        middleware = settings.MIDDLEWARE
        if self._public_chain is None or self._public_chain[0] is not middleware:
            chain = build_chain(public_read_middleware(list(middleware)))
            self._public_chain = (middleware, chain)
        return self._public_chain[1]
