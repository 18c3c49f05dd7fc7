"""Practice systems' integration keys: issuing one (the only time it exists
in clear), finding the key a request carries, recording its use, revoking
it. The same rules as the sites' keys (`testimonials.sites.site_keys`)."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from config.security import secret_digest
from testimonials.errors import FieldErrors
from testimonials.models import IntegrationKey, Location, Organisation

logger = logging.getLogger(__name__)

# Tells a practice system's key apart from a site's (`tsk_`) and a
# moderator's (`tmk_`) in a config file.
KEY_PREFIX = "tik_"
# last_used_at is written at most this often per key, not on every visit.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedIntegrationKey:
    integration_key: IntegrationKey
    key: str


def integration_key_create(
    *, organisation_slug: str = "", location_slug: str = "", name: str = ""
) -> IssuedIntegrationKey:
    """A new key for a location (then for its organisation's visits at that
    location only) or for an organisation (any of its locations). With
    neither, the installation's only organisation. Refuses (`FieldErrors`)
    an unknown slug, a location of another organisation, or a choice when
    there are several organisations."""
    location = None
    if location_slug:
        location = (
            Location.objects.select_related("organisation").filter(slug=location_slug).first()
        )
        if location is None:
            raise FieldErrors({"location": [gettext("No location with this slug.")]})
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise FieldErrors({"organisation": [gettext("No organisation with this slug.")]})
        if location is not None and location.organisation_id != organisation.pk:
            raise FieldErrors(
                {"location": [gettext("This location belongs to another organisation.")]}
            )
    elif location is not None:
        organisation = location.organisation
    else:
        organisations = list(Organisation.objects.order_by("pk")[:2])
        if len(organisations) != 1:
            raise FieldErrors({"organisation": [gettext("Name the organisation or the location.")]})
        organisation = organisations[0]
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    integration_key = IntegrationKey.objects.create(
        organisation=organisation,
        location=location,
        name=name.strip() or (location.name if location else organisation.name),
        key_prefix=key[:12],
        key_hash=secret_digest(key),
    )
    logger.info("integration key id=%s issued", integration_key.pk)
    return IssuedIntegrationKey(integration_key=integration_key, key=key)


def integration_key_for(key: str) -> IntegrationKey | None:
    """The unrevoked key this secret is, or None."""
    return (
        IntegrationKey.objects.select_related("organisation", "location")
        .filter(key_hash=secret_digest(key), revoked_at=None)
        .first()
    )


def integration_key_used(integration_key: IntegrationKey) -> None:
    now = timezone.now()
    IntegrationKey.objects.filter(pk=integration_key.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)


def integration_key_revoke(*, integration_key: IntegrationKey) -> bool:
    """It stops working at once. Idempotent: returns whether it was in use
    until now (False: it was revoked already)."""
    revoked = IntegrationKey.objects.filter(pk=integration_key.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if revoked:
        logger.info("integration key id=%s revoked", integration_key.pk)
    return bool(revoked)


def integration_keys_with_prefix(prefix: str) -> list[IntegrationKey]:
    """The keys whose shown prefix starts with `prefix` (as the admin and
    `create_integration_key` show it, with or without its "…")."""
    wanted = prefix.strip().rstrip("…").rstrip(".")
    if not wanted:
        return []
    return list(
        IntegrationKey.objects.select_related("organisation", "location")
        .filter(key_prefix__startswith=wanted)
        .order_by("pk")
    )
