"""Every route the site answers, read from the URL resolver, for the tests
that must cover them all (the access matrix, CSRF)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.views import APIView

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    """One URL pattern, as the resolver spells it ("api/v1/.../<uuid:public_id>/approve")."""

    route: str
    name: str
    view: Callable[..., Any]

    @property
    def api_view(self) -> type[APIView] | None:
        view_class = getattr(self.view, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return view_class
        return None

    @property
    def is_api(self) -> bool:
        return self.api_view is not None or self.route.startswith("api/")

    @property
    def unsafe_methods(self) -> list[str]:
        """The unsafe methods the API view answers (a page's are not declared)."""
        view_class = self.api_view
        return [m for m in UNSAFE if view_class is not None and hasattr(view_class, m.lower())]

    @property
    def schema_path(self) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.route)

    def __str__(self) -> str:
        return self.name


def _walk(patterns: list[Any], prefix: str = "") -> list[Route]:
    found: list[Route] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern).removeprefix("^"))
        elif isinstance(pattern, URLPattern):
            # As `resolve()` spells it: without a regular expression's "^".
            route = prefix + str(pattern.pattern).removeprefix("^")
            found.append(Route(route, pattern.name or route, pattern.callback))
    return found


# The email provider's delivery webhooks (django-anymail, one per provider):
# posted by the provider, so without a session or CSRF token by design, and
# refused without the basic-auth secret (tests/testimonials/test_delivery_events.py).
PROVIDER_WEBHOOKS = "anymail/"


def all_routes() -> list[Route]:
    return [
        route
        for route in _walk(get_resolver().url_patterns)
        if not route.route.startswith(PROVIDER_WEBHOOKS)
    ]


def route_of(path: str) -> str:
    """The route a path resolves to, spelt as `Route.route` spells it."""
    return str(resolve(path.split("?")[0]).route)
