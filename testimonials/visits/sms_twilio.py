"""Texts through Twilio's Messages API, with Twilio's own SDK, behind the
`SmsBackend` interface (`SMS_BACKEND=testimonials.visits.sms_twilio.TwilioBackend`).

Each text is sent from its location's sender (`sms.sender_for`) and asks
Twilio to post its delivery receipts to `/api/v1/sms/status/` under
`PUBLIC_BASE_URL`. Failures are sorted for the send task: a timeout, a
lost connection, a 5xx, a 429 (with its Retry-After) or our own account's
trouble (401, 403, 404) is `SmsTemporaryFailure`, tried again later; any
other 4xx is the text's own (Twilio's 21211, an invalid number) and
`SmsRejected`, never tried again.

`TWILIO_API_BASE_URL` sends the SDK's calls to another origin: a local
server imitating the Messages API in tests and development."""

import email.utils
import time
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from testimonials.visits.sms import SmsRejected, SmsTemporaryFailure, TextMessage

# Statuses that mean the account, not the text, is wrong: fix it, then the
# texts go out.
ACCOUNT_TROUBLE = {401, 403, 404, 408}
# Longest Retry-After honoured; a longer one is waited for in several steps.
RETRY_AFTER_CAP_SECONDS = 3600.0


class LocalTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's HTTP client with a timeout, an optional other origin
    (`api_base_url`), the last answer's Retry-After kept, and the SDK's
    request log silenced (ids and headers only, but noise in ours)."""

    def __init__(self, *, timeout: float, api_base_url: str = "") -> None:
        super().__init__(timeout=timeout)
        self.api_base_url = api_base_url
        self.retry_after: float | None = None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        self.retry_after = None
        if self.api_base_url:
            base = urlsplit(self.api_base_url)
            url = urlunsplit(urlsplit(url)._replace(scheme=base.scheme, netloc=base.netloc))
        response = super().request(method, url, *args, **kwargs)
        self.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return response

    def log_request(self, kwargs: dict[str, Any]) -> None:
        pass

    def log_response(self, status_code: int, response: Any) -> None:
        pass


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), RETRY_AFTER_CAP_SECONDS))


def status_callback_url(reference: str = "") -> str:
    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("sms-status")
    return f"{url}?{urlencode({'text': reference})}" if reference else url


class TwilioBackend:
    def __init__(self) -> None:
        self.http_client = LocalTwilioHttpClient(
            timeout=settings.TWILIO_TIMEOUT, api_base_url=settings.TWILIO_API_BASE_URL
        )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=self.http_client
        )

    def send(self, message: TextMessage) -> str:
        # Exceptions are raised anew with the reason's type or code only:
        # the SDK's and requests' messages quote the URL and the answer,
        # which may carry the number.
        try:
            sent = self.client.messages.create(
                to=message.to,
                from_=message.sender,
                body=message.body,
                status_callback=status_callback_url(message.reference),
            )
        except requests.RequestException as exc:
            raise SmsTemporaryFailure(type(exc).__name__) from None
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500 or exc.status in ACCOUNT_TROUBLE:
                raise SmsTemporaryFailure(
                    f"HTTP {exc.status}", retry_after=self.http_client.retry_after
                ) from None
            raise SmsRejected(str(exc.code or exc.status)) from None
        return str(sent.sid)


def active() -> bool:
    """Whether texts go through Twilio (then Twilio signs its callbacks)."""
    if not settings.SMS_BACKEND:
        return False
    backend_class = import_string(settings.SMS_BACKEND)
    return isinstance(backend_class, type) and issubclass(backend_class, TwilioBackend)


def signature_valid(*, path: str, params: dict[str, str], signature: str) -> bool:
    """Whether `X-Twilio-Signature` signs this callback: Twilio signs the URL
    it was given (under `PUBLIC_BASE_URL`, whatever proxies did to the
    request's host) and the posted form fields, with the auth token."""
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    url = settings.PUBLIC_BASE_URL.rstrip("/") + path
    return bool(RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, params, signature))
