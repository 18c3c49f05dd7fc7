"""Patients who asked not to be asked again, per organisation, by the hash
of the email or phone they asked from; and the unsubscribe link every
invitation email carries (first-party, one click, it never expires)."""

import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from testimonials.models import OptOutSource, PatientOptOut
from testimonials.visits import contacts

logger = logging.getLogger(__name__)

_UNSUBSCRIBE_SALT = "testimonials.visits.unsubscribe"


def opted_out(organisation_id: int, hashes: list[str]) -> bool:
    """Whether any of these contact hashes opted out of this organisation's asks."""
    return (
        bool(hashes)
        and PatientOptOut.objects.filter(
            organisation_id=organisation_id, contact_hash__in=hashes
        ).exists()
    )


def email_opted_out(organisation_id: int, email: str) -> bool:
    return opted_out(organisation_id, [contacts.contact_hash(organisation_id, email.lower())])


def opt_out_record(*, organisation_id: int, contact_hash: str, source: OptOutSource) -> bool:
    """Record an opt-out; returns whether it is new. Idempotent."""
    try:
        with transaction.atomic():
            PatientOptOut.objects.create(
                organisation_id=organisation_id, contact_hash=contact_hash, source=source
            )
    except IntegrityError:
        return False
    logger.info("opt-out recorded organisation=%s source=%s", organisation_id, source)
    return True


def unsubscribe_token(organisation_id: int, email: str) -> str:
    """What the unsubscribe link carries: the organisation and the address's
    hash, signed; never the address."""
    contact_hash = contacts.contact_hash(organisation_id, email.strip().lower())
    return signing.dumps({"o": organisation_id, "h": contact_hash}, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_url(organisation_id: int, email: str) -> str:
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token(organisation_id, email)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _unsubscribe_target(token: str) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
        return int(value["o"]), str(value["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_token_valid(token: str) -> bool:
    return _unsubscribe_target(token) is not None


def unsubscribe_with_token(token: str) -> bool:
    """Opt out the address the token names; False for an altered token."""
    target = _unsubscribe_target(token)
    if target is None:
        return False
    organisation_id, contact_hash = target
    opt_out_record(
        organisation_id=organisation_id, contact_hash=contact_hash, source=OptOutSource.LINK
    )
    return True
