"""Who is asking: the client address, and the key every counter (throttles,
sign-in lockouts) files it under, by the same rule everywhere."""

import hashlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address behind `TRUSTED_PROXY_COUNT` reverse proxies.

    With no trusted proxy the socket address, whatever `X-Forwarded-For`
    says; behind N proxies, the Nth address from the right of that header
    (the one our outermost proxy saw), so a client cannot choose its own
    address by sending the header. An IPv4-mapped IPv6 address
    (`::ffff:192.0.2.1`, from a dual-stack socket) is the IPv4 address it
    carries. Anything that is not an address comes back as it is.
    """
    remote_addr = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    address = remote_addr
    if proxies > 0 and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            address = addresses[-min(proxies, len(addresses))]
    parsed = _parsed(address)
    return str(parsed) if parsed is not None else address


def client_key(request: HttpRequest) -> str:
    """What a throttle or a lockout counts this client as: an IPv4 address
    as it is; an IPv6 address by its network of `THROTTLE_IPV6_PREFIX` bits
    (a /64 by default), written as that network's first address.

    One home or one server is handed a whole /64 and can send from any of
    its 2^64 addresses; counted one by one, each address would get a budget
    of its own."""
    address = client_ip(request)
    parsed = _parsed(address)
    if not isinstance(parsed, ipaddress.IPv6Address):
        return address
    prefix = int(settings.THROTTLE_IPV6_PREFIX)
    return str(ipaddress.IPv6Network((parsed, prefix), strict=False).network_address)


def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def secret_digest(secret: str) -> str:
    """How a random secret we issue (a site's API key, a moderator's API
    token) is stored: its SHA-256. It is 256 random bits, so a slow password
    hash would add latency and no safety; the digest finds it in one
    indexed lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()
