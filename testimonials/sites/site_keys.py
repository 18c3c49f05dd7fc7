"""Sites' API keys: issuing, rotating and revoking them, how they are
stored (a hash) and how a request's key finds its site."""

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils import timezone

from config.security import secret_digest
from testimonials.models import (
    Channel,
    Location,
    Organisation,
    Site,
)

# --- Sites ------------------------------------------------------------------


def site_for_key(*, key: str) -> Site | None:
    """The active site this API key belongs to, or None."""
    return Site.objects.filter(key_hash=secret_digest(key), revoked_at=None).first()


logger = logging.getLogger(__name__)


# --- Sites and their API keys -------------------------------------------------

SITE_KEY_PREFIX = "tsk_"


@dataclass(frozen=True)
class IssuedKey:
    """A site and its new API key: the only time the key exists in clear."""

    site: Site
    key: str


def _new_site_key() -> tuple[str, dict[str, Any]]:
    key = SITE_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, {
        "key_prefix": key[:12],
        "key_hash": secret_digest(key),
        "key_issued_at": timezone.now(),
    }


def site_create(
    *,
    name: str,
    allowed_origins: str = "",
    channel: str = Channel.PARTNERS,
    organisation: Organisation | None = None,
    location: Location | None = None,
) -> IssuedKey:
    """Register a website and issue its API key. The key is returned, never
    stored: show it to the admin once. `channel` decides which stories it
    reads: a partner's, or (for the clinic's own site) the clinic's; and
    `organisation` (default: the location's, or the installation's only
    one) and `location` (default: every location of the organisation)
    whose."""
    key, key_fields = _new_site_key()
    places: dict[str, Any] = {}
    if location is not None:
        places = {"location": location, "organisation_id": location.organisation_id}
    if organisation is not None:
        places["organisation"] = organisation
    site = Site(
        name=name.strip(),
        allowed_origins=allowed_origins.strip(),
        channel=channel,
        **places,
        **key_fields,
    )
    site.full_clean()
    site.save()
    logger.info("site id=%s registered", site.pk)
    return IssuedKey(site=site, key=key)


def site_key_rotate(*, site: Site) -> IssuedKey:
    """Issue a new key for a site; the old one stops working at once. Lifts
    a revocation."""
    key, key_fields = _new_site_key()
    Site.objects.filter(pk=site.pk).update(revoked_at=None, **key_fields)
    site.refresh_from_db()
    logger.info("site id=%s key rotated", site.pk)
    return IssuedKey(site=site, key=key)


def site_revoke(*, site: Site) -> Site:
    """The site's key stops working at once and its webhooks fall silent.
    Idempotent."""
    Site.objects.filter(pk=site.pk, revoked_at=None).update(revoked_at=timezone.now())
    site.refresh_from_db()
    logger.info("site id=%s revoked", site.pk)
    return site


def site_usage_record(*, site: Site) -> None:
    """Count one keyed request (an UPDATE with F(): no lost increments)."""
    Site.objects.filter(pk=site.pk).update(
        request_count=F("request_count") + 1, last_used_at=timezone.now()
    )
