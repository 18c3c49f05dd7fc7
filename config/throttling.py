"""Throttles that fail open: when the cache that counts requests is down,
requests are let through (and logged) rather than refused, so that a Redis
outage never stops a patient submitting or a moderator deciding."""

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)


class FailOpenThrottleMixin(BaseThrottle):
    """Mix in before a DRF throttle class: `class T(FailOpenThrottleMixin, AnonRateThrottle)`."""

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))
        except Exception as exc:
            # Never the client's address: that is personal data.
            logger.warning(
                "throttle %s let a request through: its cache failed (%s)",
                type(self).__name__,
                type(exc).__name__,
            )
            return True
