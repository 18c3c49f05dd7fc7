"""Websites identify themselves with their site's API key."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from testimonials.models import Site
from testimonials.sites import site_keys

KEYWORD = "Api-Key"


class SiteKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key KEY` or `X-Api-Key: KEY`.

    No key: anonymous (throttled per IP). A wrong or revoked key: 401. A key
    sent by a browser from an origin the site did not list: 403. A good key
    makes `request.auth` the `Site` and counts the request."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Site] | None:
        key = self._key(request)
        if key is None:
            return None
        site = site_keys.site_for_key(key=key)
        if site is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        origin = request.headers.get("Origin")
        if origin and origin.rstrip("/") not in site.origins():
            raise exceptions.PermissionDenied("This API key may not be used from this origin.")
        site_keys.site_usage_record(site=site)
        return AnonymousUser(), site

    def _key(self, request: Request) -> str | None:
        header = request.headers.get("X-Api-Key", "").strip()
        if header:
            return header
        words = get_authorization_header(request).split()
        if len(words) == 2 and words[0].decode("latin-1").lower() == KEYWORD.lower():
            return words[1].decode("latin-1")
        return None

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class SiteKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "testimonials.sites.authentication.SiteKeyAuthentication"
    name = ["siteKey", "siteKeyAuthorization"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return [{"siteKey": []}, {"siteKeyAuthorization": []}]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, str]]:
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Api-Key",
                "description": "A site's API key (optional: without one, reads are "
                "throttled per client IP).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The same key as `Api-Key KEY`.",
            },
        ]
