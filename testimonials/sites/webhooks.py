"""Webhook mechanics: the signature, the address check, one HTTP POST.

No database here: `testimonials.sites.webhook_delivery` decides what to send and records
what happened. The signature is HMAC-SHA256 over `timestamp + "." + body`
with the endpoint's secret, sent as `X-Testimonials-Signature: t=…,v1=…`;
the timestamp lets receivers refuse replays.
"""

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings

SIGNATURE_HEADER = "X-Testimonials-Signature"
EVENT_HEADER = "X-Testimonials-Event"
DELIVERY_HEADER = "X-Testimonials-Delivery"
USER_AGENT = "testimonials-webhooks/1"
RESPONSE_READ_LIMIT = 4096


class UnsafeURL(ValueError):
    """A URL we will not send to: not http(s), or a private address."""


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    *, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """What a receiver does: the signature matches and is recent."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    # As bytes: compare_digest raises on a str with non-ASCII characters.
    return hmac.compare_digest(expected.encode(), fields.get("v1", "").encode())


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]


def check_address(address: str) -> None:
    """Refuse an address that is not on the public internet (loopback,
    private, link-local such as cloud metadata, reserved), unless a network
    in `WEBHOOK_ALLOWED_NETWORKS` holds it."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in network for network in _allowed_networks()):
        return
    if not ip.is_global or ip.is_multicast:
        raise UnsafeURL("The URL points at a private or reserved address.")


def resolve(url: str) -> tuple[str, int, list[str]]:
    """Check a webhook URL and resolve its host: (host, port, addresses).

    Every address the name resolves to must pass `check_address`; the POST
    then connects to one of these very addresses, so a name that resolves
    differently a second later (DNS rebinding) cannot redirect it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise UnsafeURL("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeURL("Put no credentials in the URL; receivers verify the signature instead.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURL("The URL's port is not a number.") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeURL("The URL's host does not resolve.") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        check_address(address)
    return parts.hostname, port, addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to `url`, following no redirect; returns the status code.

    Raises `UnsafeURL` for a URL we will not send to, `OSError` or
    `http.client.HTTPException` when the receiver cannot be reached."""
    host, port, addresses = resolve(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, port, address=addresses[0], timeout=timeout)
    else:
        connection = _PinnedHTTPConnection(host, port, address=addresses[0], timeout=timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_LIMIT)
        return response.status
    finally:
        connection.close()
