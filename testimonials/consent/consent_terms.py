"""The terms a patient signs: channels, expiry and signer, parsed and
checked; retiring a consent text when a new one takes over."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from config import clinic_time
from testimonials.errors import FieldErrors
from testimonials.models import (
    CHANNEL_FIELDS,
    Channel,
    ConsentText,
    SignatureMethod,
    SignerRole,
)
from testimonials.places.settings import EffectiveSettings, effective_settings

GUARDIAN_ROLES = (SignerRole.PARENT, SignerRole.LEGAL_GUARDIAN)

# --- The consent template -----------------------------------------------------


def consent_text_supersede_others(*, consent_text: ConsentText) -> int:
    """A new consent version becomes the one its organisation's patients
    (or, without an organisation, those of every organisation without its
    own) agree to: every other current one of the same organisation is
    superseded (never edited). Returns how many."""
    return (
        ConsentText.objects.filter(superseded_at=None, organisation=consent_text.organisation)
        .exclude(pk=consent_text.pk)
        .update(superseded_at=timezone.now())
    )


# --- Signing with the story ---------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What the patient (or their parent or guardian) chose and signed."""

    channels: frozenset[str]
    expires_at: datetime
    signature: str
    signature_method: str
    signer_role: str
    patient_is_adult: bool | None


def expiry_from(
    expires_on: date | None,
    *,
    now: datetime,
    field: str = "expires_on",
    place: EffectiveSettings | None = None,
) -> datetime:
    """The end of the chosen day at the clinic (`CLINIC_TIME_ZONE`), or the
    default term; refuses a day that is not after the clinic's today or
    lies beyond the longest term. The terms are the story's place's
    (`place`; the installation's without one)."""
    place = place or effective_settings()
    if expires_on is None:
        return clinic_time.clinic_days_later(now, place.authorization_default_days)
    today = clinic_time.clinic_today(now)
    if expires_on <= today:
        raise FieldErrors({field: [gettext("Choose a day after today.")]})
    latest = today + timedelta(days=place.authorization_max_days)
    if expires_on > latest:
        raise FieldErrors(
            {field: [gettext("Choose a day no later than %(day)s.") % {"day": latest.isoformat()}]}
        )
    return clinic_time.end_of_clinic_day(expires_on)


def terms_from(
    *,
    author_name: str,
    channels: Iterable[str],
    signature: str,
    expires_on: date | None,
    patient_is_adult: bool | None,
    guardian_relationship: str,
    now: datetime,
    place: EffectiveSettings | None = None,
) -> Terms:
    """Judge a patient's choices; `FieldErrors` names every problem.

    Defaults keep older clients working: every channel, the name given as
    the signature (recorded as `name_and_checkbox`, not as typed), the
    default term, and the age question not asked. A patient under 18 needs
    a parent's or legal guardian's typed signature and their relationship.
    """
    errors: dict[str, list[str]] = {}
    chosen = frozenset(channels) or frozenset(Channel.values)
    if not chosen <= frozenset(Channel.values):
        errors["channels"] = [f"Choose among: {', '.join(Channel.values)}."]
    try:
        expires_at = expiry_from(expires_on, now=now, place=place)
    except FieldErrors as exc:
        errors.update(exc.fields)
        expires_at = now
    typed = " ".join(signature.split())
    if patient_is_adult is False:
        if guardian_relationship not in GUARDIAN_ROLES:
            errors["guardian_relationship"] = [
                gettext("Under 18: a parent or legal guardian signs; say which they are.")
            ]
        if not typed:
            errors["signature"] = [
                gettext("Under 18: the parent or guardian types their name to sign.")
            ]
        elif typed.casefold() == " ".join(author_name.split()).casefold():
            errors["signature"] = [
                gettext(
                    "Under 18: the parent or guardian signs with their own name, not the patient's."
                )
            ]
        role = guardian_relationship
    else:
        if guardian_relationship:
            errors["guardian_relationship"] = [gettext("Only for a patient under 18.")]
        role = SignerRole.PATIENT
    if errors:
        raise FieldErrors(errors)
    return Terms(
        channels=chosen,
        expires_at=expires_at,
        signature=typed or " ".join(author_name.split()),
        signature_method=SignatureMethod.TYPED if typed else SignatureMethod.NAME_AND_CHECKBOX,
        signer_role=role,
        patient_is_adult=patient_is_adult,
    )


def _channel_flags(channels: Iterable[str]) -> dict[str, bool]:
    chosen = set(channels)
    return {field: channel in chosen for channel, field in CHANNEL_FIELDS.items()}
