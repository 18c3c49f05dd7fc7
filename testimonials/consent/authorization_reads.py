"""Reads of consent: the text in force, a story's authorization and its
history, and whether it covers what the story shows."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from testimonials.consent import rules as consent_rules
from testimonials.models import (
    Authorization,
    ConsentText,
    Location,
    Status,
    Testimonial,
    Topic,
)
from testimonials.publishing.representations import api_time


def consent_current(organisation_id: int | None = None) -> ConsentText | None:
    """The consent text a patient of the organisation must agree to now: its
    own current text if it has one, else the installation's default (a text
    of no organisation)."""
    current = ConsentText.objects.filter(superseded_at__isnull=True)
    if organisation_id is None:
        return current.filter(organisation=None).order_by("-created_at").first()
    # One query: the organisation's own texts sort before the default ones.
    return (
        current.filter(Q(organisation_id=organisation_id) | Q(organisation=None))
        .order_by(F("organisation_id").desc(nulls_last=True), "-created_at")
        .first()
    )


def consent_for_story(testimonial: Testimonial) -> ConsentText | None:
    """The consent text a patient signs now for this story (its topic's organisation's)."""
    return consent_current(testimonial.topic.organisation_id)


# --- Authorizations -------------------------------------------------------------


def authorization_current(*, testimonial_id: int) -> Authorization | None:
    """The story's current authorization (in effect or not), or None."""
    return Authorization.objects.filter(testimonial_id=testimonial_id, superseded_at=None).first()


def authorization_in_effect(*, testimonial_id: int) -> Authorization | None:
    """The current authorization if it is neither revoked nor expired."""
    return Authorization.objects.filter(
        testimonial_id=testimonial_id,
        superseded_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).first()


def awaiting_first_authorization(testimonial: Testimonial) -> bool:
    """An imported story that came without consent and that its patient can
    still be asked to authorize: it has an email address and has never had
    an authorization. A moderator may approve it; the gate keeps it off
    every surface until the patient signs. Without an email address no one
    can ask, so it can never be published."""
    return (
        bool(testimonial.source)
        and not testimonial.consent_to_publish
        and bool(testimonial.email)
        and testimonial.erased_at is None
        and not Authorization.objects.filter(testimonial_id=testimonial.pk).exists()
    )


def covers(authorization: Authorization, testimonial: Testimonial) -> bool:
    """Whether the authorization covers what the story shows now."""
    fingerprint = consent_rules.content_sha256(
        text=testimonial.shown_body, display_name=testimonial.display_name
    )
    return authorization.content_sha256 == fingerprint


@dataclass(frozen=True)
class AuthorizationState:
    """A story's authorization as the patient's page, the moderators and
    the API describe it."""

    current: Authorization | None
    in_effect: bool
    expired: bool
    revoked: bool
    covers_shown: bool
    awaiting_approval: bool
    renewal_open: bool
    diff: list[consent_rules.DiffPart] = field(default_factory=list)
    history: list[Authorization] = field(default_factory=list)

    @property
    def state(self) -> str:
        """One word: `active`, `awaiting_approval`, `expired`, `revoked` or `none`."""
        if self.current is None:
            return "none"
        if self.revoked:
            return "revoked"
        if self.expired:
            return "expired"
        return "awaiting_approval" if self.awaiting_approval else "active"


def authorization_state(
    testimonial: Testimonial, *, history: list[Authorization] | None = None
) -> AuthorizationState:
    """`history`, oldest first, when the caller has just written it all (a
    new submission's one row); read from the database otherwise."""
    if history is None:
        history = list(
            Authorization.objects.filter(testimonial_id=testimonial.pk)
            .select_related("consent_text")
            .order_by("created_at", "id")
        )
    current = next((row for row in history if row.superseded_at is None), None)
    if current is None:
        return AuthorizationState(
            current=None,
            in_effect=False,
            expired=False,
            revoked=False,
            covers_shown=False,
            awaiting_approval=False,
            renewal_open=False,
            history=history,
        )
    now = timezone.now()
    in_effect = current.is_in_effect(now)
    covers_shown = covers(current, testimonial)
    awaiting = in_effect and not covers_shown and testimonial.status == Status.PUBLISHED
    renewal_open = (
        in_effect
        and testimonial.status in (Status.PUBLISHED, Status.PENDING_REVIEW)
        and current.expires_at <= now + settings.AUTHORIZATION_RECONFIRM_BEFORE
    )
    return AuthorizationState(
        current=current,
        in_effect=in_effect,
        expired=current.revoked_at is None and current.expires_at <= now,
        revoked=current.revoked_at is not None,
        covers_shown=covers_shown,
        awaiting_approval=awaiting,
        renewal_open=renewal_open,
        diff=consent_rules.word_diff(current.text, testimonial.shown_body) if awaiting else [],
        history=history,
    )


def authorization_copy(
    testimonial: Testimonial, *, history: list[Authorization] | None = None
) -> dict[str, Any] | None:
    """The patient's copy of their current authorization, as JSON."""
    state = authorization_state(testimonial, history=history)
    if state.current is None:
        return None
    return {
        **authorization_record(state.current),
        "state": state.state,
        "awaiting_approval": state.awaiting_approval,
    }


def authorization_record(current: Authorization) -> dict[str, Any]:
    """One authorization row as JSON: the copy, the export, the evidence."""
    template = current.consent_text
    return {
        "id": str(current.public_id),
        "basis": current.basis,
        "text": current.text,
        "created_at": api_time(current.created_at),
        "superseded_at": api_time(current.superseded_at) if current.superseded_at else None,
        "content_sha256": current.content_sha256,
        "display_name": current.display_name,
        "channels": current.channels,
        "expires_at": api_time(current.expires_at),
        "signature": current.signature,
        "signature_method": current.signature_method,
        "signer_role": current.signer_role,
        "patient_is_adult": current.patient_is_adult,
        "signed_at": api_time(current.signed_at),
        "revoked_at": api_time(current.revoked_at) if current.revoked_at else None,
        "consent_version": template.version,
        "consent_text": template.text,
        "discloser": discloser_of(template, current.testimonial),
        "purpose": template.purpose,
        "statements": {
            "revocation": template.revocation_statement,
            "conditioning": template.conditioning_statement,
            "redisclosure": template.redisclosure_statement,
        },
        "media": current.media_kinds,
    }


@dataclass(frozen=True)
class AuthorizationEvent:
    """One row of a story's authorization history, with how its text differs
    from the row before it (empty when the text did not change)."""

    authorization: Authorization
    diff: list[consent_rules.DiffPart]


def authorization_history(history: list[Authorization]) -> list[AuthorizationEvent]:
    by_id = {row.pk: row for row in history}
    events = []
    for row in history:
        parent = by_id.get(row.parent_id) if row.parent_id else None
        changed = parent is not None and parent.text != row.text and row.text
        diff = consent_rules.word_diff(parent.text, row.text) if parent and changed else []
        events.append(AuthorizationEvent(authorization=row, diff=diff))
    return events


def discloser_of(template: ConsentText, place: Testimonial | Location | Topic | None) -> str:
    """The consent version's discloser, naming the story's organisation and
    location (before there is a story: the location chosen, or the topic's
    location, or its organisation's when its locations share it)."""
    if isinstance(place, Testimonial | Location):
        location = place.location if isinstance(place, Testimonial) else place
        return consent_rules.discloser_named(
            template.discloser, organisation=location.organisation.name, location=location.name
        )
    if isinstance(place, Topic):
        topic_location = place.location
        return consent_rules.discloser_named(
            template.discloser,
            organisation=place.organisation.name,
            location=topic_location.name if topic_location else "",
        )
    return template.discloser
