"""Edits and consent: a moderator's redaction stays covered by the
patient's authorization; any other edit waits for the patient's approval."""

from dataclasses import dataclass
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext

from testimonials import transitions
from testimonials.consent import authorization_reads
from testimonials.consent import rules as consent
from testimonials.consent.authorization_requests import authorization_request_enqueue
from testimonials.consent.authorizations import _fingerprinted, authorization_successor
from testimonials.consent.consent_notices import consent_notice_enqueue
from testimonials.errors import Conflict, FieldErrors
from testimonials.models import (
    AuthorizationBasis,
    NoticeKind,
    SignatureMethod,
    Testimonial,
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
            authorization_successor,
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
        authorization_successor,
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
