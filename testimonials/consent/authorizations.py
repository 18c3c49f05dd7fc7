"""Writes for patients' authorizations (HIPAA 45 CFR 164.508; GDPR arts 7, 9).

A patient signs with their story (`authorization_sign`), grants one to an
imported story, narrows or renews it, or withdraws (`authorization_revoker`,
used by the withdrawal). Edits are in `edit_approval`, expiry in
`authorization_expiry`, emails in `consent_notices` and
`authorization_requests`, erasure in `testimonials.stories.erasure`.

Every change to a story's authorization is also a change of the story,
through `transitions` (compare-and-set on its version, an audit record, and
what websites hear), so two changes never cross.
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from config import clinic_time
from testimonials import transitions
from testimonials.consent import authorization_reads
from testimonials.consent import rules as consent
from testimonials.consent.consent_notices import consent_notice_enqueue
from testimonials.consent.consent_terms import Terms, _channel_flags, expiry_from, terms_from
from testimonials.errors import Conflict, FieldErrors
from testimonials.models import (
    CHANNEL_FIELDS,
    DISPLAY_ORDER,
    Authorization,
    AuthorizationBasis,
    Channel,
    ConsentText,
    NoticeKind,
    SignatureMethod,
    SignerRole,
    Status,
    Testimonial,
    display_name_for,
)
from testimonials.places.settings import (
    EffectiveSettings,
    effective_settings,
    effective_settings_of_location_id,
)
from testimonials.publishing import representations


def retained_until(last_in_effect: datetime, *, place: EffectiveSettings) -> datetime:
    """When an authorization's evidence may go: the story's place's
    retention (at least `AUTHORIZATION_RETENTION`) in days of the clinic's
    calendar after it was last in effect."""
    return clinic_time.clinic_days_later(last_in_effect, place.authorization_retention_days)


def _settings_of_story(testimonial_id: int | None) -> EffectiveSettings:
    if testimonial_id is None:
        return effective_settings_of_location_id(None)
    location_id = (
        Testimonial.objects.filter(pk=testimonial_id).values_list("location_id", flat=True).first()
    )
    return effective_settings_of_location_id(location_id)


def _settings_of(testimonial: Testimonial) -> EffectiveSettings:
    """The story's place's settings, from its location when it is at hand."""
    if Testimonial.location.is_cached(testimonial) and testimonial.location is not None:
        return effective_settings(testimonial.location)
    return effective_settings_of_location_id(testimonial.location_id)


def authorization_sign(
    *,
    testimonial: Testimonial,
    consent_text: ConsentText,
    terms: Terms,
    now: datetime,
    media: str = "",
) -> Authorization:
    """Inside the submission's transaction: the authorization the patient
    signs with their story, for its text and name as written and the media
    sent with it (`media`, `Authorization.media`'s kinds). The patient gets a
    copy by email after commit (if they left an address)."""
    authorization = _patient_signs(
        testimonial=testimonial,
        basis=AuthorizationBasis.SIGNED,
        consent_text=consent_text,
        terms=terms,
        display_preference=testimonial.display_preference,
        text=testimonial.body,
        display_name=testimonial.display_name,
        now=now,
        media=media,
    )
    consent_notice_enqueue(authorization=authorization, kind=NoticeKind.COPY, new=True)
    return authorization


def _patient_signs(
    *,
    testimonial: Testimonial,
    basis: str,
    consent_text: ConsentText,
    terms: Terms,
    display_preference: str,
    text: str,
    display_name: str,
    now: datetime,
    media: str = "",
) -> Authorization:
    """The row of an authorization the patient signs on `terms`, for `text`
    shown under `display_name` (and the `media` kinds)."""
    return Authorization.objects.create(
        media=media,
        # The instance, not its id: what reads the row next (the notice,
        # the patient's copy) finds the story without a query.
        testimonial=testimonial,
        testimonial_public_id=testimonial.public_id,
        basis=basis,
        consent_text=consent_text,
        display_preference=display_preference,
        expires_at=terms.expires_at,
        signature=terms.signature,
        signature_method=terms.signature_method,
        signer_role=terms.signer_role,
        patient_is_adult=terms.patient_is_adult,
        signed_at=now,
        created_at=now,
        created_by="patient",
        retain_until=retained_until(terms.expires_at, place=_settings_of(testimonial)),
        **_fingerprinted(text, display_name),
        **_channel_flags(terms.channels),
    )


def authorization_successor(
    current: Authorization, *, basis: str, created_by: str, **changes: Any
) -> None:
    """Supersede `current` with a copy carrying `changes` (a compare-and-set:
    `Conflict` if another change superseded it first)."""
    now = timezone.now()
    last_in_effect = min(now, current.expires_at)
    place = _settings_of_story(current.testimonial_id)
    ended = Authorization.objects.filter(pk=current.pk, superseded_at=None, revoked_at=None).update(
        superseded_at=now, retain_until=retained_until(last_in_effect, place=place)
    )
    if ended != 1:
        raise Conflict("The authorization changed meanwhile. Reload the page and try again.")
    fields: dict[str, Any] = {
        name: getattr(current, name)
        for name in (
            "testimonial_id",
            "testimonial_public_id",
            "consent_text_id",
            "content_sha256",
            "text",
            "display_name",
            "display_preference",
            "expires_at",
            "media",
            "signature",
            "signature_method",
            "signer_role",
            "patient_is_adult",
            "signed_at",
            "reconfirm_requested_at",
            *CHANNEL_FIELDS.values(),
        )
    }
    fields.update(changes)
    fields["retain_until"] = retained_until(fields["expires_at"], place=place)
    Authorization.objects.create(
        parent=current, basis=basis, created_by=created_by, created_at=now, **fields
    )


def _fingerprinted(text: str, display_name: str) -> dict[str, str]:
    return {
        "text": text,
        "display_name": display_name,
        "content_sha256": consent.content_sha256(text=text, display_name=display_name),
    }


def authorization_record_imported(
    *,
    testimonial: Testimonial,
    consent_text: ConsentText,
    consented_at: datetime,
    expires_at: datetime,
    source: str,
    now: datetime,
) -> Authorization:
    """Inside an import's transaction: the consent another tool recorded, for
    the text and name as imported, on every channel. No signature is
    invented; the re-confirmation email before `expires_at` asks the patient
    for a real one."""
    return Authorization.objects.create(
        testimonial=testimonial,
        testimonial_public_id=testimonial.public_id,
        basis=AuthorizationBasis.IMPORTED,
        consent_text=consent_text,
        display_preference=testimonial.display_preference,
        expires_at=expires_at,
        signature="",
        signature_method=SignatureMethod.NONE,
        signer_role=SignerRole.PATIENT,
        signed_at=consented_at,
        created_at=now,
        created_by=f"system:import:{source}"[:150],
        retain_until=retained_until(
            expires_at, place=effective_settings_of_location_id(testimonial.location_id)
        ),
        **_fingerprinted(testimonial.body, testimonial.display_name),
        **_channel_flags(CHANNEL_FIELDS),
    )


def authorization_grant(
    *,
    testimonial: Testimonial,
    signature: str,
    channels: Iterable[str],
    display_preference: str,
    expires_on: date | None = None,
    expected_version: int | None = None,
) -> Testimonial:
    """The patient of an imported story that came without consent signs an
    authorization for it on their private page, under the current consent
    version, for the text it shows now (as a moderator may have redacted
    it) and the name as they choose it. If a moderator already approved the
    story it is public at once, and websites hear of it. The patient gets a
    copy by email. `Conflict` when the story awaits no such authorization."""
    if not authorization_reads.awaiting_first_authorization(testimonial):
        raise Conflict("This story awaits no authorization.")
    transitions.check_version(testimonial, expected_version)
    typed = " ".join(signature.split())
    errors: dict[str, list[str]] = {}
    if not typed:
        errors["signature"] = ["Type your name to sign."]
    if display_preference not in DISPLAY_ORDER:
        errors["display_preference"] = ["Choose how your name is shown."]
    now = timezone.now()
    try:
        terms = terms_from(
            author_name=testimonial.author_name,
            channels=channels,
            signature=typed,
            expires_on=expires_on,
            patient_is_adult=None,
            guardian_relationship="",
            now=now,
            place=effective_settings_of_location_id(testimonial.location_id),
        )
    except FieldErrors as exc:
        errors.update(exc.fields)
    template = authorization_reads.consent_for_story(testimonial)
    if template is None:
        raise Conflict("The clinic has no consent text in force; try again later.")
    if errors:
        raise FieldErrors(errors)
    public_name = display_name_for(testimonial.author_name, display_preference)

    def sign() -> None:
        _patient_signs(
            testimonial=testimonial,
            basis=AuthorizationBasis.REQUESTED,
            consent_text=template,
            terms=terms,  # no age question here: patient_is_adult is None
            display_preference=display_preference,
            text=testimonial.shown_body,
            display_name=public_name,
            now=now,
        )

    authorized = transitions.amend(
        testimonial,
        actor=transitions.PATIENT,
        reason="the patient authorized the imported story",
        details={"channels": sorted(terms.channels), "display_preference": display_preference},
        alongside=sign,
        announce_update=False,
        expected_version=expected_version,
        consent_to_publish=True,
        consent_text=template,
        consented_at=now,
        display_preference=display_preference,
        public_name=public_name,
    )
    _send_copy_of_current(authorized)
    return authorized


def _send_copy_of_current(testimonial: Testimonial) -> None:
    """The patient's copy of what they have just signed, by email after commit."""
    latest = authorization_reads.authorization_current(testimonial_id=testimonial.pk)
    if latest is not None:
        consent_notice_enqueue(authorization=latest, kind=NoticeKind.COPY)


# --- Narrowing, renewal, revocation ---------------------------------------------


def _in_effect_or_conflict(testimonial: Testimonial) -> Authorization:
    current = authorization_reads.authorization_in_effect(testimonial_id=testimonial.pk)
    if current is None or testimonial.status == Status.WITHDRAWN:
        raise Conflict("Your authorization is no longer in effect.")
    return current


def authorization_narrow(
    *,
    testimonial: Testimonial,
    channels: Iterable[str],
    display_preference: str,
    expected_version: int | None = None,
) -> Testimonial:
    """The patient takes places away (`channels` keeps the rest) or shows
    less of their name, at once on every surface, without signing again
    (a partial revocation). Widening needs a renewal. Changing nothing is
    no change."""
    current = _in_effect_or_conflict(testimonial)
    keep = frozenset(channels)
    if not keep:
        raise FieldErrors(
            {
                "channels": [
                    gettext("Keep at least one place, or withdraw the story to take it down.")
                ]
            }
        )
    if not keep <= frozenset(current.channels):
        raise FieldErrors(
            {"channels": [gettext("Here you can only take places away; renew to add one.")]}
        )
    if display_preference not in DISPLAY_ORDER or DISPLAY_ORDER.index(
        display_preference
    ) < DISPLAY_ORDER.index(current.display_preference):
        raise FieldErrors(
            {"display_preference": [gettext("Here you can only show less of your name.")]}
        )
    if keep == frozenset(current.channels) and display_preference == current.display_preference:
        return testimonial
    public_name = display_name_for(testimonial.author_name, display_preference)
    alongside = partial(
        authorization_successor,
        current,
        basis=AuthorizationBasis.NARROWED,
        created_by="patient",
        display_preference=display_preference,
        **_fingerprinted(current.text, public_name),
        **_channel_flags(keep),
    )
    return transitions.amend(
        testimonial,
        actor=transitions.PATIENT,
        reason="the patient narrowed the authorization",
        details={"channels": sorted(keep), "display_preference": display_preference},
        alongside=alongside,
        announce_update=public_name != testimonial.public_name,
        expected_version=expected_version,
        display_preference=display_preference,
        public_name=public_name,
    )


def authorization_renew(
    *,
    testimonial: Testimonial,
    signature: str,
    expires_on: date | None = None,
    channels: Iterable[str] | None = None,
    display_preference: str | None = None,
    expected_version: int | None = None,
) -> Testimonial:
    """The patient keeps their story up past the current expiry, signing
    again under the current consent version; they may choose the places
    and the name anew, wider or narrower. Only while the authorization is
    in effect: after expiry the story was taken down, and a new story is
    the way back."""
    current = _in_effect_or_conflict(testimonial)
    now = timezone.now()
    typed = " ".join(signature.split())
    errors: dict[str, list[str]] = {}
    if not typed:
        errors["signature"] = [gettext("Type your name to sign.")]
    chosen = frozenset(channels) if channels is not None else frozenset(current.channels)
    if not chosen or not chosen <= frozenset(Channel.values):
        errors["channels"] = [gettext("Choose at least one place.")]
    preference = display_preference or current.display_preference
    if preference not in DISPLAY_ORDER:
        errors["display_preference"] = [gettext("Choose how your name is shown.")]
    try:
        expires_at = expiry_from(
            expires_on, now=now, place=effective_settings_of_location_id(testimonial.location_id)
        )
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    template = authorization_reads.consent_for_story(testimonial)
    public_name = display_name_for(testimonial.author_name, preference)
    alongside = partial(
        authorization_successor,
        current,
        basis=AuthorizationBasis.RENEWED,
        created_by="patient",
        consent_text_id=template.pk if template is not None else current.consent_text_id,
        display_preference=preference,
        expires_at=expires_at,
        signature=typed,
        signature_method=SignatureMethod.TYPED,
        signed_at=now,
        reconfirm_requested_at=None,
        **_fingerprinted(current.text, public_name),
        **_channel_flags(chosen),
    )
    renewed = transitions.amend(
        testimonial,
        actor=transitions.PATIENT,
        reason="the patient renewed the authorization",
        details={"expires_at": representations.api_time(expires_at), "channels": sorted(chosen)},
        alongside=alongside,
        announce_update=public_name != testimonial.public_name,
        expected_version=expected_version,
        display_preference=preference,
        public_name=public_name,
    )
    _send_copy_of_current(renewed)
    return renewed


def authorization_revoker(*, testimonial_id: int, revocation: str) -> transitions.Alongside:
    """What a withdrawal (or an erasure) writes alongside its transition:
    the authorization in effect ends now."""

    def revoke() -> None:
        now = timezone.now()
        place = _settings_of_story(testimonial_id)
        for current in Authorization.objects.filter(
            testimonial_id=testimonial_id, superseded_at=None, revoked_at=None
        ):
            Authorization.objects.filter(pk=current.pk).update(
                revoked_at=now,
                revocation=revocation,
                retain_until=retained_until(min(now, current.expires_at), place=place),
            )

    return revoke


# --- Erasure ----------------------------------------------------------------------

ERASED_FIELDS: dict[str, Any] = {
    "author_name": "",
    "public_name": "",
    "email": "",
    "body": "",
    "published_body": "",
    "suggested_body": "",
    "screening_flags": [],
    "rating": None,
    "rejection_note": "",
    "material_connection_detail": "",
    "idempotency_key": None,
    "request_fingerprint": "",
    # Another tool's id may name the patient; the import key (a hash) stays,
    # so that importing the old file again cannot bring the story back.
    "external_id": "",
}
