"""`Authorization: Integration-Key KEY`: a practice system sending visits.

The key opens the visits endpoints (`POST /api/v1/visits/` and its FHIR
twin `POST /api/v1/fhir/Encounter`) and nothing else: the endpoint reads no
other credential (a site's key or a moderator's token gets a 401 there),
and `IntegrationKeyElsewhereMiddleware` refuses the key on every other
path, so a key leaked from a practice system reads no story and moderates
nothing."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from config.errors import error_response
from testimonials.models import IntegrationKey
from testimonials.visits import integration_keys

KEYWORD = "Integration-Key"


def _presented_key(authorization: str) -> str | None:
    """The key in an `Integration-Key KEY` header, "" when the keyword
    comes without a key, None for any other header."""
    words = authorization.split()
    if not words or words[0].lower() != KEYWORD.lower():
        return None
    return words[1] if len(words) == 2 else ""


class IntegrationKeyAuthentication(BaseAuthentication):
    """A good key makes `request.auth` the `IntegrationKey`; a wrong or
    revoked one is a 401; anything else is no credential at all (and
    `HasIntegrationKey` answers 401)."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, IntegrationKey] | None:
        key = _presented_key(request.headers.get("Authorization", ""))
        if key is None:
            return None
        integration_key = integration_keys.integration_key_for(key) if key else None
        if integration_key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked integration key.")
        integration_keys.integration_key_used(integration_key)
        return AnonymousUser(), integration_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class HasIntegrationKey(BasePermission):
    message = "An integration key is required: Authorization: Integration-Key KEY."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, IntegrationKey)


class IntegrationKeyElsewhereMiddleware:
    """An `Integration-Key` credential on any path but the visits endpoints
    is a 401, before any view sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        presented = _presented_key(request.headers.get("Authorization", ""))
        if presented is not None and request.path not in {
            reverse("visit-create"),
            reverse("fhir-encounter-create"),
        }:
            return error_response(
                request,
                status=401,
                code="not_authenticated",
                detail="An integration key is accepted only by the visits endpoint.",
                headers={"WWW-Authenticate": KEYWORD},
            )
        return self.get_response(request)


class IntegrationKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "testimonials.visits.authentication.IntegrationKeyAuthentication"
    name = "integrationKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A practice system's integration key, as `Integration-Key KEY` "
            "(`manage.py create_integration_key`); accepted by the visits endpoint only.",
        }
