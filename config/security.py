"""Who is asking: the client address, the same rule for every counter."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address behind `TRUSTED_PROXY_COUNT` reverse proxies.

    With no trusted proxy the socket address, whatever `X-Forwarded-For`
    says; behind N proxies, the Nth address from the right of that header
    (the one our outermost proxy saw), so a client cannot choose its own
    address by sending the header. The same rule as REST framework's
    `NUM_PROXIES`, which the throttles use.
    """
    remote_addr = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]
