"""The identity provider's endpoints: each `OIDC_OP_*` setting that is set,
else the provider's discovery document (`OIDC_OP_DISCOVERY_URL`, its
`/.well-known/openid-configuration`), read once and kept in the cache for
`OIDC_DISCOVERY_CACHE_SECONDS`. The document must name the issuer that the
discovery address belongs to (OpenID Connect Discovery 1.0, 4.3), or none
of it is used."""

import hashlib
import logging
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"

# Our setting: the discovery document's field.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_URL": "end_session_endpoint",
}


class ProviderUnreachable(Exception):
    """The discovery document could not be read, or named another issuer."""


def expected_issuer() -> str:
    """The issuer the discovery address belongs to."""
    return str(settings.OIDC_OP_DISCOVERY_URL).removesuffix(WELL_KNOWN).rstrip("/")


def _cache_key() -> str:
    address = str(settings.OIDC_OP_DISCOVERY_URL).encode()
    return f"oidc-discovery:{hashlib.sha256(address).hexdigest()[:32]}"


def _fetch() -> dict[str, str]:
    url = settings.OIDC_OP_DISCOVERY_URL
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document: Any = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.error(
            "identity provider discovery failed: %s could not be read (%s)",
            url,
            type(error).__name__,
        )
        raise ProviderUnreachable(url) from error
    issuer = document.get("issuer") if isinstance(document, dict) else None
    if issuer != expected_issuer():
        logger.error(
            "identity provider discovery refused: %s names the issuer %r, not %r",
            url,
            issuer,
            expected_issuer(),
        )
        raise ProviderUnreachable(url)
    return {
        field: str(document[field])
        for field in [*ENDPOINTS.values(), "issuer"]
        if document.get(field)
    }


def provider_configuration() -> dict[str, str]:
    """The discovery document's endpoints; empty while discovery is off."""
    if not settings.OIDC_OP_DISCOVERY_URL:
        return {}
    key = _cache_key()
    found: dict[str, str] | None = cache.get(key)
    if found is None:
        found = _fetch()
        cache.set(key, found, timeout=settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return found


def endpoint(name: str) -> str:
    """One `OIDC_OP_*` endpoint: the setting when set, else discovered ("" if
    neither). Raises ProviderUnreachable when it must be discovered and cannot."""
    explicit = str(getattr(settings, name, "") or "")
    if explicit:
        return explicit
    return provider_configuration().get(ENDPOINTS[name], "")
