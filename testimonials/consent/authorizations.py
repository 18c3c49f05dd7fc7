"""Writes for patients' authorizations (HIPAA 45 CFR 164.508; GDPR arts 7, 9).

A patient signs with their story (`authorization_sign`); a moderator's
redaction stays covered (`authorization_for_edit`), any other edit waits for
the patient (`authorization_approve_edit`); the patient narrows, renews or
withdraws (`authorization_revoker`, used by the withdrawal); beat asks
before expiry and takes the story down at it (`authorizations_reconfirm`,
`authorizations_expire`); a story's personal data is erased while the
evidence is kept for its retention time (`testimonial_erase`), then purged
(`authorizations_purge`). The patient gets a copy and notices by email
(`consent_notice_*`, an outbox like moderation's).

Every change to a story's authorization is also a change of the story,
through `transitions` (compare-and-set on its version, an audit record, and
what websites hear), so two changes never cross.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from testimonials import languages, outbox, transitions
from testimonials.consent import authorization_reads
from testimonials.consent import rules as consent
from testimonials.errors import Conflict, FieldErrors, InvalidTransition
from testimonials.models import (
    CHANNEL_FIELDS,
    DISPLAY_ORDER,
    Authorization,
    AuthorizationBasis,
    AuthorizationRequest,
    Channel,
    ConsentNotice,
    ConsentText,
    NoticeKind,
    RejectionReason,
    Revocation,
    SignatureMethod,
    SignerRole,
    Status,
    StatusChange,
    Testimonial,
    display_name_for,
)
from testimonials.publishing import representations
from testimonials.stories import patient_links

logger = logging.getLogger(__name__)

GUARDIAN_ROLES = (SignerRole.PARENT, SignerRole.LEGAL_GUARDIAN)


# --- The consent template -----------------------------------------------------


def consent_text_supersede_others(*, consent_text: ConsentText) -> int:
    """A new consent version becomes the one patients agree to: every other
    current one is superseded (never edited). Returns how many."""
    return (
        ConsentText.objects.filter(superseded_at=None)
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


def expiry_from(expires_on: date | None, *, now: datetime, field: str = "expires_on") -> datetime:
    """The end of the chosen day (UTC), or the default term; refuses a day
    that has passed or lies beyond `AUTHORIZATION_MAX_TERM`."""
    if expires_on is None:
        return now + settings.AUTHORIZATION_DEFAULT_TERM
    expires_at = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=UTC)
    if expires_at <= now + timedelta(days=1):
        raise FieldErrors({field: [gettext("Choose a day after today.")]})
    latest = now + settings.AUTHORIZATION_MAX_TERM + timedelta(days=1)
    if expires_at > latest:
        limit = (latest - timedelta(days=1)).date().isoformat()
        raise FieldErrors(
            {field: [gettext("Choose a day no later than %(day)s.") % {"day": limit}]}
        )
    return expires_at


def terms_from(
    *,
    author_name: str,
    channels: Iterable[str],
    signature: str,
    expires_on: date | None,
    patient_is_adult: bool | None,
    guardian_relationship: str,
    now: datetime,
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
        expires_at = expiry_from(expires_on, now=now)
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


def authorization_sign(
    *, testimonial: Testimonial, consent_text: ConsentText, terms: Terms, now: datetime
) -> Authorization:
    """Inside the submission's transaction: the authorization the patient
    signs with their story, for its text and name as written. The patient
    gets a copy by email after commit (if they left an address)."""
    authorization = _patient_signs(
        testimonial=testimonial,
        basis=AuthorizationBasis.SIGNED,
        consent_text=consent_text,
        terms=terms,
        display_preference=testimonial.display_preference,
        text=testimonial.body,
        display_name=testimonial.display_name,
        now=now,
    )
    consent_notice_enqueue(authorization=authorization, kind=NoticeKind.COPY)
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
) -> Authorization:
    """The row of an authorization the patient signs on `terms`, for `text`
    shown under `display_name`."""
    return Authorization.objects.create(
        testimonial_id=testimonial.pk,
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
        retain_until=terms.expires_at + settings.AUTHORIZATION_RETENTION,
        **_fingerprinted(text, display_name),
        **_channel_flags(terms.channels),
    )


def _successor(current: Authorization, *, basis: str, created_by: str, **changes: Any) -> None:
    """Supersede `current` with a copy carrying `changes` (a compare-and-set:
    `Conflict` if another change superseded it first)."""
    now = timezone.now()
    last_in_effect = min(now, current.expires_at)
    ended = Authorization.objects.filter(pk=current.pk, superseded_at=None, revoked_at=None).update(
        superseded_at=now, retain_until=last_in_effect + settings.AUTHORIZATION_RETENTION
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
    fields["retain_until"] = fields["expires_at"] + settings.AUTHORIZATION_RETENTION
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
        retain_until=expires_at + settings.AUTHORIZATION_RETENTION,
        **_fingerprinted(testimonial.body, testimonial.display_name),
        **_channel_flags(CHANNEL_FIELDS),
    )


# --- Edits: a redaction is covered, anything else waits for the patient --------


@dataclass(frozen=True)
class EditCoverage:
    """What an edit means for the authorization: `covered` edits publish at
    once (`alongside` writes the redaction's authorization row in the edit's
    transaction); others take the story off every surface until the
    patient approves the new text on their page."""

    covered: bool
    alongside: transitions.Alongside | None = None


def authorization_for_edit(*, testimonial: Testimonial, text: str, editor: str) -> EditCoverage:
    """Judge a moderator's new text (`text`, what the story would show).

    Covered when the authorization in effect already covers it, or when it
    is a redaction (`consent.is_redaction`) of the patient's original or of
    the text the authorization covers now."""
    current = authorization_reads.authorization_in_effect(testimonial_id=testimonial.pk)
    if current is None:
        return EditCoverage(covered=False)
    changes = _fingerprinted(text, testimonial.display_name)
    if changes["content_sha256"] == current.content_sha256:
        return EditCoverage(covered=True)
    baselines = [baseline for baseline in (testimonial.body, current.text) if baseline]
    if not any(consent.is_redaction(baseline, text) for baseline in baselines):
        return EditCoverage(covered=False)
    return EditCoverage(
        covered=True,
        alongside=partial(
            _successor,
            current,
            basis=AuthorizationBasis.REDACTION,
            created_by=editor,
            **changes,
        ),
    )


def approval_request(*, testimonial: Testimonial) -> None:
    """Email the patient that an edited text awaits their approval, or, for
    an imported story that came without consent, that it awaits their
    authorization."""
    if authorization_reads.awaiting_first_authorization(testimonial):
        authorization_request_enqueue(testimonial=testimonial)
        return
    current = authorization_reads.authorization_current(testimonial_id=testimonial.pk)
    if current is not None:
        consent_notice_enqueue(
            authorization=current,
            kind=NoticeKind.APPROVE_EDIT,
            testimonial_version=testimonial.version,
        )


def authorization_approve_edit(
    *, testimonial: Testimonial, signature: str, expected_version: int | None = None
) -> Testimonial:
    """The patient (or whoever signed for them) approves the edited text
    their story shows, signing again; it is public again at once.

    `expected_version` is the version the patient's page showed: an edit
    made after they read it is refused (`StaleVersion`)."""
    transitions.check_version(testimonial, expected_version)
    state = authorization_reads.authorization_state(testimonial)
    if not state.awaiting_approval or state.current is None:
        raise Conflict("No edited text awaits your approval.")
    typed = " ".join(signature.split())
    if not typed:
        raise FieldErrors({"signature": [gettext("Type your name to sign.")]})
    now = timezone.now()
    alongside = partial(
        _successor,
        state.current,
        basis=AuthorizationBasis.PATIENT_APPROVAL,
        created_by="patient",
        signature=typed,
        signature_method=SignatureMethod.TYPED,
        signed_at=now,
        **_fingerprinted(testimonial.shown_body, testimonial.display_name),
    )
    return transitions.revise_published(
        testimonial,
        actor=transitions.PATIENT,
        reason="the patient approved the edited text",
        alongside=alongside,
        expected_version=expected_version,
    )


# --- An imported story without consent: the patient is asked -------------------


def authorization_request_enqueue(*, testimonial: Testimonial) -> AuthorizationRequest:
    """Record the email asking the patient to authorize their imported
    story, once per story, and send it after commit."""
    request, created = AuthorizationRequest.objects.get_or_create(testimonial=testimonial)
    if created:
        outbox.enqueue_on_commit(
            "testimonials.tasks.send_authorization_request",
            request.pk,
            label="authorization request",
        )
    return request


def authorization_request_send(*, request_id: int) -> bool:
    """Send one request at most once (claimed before sending, released if
    sending fails so the task retries). Like the consent notices, the email
    holds no story text, only the link to the private page that shows it.
    Returns whether this call sent it."""
    return outbox.send_once(
        AuthorizationRequest.objects.select_related("testimonial__topic"),
        request_id,
        build=_authorization_request_email,
    )


def _authorization_request_email(request: AuthorizationRequest) -> outbox.Email | None:
    testimonial = request.testimonial
    if not authorization_reads.awaiting_first_authorization(testimonial):
        return None
    story_url = story_page_url(testimonial)
    return outbox.Email(
        to=[testimonial.email],
        template="testimonials/email/authorization_request",
        context=lambda: {
            "testimonial": testimonial,
            "topic": testimonial.topic,
            "clinic_name": settings.CLINIC_NAME,
            "story_url": story_url,
        },
        language=languages.for_testimonial(testimonial),
        label="authorization request",
    )


def authorization_requests_unsent(*, older_than: timedelta) -> list[int]:
    return outbox.unsent_ids(AuthorizationRequest.objects.all(), older_than=older_than)


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
        )
    except FieldErrors as exc:
        errors.update(exc.fields)
    template = authorization_reads.consent_current()
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
        _successor,
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
        expires_at = expiry_from(expires_on, now=now)
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors:
        raise FieldErrors(errors)
    template = authorization_reads.consent_current()
    public_name = display_name_for(testimonial.author_name, preference)
    alongside = partial(
        _successor,
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
        for current in Authorization.objects.filter(
            testimonial_id=testimonial_id, superseded_at=None, revoked_at=None
        ):
            Authorization.objects.filter(pk=current.pk).update(
                revoked_at=now,
                revocation=revocation,
                retain_until=min(now, current.expires_at) + settings.AUTHORIZATION_RETENTION,
            )

    return revoke


# --- Expiry and re-confirmation (beat) -----------------------------------------

SWEEP_BATCH = 500


def authorizations_reconfirm() -> int:
    """Ask each patient whose authorization ends within
    `AUTHORIZATION_RECONFIRM_BEFORE` to keep, change or withdraw it, once
    per authorization (a compare-and-set on `reconfirm_requested_at`).
    Returns how many were asked."""
    now = timezone.now()
    due = list(
        Authorization.objects.filter(
            superseded_at=None,
            revoked_at=None,
            reconfirm_requested_at=None,
            expires_at__gt=now,
            expires_at__lte=now + settings.AUTHORIZATION_RECONFIRM_BEFORE,
            testimonial__status__in=[Status.PUBLISHED, Status.PENDING_REVIEW],
        ).select_related("testimonial")[:SWEEP_BATCH]
    )
    asked = 0
    for authorization in due:
        with transaction.atomic():
            claimed = Authorization.objects.filter(
                pk=authorization.pk, reconfirm_requested_at=None
            ).update(reconfirm_requested_at=now)
            if claimed == 1:
                consent_notice_enqueue(authorization=authorization, kind=NoticeKind.RECONFIRM)
                asked += 1
    if asked:
        logger.info("asked %d patients to re-confirm their authorization", asked)
    return asked


def authorizations_expire() -> int:
    """Take down every published story whose authorization has expired
    (through `transitions`: audited, websites told). The gate already hides
    it from the moment of expiry; this makes it a status, a tombstone and a
    `testimonial.unpublished` webhook. Returns how many."""
    now = timezone.now()
    due = list(
        Authorization.objects.filter(
            superseded_at=None,
            revoked_at=None,
            expires_at__lte=now,
            testimonial__status=Status.PUBLISHED,
        ).values_list("testimonial_id", flat=True)[:SWEEP_BATCH]
    )
    expired = 0
    for testimonial_id in due:
        testimonial = Testimonial.objects.filter(pk=testimonial_id).first()
        if testimonial is None:
            continue
        try:
            with transaction.atomic():
                transitions.transition(
                    testimonial,
                    to=Status.UNPUBLISHED,
                    actor=transitions.AUTHORIZATION,
                    reason="authorization expired",
                    # Counted with the other stories without valid consent
                    # in the transparency report.
                    rejection_reason=RejectionReason.NO_CONSENT,
                )
                current = authorization_reads.authorization_current(testimonial_id=testimonial_id)
                if current is not None:
                    consent_notice_enqueue(authorization=current, kind=NoticeKind.EXPIRED)
        except InvalidTransition:
            continue  # changed meanwhile (withdrawn, taken down)
        expired += 1
    if expired:
        logger.info("took down %d stories whose authorization expired", expired)
    return expired


def authorizations_purge() -> int:
    """Delete authorizations past their retention date (six years after
    they were last in effect). Returns how many."""
    deleted, _ = Authorization.objects.filter(retain_until__lt=timezone.now()).delete()
    if deleted:
        logger.info("purged %d authorization records past retention", deleted)
    return deleted


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
# Audit details that hold what people wrote: a moderator's note, a text diff.
AUDIT_TEXT_KEYS = frozenset({"note", "text_diff"})


def testimonial_erase(*, testimonial: Testimonial, actor: transitions.Actor, reason: str) -> bool:
    """Erase a story's text and its author's personal data, here: the row
    keeps its id, topic, statuses and times, and its audit trail keeps who
    did what (notes and text diffs in it are cleared). A story that could still be public
    is withdrawn; a rejected one stays rejected. Its authorizations are
    revoked and keep only the evidence retention needs: the fingerprint,
    terms, template version, signature and times. Returns False when the
    story was erased before.

    Moderation's rows about the story (notes, duplicate keys) are
    moderation's to erase (`moderation.privacy`)."""
    if testimonial.erased_at is not None:
        return False
    revoke = authorization_revoker(testimonial_id=testimonial.pk, revocation=Revocation.ERASED)

    def scrub() -> None:
        revoke()
        Authorization.objects.filter(testimonial_id=testimonial.pk).update(text="", display_name="")
        for change in StatusChange.objects.filter(testimonial_id=testimonial.pk):
            if AUDIT_TEXT_KEYS & set(change.details):
                details = {k: v for k, v in change.details.items() if k not in AUDIT_TEXT_KEYS}
                StatusChange.objects.filter(pk=change.pk).update(details=details)

    fields = {**ERASED_FIELDS, "erased_at": timezone.now()}
    if testimonial.status in (Status.WITHDRAWN, Status.REJECTED):
        transitions.amend(
            testimonial,
            actor=actor,
            reason=reason,
            alongside=scrub,
            announce_update=False,
            **fields,
        )
    else:
        transitions.transition(
            testimonial, to=Status.WITHDRAWN, actor=actor, reason=reason, alongside=scrub, **fields
        )
    return True


# --- Notices to the patient ------------------------------------------------------


def consent_notice_enqueue(
    *, authorization: Authorization, kind: str, testimonial_version: int = 0
) -> ConsentNotice | None:
    """Record an email to the patient and send it after commit; nothing when
    the story has no email address."""
    testimonial = authorization.testimonial
    if testimonial is None or not testimonial.email:
        return None
    notice, created = ConsentNotice.objects.get_or_create(
        authorization=authorization, kind=kind, testimonial_version=testimonial_version
    )
    if created:
        outbox.enqueue_on_commit(
            "testimonials.tasks.send_consent_notice", notice.pk, label="consent notice"
        )
    return notice


def story_page_url(testimonial: Testimonial) -> str:
    """The patient's private page, absolute, for emails."""
    path = reverse(
        "patient-story",
        kwargs={
            "public_id": testimonial.public_id,
            "secret": patient_links.patient_secret(testimonial.public_id),
        },
    )
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def consent_notice_send(*, notice_id: int) -> bool:
    """Send one notice at most once (claimed before sending, released if
    sending fails so the task retries). The story's text is never in the
    email: the link leads to the private page that shows it. Returns
    whether this call sent it."""
    return outbox.send_once(
        ConsentNotice.objects.select_related(
            "authorization__consent_text", "authorization__testimonial__topic"
        ),
        notice_id,
        build=_consent_notice_email,
    )


def _consent_notice_email(notice: ConsentNotice) -> outbox.Email | None:
    authorization = notice.authorization
    testimonial = authorization.testimonial
    if testimonial is None or testimonial.erased_at is not None or not testimonial.email:
        return None
    labels = dict(Channel.choices)
    return outbox.Email(
        to=[testimonial.email],
        template=f"testimonials/email/consent_{notice.kind}",
        context=lambda: {
            "testimonial": testimonial,
            "topic": testimonial.topic,
            "authorization": authorization,
            "template": authorization.consent_text,
            "channels": [str(labels[channel]) for channel in authorization.channels],
            "story_url": story_page_url(testimonial),
        },
        language=languages.for_testimonial(testimonial),
        label=f"{notice.kind} consent notice",
    )


def consent_notices_unsent(*, older_than: timedelta) -> list[int]:
    return outbox.unsent_ids(ConsentNotice.objects.all(), older_than=older_than)
