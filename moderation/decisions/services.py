"""Moderators' decisions on a story: approve (as written, edited, or with
screening's redaction), reject, unpublish, reopen, edit the published
text, feature, set the material connection.

Every status change goes through `testimonials.transitions`, which checks
the move, applies it as a compare-and-set and writes the audit record.
The patient hears of a decision through `moderation.notifications`.
"""

import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from moderation.accounts import scopes
from moderation.decisions import claims, diff
from moderation.notifications import patients
from testimonials import transitions
from testimonials.consent import authorization_reads, edit_approval
from testimonials.errors import Conflict, FieldErrors, InvalidTransition, NotFound
from testimonials.honesty import disclosures
from testimonials.media import services as media_services
from testimonials.models import RejectionReason, Status, Testimonial


def for_decision(
    public_id: uuid.UUID,
    *,
    moderator: User,
    allowed_from: frozenset[str],
    expected_version: int | None = None,
) -> Testimonial:
    """The item a moderator decides on, if its status allows that decision.

    A story outside the moderator's places (`staff_scope`), or any story for
    a read-only reviewer, is `NotFound`, as one that does not exist: a
    decision on another location's story neither acts nor tells it exists.

    `testimonials.transitions` allows every move the system makes; moderators
    make fewer. In particular `screening` belongs to the screening task: a
    moderator who rejected or "reopened" an item mid-screening would skip
    its flags (found by the access matrix, tests/security).
    """
    scope = scopes.staff_scope(moderator)
    testimonial = (
        None
        if scopes.reads_redacted(moderator)
        else scope.filter(
            Testimonial.objects.filter(public_id=public_id), location="location"
        ).first()
    )
    if testimonial is None:
        raise NotFound("No such testimonial.")
    transitions.check_version(testimonial, expected_version)
    if testimonial.status not in allowed_from:
        raise InvalidTransition(
            f"A moderator cannot decide on a {testimonial.status} testimonial this way.",
            extra={"status": testimonial.status},
        )
    return testimonial


DECIDABLE_FROM = {
    Status.PUBLISHED: frozenset({Status.PENDING_REVIEW}),
    Status.REJECTED: frozenset({Status.PENDING_REVIEW}),
    Status.UNPUBLISHED: frozenset({Status.PUBLISHED}),
    Status.PENDING_REVIEW: frozenset({Status.REJECTED, Status.UNPUBLISHED}),
}
# Edits, features and notes: `transitions` checks what each allows.
ANY_STATUS = frozenset(Status.values)


def _after_decision(
    testimonial: Testimonial, moderator: User, *, awaiting_patient: bool = False
) -> None:
    """What follows every decision: the claim ends, the patient hears (of
    the decision, or that an edit awaits their approval)."""
    claims.claims_end(testimonial=testimonial, moderator=moderator)
    if awaiting_patient:
        edit_approval.approval_request(testimonial=testimonial)
    elif testimonial.status in (Status.PUBLISHED, Status.REJECTED):
        patients.patient_decision_enqueue(testimonial)


def testimonial_approve(
    *,
    public_id: uuid.UUID,
    moderator: User,
    body: str | None = None,
    use_suggested_body: bool = False,
    expected_version: int | None = None,
    typical_results: str | None = None,
    material_connection: str | None = None,
    material_connection_detail: str | None = None,
    in_bulk: bool = False,
) -> Testimonial:
    """Publish a story awaiting review, optionally with an edited (e.g.
    redacted) text, or with screening's suggested redaction in one step;
    the patient's original stays in `body`.

    Published with its disclosures (`disclosures.approval_disclosures`): the
    topic's typical-results statement, or the one tagged `typical_results`;
    refused (`FieldErrors`) for a story claiming a result when there is
    none. `material_connection` (and detail) replace what the patient said.
    A redaction (`testimonials.consent.rules.is_redaction`) is covered by the
    patient's authorization and public at once; any other edit is
    published but shown nowhere until the patient approves it on their
    page, and they are asked by email. Refuses (`AuthorizationRequired`)
    a story whose authorization is not in effect. With `expected_version`,
    refuses (`StaleVersion`) when the item changed after the moderator
    opened it. Emails the patient after commit.

    The story's photo, video or audio are approved with it: a person must
    have seen them, so `in_bulk` (a bulk action) refuses (`Conflict`) a
    story that has any.
    """
    testimonial = for_decision(
        public_id,
        moderator=moderator,
        allowed_from=DECIDABLE_FROM[Status.PUBLISHED],
        expected_version=expected_version,
    )
    if in_bulk and media_services.media_awaiting_review(testimonial_id=testimonial.pk):
        raise Conflict("A story with a photo or video needs a review of its own.")
    if use_suggested_body:
        if not testimonial.suggested_body:
            raise FieldErrors({"use_suggested_body": ["Screening suggested no redaction."]})
        body = testimonial.suggested_body
    edited = body is not None and body.strip() != testimonial.body.strip()
    published_body = body.strip() if edited and body is not None else ""
    coverage = edit_approval.authorization_for_edit(
        testimonial=testimonial,
        text=published_body or testimonial.body,
        editor=moderator.get_username(),
    )
    if authorization_reads.awaiting_first_authorization(testimonial):
        reason = "approved; shown nowhere until the patient authorizes the imported story"
    elif edited and coverage.covered:
        reason = "approved with an edited text"
    elif edited:
        reason = "approved with an edit that awaits the patient's approval"
    else:
        reason = "approved"
    honest = disclosures.approval_disclosures(
        testimonial,
        typical_results=typical_results,
        connection=material_connection,
        connection_detail=material_connection_detail,
    )
    details: dict[str, Any] = {
        "edited": edited,
        "awaiting_patient": not coverage.covered,
        **honest.audit,
    }
    if edited:
        details["text_diff"] = diff.text_diff(testimonial.body, published_body)
    with transaction.atomic():
        testimonial = transitions.transition(
            testimonial,
            to=Status.PUBLISHED,
            actor=transitions.Actor.for_user(moderator),
            reason=reason,
            details=details,
            expected_version=expected_version,
            alongside=transitions.together(
                *filter(None, [coverage.alongside]),
                partial(media_services.media_approve, testimonial_id=testimonial.pk),
            ),
            published_body=published_body,
            decided_by=moderator,
            decided_at=timezone.now(),
            **honest.fields,
        )
        _after_decision(testimonial, moderator, awaiting_patient=not coverage.covered)
    return testimonial


def _check_reason(reason: str, note: str) -> None:
    if reason not in RejectionReason.values:
        raise FieldErrors({"reason": [f"Choose one of: {', '.join(RejectionReason.values)}."]})
    if reason == RejectionReason.OTHER and not note.strip():
        raise FieldErrors({"note": ["A note is required when the reason is 'other'."]})


def testimonial_reject(
    *,
    public_id: uuid.UUID,
    moderator: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Testimonial:
    """Decline a story for a content-based reason; `other` needs a note.
    Emails the patient after commit."""
    return _decide_with_reason(
        public_id, moderator, Status.REJECTED, reason, note, expected_version
    )


def testimonial_unpublish(
    *,
    public_id: uuid.UUID,
    moderator: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> Testimonial:
    """A moderator takes a published story down, for a content-based reason."""
    return _decide_with_reason(
        public_id, moderator, Status.UNPUBLISHED, reason, note, expected_version
    )


def _decide_with_reason(
    public_id: uuid.UUID,
    moderator: User,
    to: Status,
    reason: str,
    note: str,
    expected_version: int | None,
) -> Testimonial:
    _check_reason(reason, note)
    note = note.strip()
    testimonial = for_decision(
        public_id,
        moderator=moderator,
        allowed_from=DECIDABLE_FROM[to],
        expected_version=expected_version,
    )
    disclosures.check_removal_reason(topic=testimonial.topic, reason=reason)
    with transaction.atomic():
        testimonial = transitions.transition(
            testimonial,
            to=to,
            actor=transitions.Actor.for_user(moderator),
            reason=reason,
            details={"note": note} if note else {},
            expected_version=expected_version,
            rejection_reason=reason,
            rejection_note=note,
            decided_by=moderator,
            decided_at=timezone.now(),
        )
        _after_decision(testimonial, moderator)
    return testimonial


def testimonial_reopen(
    *,
    public_id: uuid.UUID,
    moderator: User,
    note: str = "",
    expected_version: int | None = None,
) -> Testimonial:
    """Put a rejected or unpublished story back in the review queue."""
    testimonial = for_decision(
        public_id,
        moderator=moderator,
        allowed_from=DECIDABLE_FROM[Status.PENDING_REVIEW],
        expected_version=expected_version,
    )
    return transitions.transition(
        testimonial,
        to=Status.PENDING_REVIEW,
        actor=transitions.Actor.for_user(moderator),
        reason="reopened",
        details={"note": note.strip()} if note.strip() else {},
        expected_version=expected_version,
        rejection_reason="",
        rejection_note="",
        decided_by=None,
        decided_at=None,
    )


def testimonial_edit_published(
    *,
    public_id: uuid.UUID,
    moderator: User,
    body: str,
    expected_version: int | None = None,
) -> Testimonial:
    """Change the text a published story shows (a late redaction, a typo);
    the patient's original stays in `body`, and giving the original back
    shows the original again.

    Audited as `published → published`. A redaction of what the patient
    wrote or authorized is covered by their authorization: every public
    surface shows it at once and websites hear `testimonial.updated`. Any
    other edit takes the story off every surface (websites hear
    `testimonial.unpublished`) until the patient approves the new text on
    their page; they are asked by email.

    Refuses an empty text (`FieldErrors`), a story that is not published
    (`InvalidTransition`) and a stale `expected_version` (`StaleVersion`).
    The same text as shown now changes nothing.
    """
    text = body.strip()
    if not text:
        raise FieldErrors({"body": ["The published text cannot be empty."]})
    testimonial = for_decision(public_id, moderator=moderator, allowed_from=ANY_STATUS)
    transitions.check_version(testimonial, expected_version)
    published_body = "" if text == testimonial.body.strip() else text
    if testimonial.status == Status.PUBLISHED and published_body == testimonial.published_body:
        return testimonial
    coverage = edit_approval.authorization_for_edit(
        testimonial=testimonial,
        text=published_body or testimonial.body,
        editor=moderator.get_username(),
    )
    with transaction.atomic():
        testimonial = transitions.revise_published(
            testimonial,
            actor=transitions.Actor.for_user(moderator),
            reason=(
                "published text edited"
                if coverage.covered
                else "published text edited; awaits the patient's approval"
            ),
            details={
                "edited": bool(published_body),
                "awaiting_patient": not coverage.covered,
                "text_diff": diff.text_diff(
                    testimonial.shown_body, published_body or testimonial.body
                ),
            },
            expected_version=expected_version,
            alongside=coverage.alongside,
            published_body=published_body,
        )
        if not coverage.covered:
            edit_approval.approval_request(testimonial=testimonial)
    return testimonial


def testimonial_feature(
    *,
    public_id: uuid.UUID,
    moderator: User,
    featured: bool,
    expected_version: int | None = None,
) -> Testimonial:
    """Feature a published story (websites can ask for featured ones), or
    stop featuring it. Audited and announced like an edit; setting what is
    already set changes nothing."""
    testimonial = for_decision(public_id, moderator=moderator, allowed_from=ANY_STATUS)
    transitions.check_version(testimonial, expected_version)
    if testimonial.status == Status.PUBLISHED and testimonial.featured == featured:
        return testimonial
    return transitions.revise_published(
        testimonial,
        actor=transitions.Actor.for_user(moderator),
        reason="featured" if featured else "no longer featured",
        details={"featured": featured},
        expected_version=expected_version,
        featured=featured,
    )


def testimonial_connection_set(
    *,
    public_id: uuid.UUID,
    moderator: User,
    material_connection: str,
    material_connection_detail: str = "",
    expected_version: int | None = None,
) -> Testimonial:
    """Set a published story's material connection (learned after it was
    published: a patient who turns out to work at the clinic). Audited and
    announced like an edit; every surface shows the disclosure at once.
    Setting what is already set changes nothing."""
    detail = material_connection_detail.strip()
    disclosures.check_connection(material_connection, detail)
    testimonial = for_decision(public_id, moderator=moderator, allowed_from=ANY_STATUS)
    transitions.check_version(testimonial, expected_version)
    unchanged = (
        testimonial.material_connection == material_connection
        and testimonial.material_connection_detail == detail
    )
    if testimonial.status == Status.PUBLISHED and unchanged:
        return testimonial
    return transitions.revise_published(
        testimonial,
        actor=transitions.Actor.for_user(moderator),
        reason="material connection set",
        details={
            "material_connection": {
                "from": testimonial.material_connection,
                "to": material_connection,
            }
        },
        expected_version=expected_version,
        material_connection=material_connection,
        material_connection_detail=detail,
    )


def bulk_approve_max_risk() -> int:
    """Above this risk an item needs a review of its own, not a bulk approval."""
    return int(settings.BULK_APPROVE_MAX_RISK)
