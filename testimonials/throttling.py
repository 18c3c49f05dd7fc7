"""Who may ask how often: submissions per client IP, public reads per client
IP without a key and per site with one."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from config.throttling import FailOpenThrottleMixin
from testimonials.models import Site

# Each throttle fails open: with its cache (Redis) down, requests go through
# rather than a patient or a reader being refused (config/throttling.py).


class SubmitThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Submissions per client IP, at `SUBMIT_THROTTLE_RATE`, signed in or not.
    The API and the share page spend the same budget."""

    scope = "submit"

    def get_rate(self) -> str:
        return str(settings.SUBMIT_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def submit_throttle_wait(request: HttpRequest) -> float | None:
    """For the share page: spend one submission from this IP's budget, or
    say how many seconds to wait."""
    throttle = SubmitThrottle()
    if throttle.allow_request(Request(request), APIView()):
        return None
    return throttle.wait() or 1.0


class PublicAnonThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Public reads without a key, per client IP (`PUBLIC_API_ANON_RATE`)."""

    scope = "public-anon"

    def get_rate(self) -> str:
        return str(settings.PUBLIC_API_ANON_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, Site):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SiteThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Public reads with a site's key, per site (`PUBLIC_API_SITE_RATE`)."""

    scope = "public-site"

    def get_rate(self) -> str:
        return str(settings.PUBLIC_API_SITE_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, Site):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


PUBLIC_THROTTLES = [PublicAnonThrottle, SiteThrottle]
