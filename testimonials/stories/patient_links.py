"""The patient's private links: a capability secret derived from the
story's id (HMAC), never stored, and the story it opens."""

import hmac
import uuid

from django.conf import settings
from django.utils.crypto import salted_hmac

from testimonials.errors import NotFound
from testimonials.models import (
    Testimonial,
)

_PATIENT_LINK_SALT = "testimonials.patient-secret"


def patient_secret(public_id: uuid.UUID, *, key: str | None = None) -> str:
    """The patient's capability secret for one testimonial.

    Derived, not stored: a leaked database gives no one the power to withdraw
    a story, and an idempotent retry of a submission can answer the same URLs.
    """
    digest = salted_hmac(_PATIENT_LINK_SALT, str(public_id), secret=key, algorithm="sha256")
    return digest.hexdigest()


def testimonial_for_patient(*, public_id: uuid.UUID, secret: str) -> Testimonial:
    """The testimonial whose secret this is; anything else is `NotFound`,
    the same answer for an unknown id and a wrong secret."""
    keys = [str(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    # As bytes: compare_digest refuses str with non-ASCII characters, and a
    # link can carry any (found by tests/security/test_api_fuzz.py).
    given = secret.encode()
    if not any(
        hmac.compare_digest(patient_secret(public_id, key=key).encode(), given) for key in keys
    ):
        raise NotFound("No such testimonial.")
    testimonial = Testimonial.objects.select_related("topic").filter(public_id=public_id).first()
    if testimonial is None:
        raise NotFound("No such testimonial.")
    return testimonial
