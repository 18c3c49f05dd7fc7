"""What every throttle of ours shares: it counts a client by
`config.security.client_key` (the trusted-proxy rule, IPv6 by its /64), and
it fails open: when the cache that counts requests is down, requests are
let through (and logged) rather than refused, so that a Redis outage never
stops a patient submitting or a moderator deciding."""

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from config.security import client_key

logger = logging.getLogger(__name__)


class FailOpenThrottleMixin(BaseThrottle):
    """Mix in before a DRF throttle class: `class T(FailOpenThrottleMixin, AnonRateThrottle)`."""

    def get_ident(self, request: Any) -> str:
        # REST framework's own rule trusts NUM_PROXIES alike but keys every
        # IPv6 address apart; django-axes uses client_key too.
        return client_key(request)

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
