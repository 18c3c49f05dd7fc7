"""Sign-in lockouts with two limits: django-axes' own, per username and
address (`AXES_FAILURE_LIMIT`), and a higher one per username across every
address (`AXES_USERNAME_FAILURE_LIMIT`), so that guessing one moderator's
password from many addresses is not unlimited.

django-axes compares one count with one limit; its maintainers' answer for a
second limit is a handler of our own (jazzband/django-axes#661), which this
is: the same database rows, one more sum over them. Both lockouts answer the
same `429` page, for a known and an unknown username alike, and last until
no failure is younger than `AXES_COOLOFF_MINUTES`.
"""

import logging
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from config import metrics

logger = logging.getLogger(__name__)

_USERNAME_REFERENCE_SALT = "config.sign_in.username"


def username_reference(username: str) -> str:
    """A stand-in for a username in a log line: the same for the same name,
    useless without the secret key. The name itself is personal data."""
    return salted_hmac(_USERNAME_REFERENCE_SALT, username, algorithm="sha256").hexdigest()[:16]


def _recent_attempts(request: HttpRequest, username: str) -> Any:
    return AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )


def username_failures(request: HttpRequest, username: str) -> int:
    """Failed sign-ins with this username from every address within the
    cool-off, whether or not such an account exists."""
    total = _recent_attempts(request, username).aggregate(total=Sum("failures_since_start"))
    return int(total["total"] or 0)


class TwoLimitHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """`AXES_HANDLER`: axes' database handler, and locked as well when the
    username alone has failed `AXES_USERNAME_FAILURE_LIMIT` times."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_address = int(super().get_failures(request, credentials))
        username = get_client_username(request, credentials)
        if username is None:
            return per_address
        if username_failures(request, username) >= settings.AXES_USERNAME_FAILURE_LIMIT:
            # axes has one limit to compare with: report this lockout as it.
            return max(per_address, int(get_failure_limit(request, credentials)))
        return per_address

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        username = get_client_username(request, credentials) if request is not None else None
        if request is None or username is None:
            super().user_login_failed(sender, credentials, request, **kwargs)
            return
        pair_limit = int(get_failure_limit(request, credentials))
        username_limit = int(settings.AXES_USERNAME_FAILURE_LIMIT)
        pair_before = int(AxesDatabaseHandler.get_failures(self, request, credentials))
        username_before = username_failures(request, username)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if pair_before < pair_limit <= AxesDatabaseHandler.get_failures(self, request, credentials):
            metrics.sign_in_lockouts.labels(scope="address").inc()
        username_after = username_failures(request, username)
        if username_before < username_limit <= username_after:
            metrics.sign_in_lockouts.labels(scope="username").inc()
            addresses = (
                _recent_attempts(request, username)
                .aggregate(addresses=Count("ip_address", distinct=True))
                .get("addresses")
            )
            logger.warning(
                "sign-in locked for username ref=%s: %d failures from %d addresses within "
                "%d minutes (AXES_USERNAME_FAILURE_LIMIT=%d); it opens again once no "
                "failure is younger than that",
                username_reference(username),
                username_after,
                addresses or 0,
                int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                username_limit,
            )
