"""Who may ask how often: submissions per client IP, public reads per client
IP without a key and per site with one."""

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from config.throttling import FailOpenThrottleMixin
from testimonials.models import Site
from testimonials.publishing import cache as public_cache

# Each throttle fails open: with its cache (Redis) down, requests go through
# rather than a patient or a reader being refused (config/throttling.py).


def submit_throttle_wait(request: HttpRequest) -> float | None:
    """For the share page: spend one submission from this IP's budget, or
    say how many seconds to wait."""
    throttle = SubmitThrottle()
    if throttle.allow_request(Request(request), APIView()):
        return None
    return throttle.wait() or 1.0


class FixedWindowThrottle(BaseThrottle):
    """At most N requests per window (`N/second|minute|hour|day`), counted
    with one increment per request. DRF's `SimpleRateThrottle` rewrites the
    list of every request's time on each request, which at the rates public
    reads run at costs more than the answer itself."""

    scope = ""

    def get_rate(self) -> str:
        raise NotImplementedError

    def ident_of(self, request: Any) -> str | None:
        raise NotImplementedError

    def counter(self, request: Any) -> tuple[str, int, int] | None:
        """The request's counter key, its limit and its window in seconds,
        or None when this throttle does not apply to the request."""
        ident = self.ident_of(request)
        if ident is None:
            return None
        limit, window = _parse_rate(self.get_rate())
        return f"throttle:{self.scope}:{ident}:{int(time.time() // window)}", limit, window

    def allow_request(self, request: Request, view: Any) -> bool:
        counter = self.counter(request)
        if counter is None:
            return True
        key, limit, window = counter
        self.window = window
        count = getattr(request, public_cache.COUNTED_ATTRIBUTE, None)
        if count is None:
            _, count = public_cache.hot_read([], counter=key, window=window)
        return bool(count is not None and count <= limit)

    def wait(self) -> float:
        window = getattr(self, "window", 60)
        return max(1.0, window - time.time() % window)


def _parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1]]


class SubmitThrottle(FailOpenThrottleMixin, FixedWindowThrottle):
    """Submissions per client IP, at `SUBMIT_THROTTLE_RATE`, signed in or not.
    The API and the share page spend the same budget."""

    scope = "submit"

    def get_rate(self) -> str:
        return str(settings.SUBMIT_THROTTLE_RATE)

    def ident_of(self, request: Any) -> str | None:
        return self.get_ident(request)


class PublicAnonThrottle(FailOpenThrottleMixin, FixedWindowThrottle):
    """Public reads without a key, per client IP (`PUBLIC_API_ANON_RATE`)."""

    scope = "public-anon"

    def get_rate(self) -> str:
        return str(settings.PUBLIC_API_ANON_RATE)

    def ident_of(self, request: Any) -> str | None:
        if isinstance(getattr(request, "auth", None), Site):
            return None
        return self.get_ident(request)


class SiteThrottle(FailOpenThrottleMixin, FixedWindowThrottle):
    """Public reads with a site's key, per site (`PUBLIC_API_SITE_RATE`)."""

    scope = "public-site"

    def get_rate(self) -> str:
        return str(settings.PUBLIC_API_SITE_RATE)

    def ident_of(self, request: Any) -> str | None:
        auth = getattr(request, "auth", None)
        return str(auth.pk) if isinstance(auth, Site) else None


def public_anon_counter(request: HttpRequest) -> tuple[str, int, int] | None:
    """For the published list's replay (`public_cache`), which counts
    anonymous reads before any REST framework machinery runs."""
    return PublicAnonThrottle().counter(request)


PUBLIC_THROTTLES = [PublicAnonThrottle, SiteThrottle]
