"""Moderation's writes: screening outcomes and moderators' decisions.

Every status change goes through `testimonials.transitions`, which checks
the move, applies it as a compare-and-set and writes the audit record.
"""

import difflib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from config import metrics
from moderation import notifications, screening
from moderation.models import DuplicateKey, ModeratorNote, ReviewClaim
from moderation.permissions import CLINIC_ADMINS_GROUP as CLINIC_ADMINS_GROUP
from moderation.permissions import MODERATORS_GROUP
from moderation.screening import duplicate
from testimonials import authorizations, disclosures, transitions
from testimonials import selectors as testimonial_selectors
from testimonials.errors import FieldErrors, InvalidTransition, NotFound
from testimonials.models import RejectionReason, Status, Testimonial

logger = logging.getLogger(__name__)


def flag_kinds(flags: list[dict[str, object]]) -> str:
    """',pii,spam,': lets the admin filter by kind with a portable LIKE."""
    kinds = sorted({str(flag["kind"]) for flag in flags})
    return f",{','.join(kinds)}," if kinds else ""


def screening_enqueue(testimonial_id: int) -> None:
    """Hand a committed submission to the worker (the hook `testimonials`
    calls after commit; registered in `ModerationConfig.ready`)."""
    from moderation.tasks import screen_testimonial

    screen_testimonial.delay(testimonial_id)


# Enough to find a story's duplicates, few enough to compare in a millisecond.
MAX_DUPLICATE_CANDIDATES = 20


def earlier_candidates(
    testimonial: Testimonial, keys: list[int]
) -> tuple[screening.EarlierItem, ...]:
    """Earlier stories sharing a lookup key with this one, most keys first:
    an indexed query, whatever the number of stories."""
    if not keys:
        return ()
    ids = list(
        DuplicateKey.objects.filter(key__in=keys, testimonial_id__lt=testimonial.pk)
        .values("testimonial_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "testimonial_id")
        .values_list("testimonial_id", flat=True)[:MAX_DUPLICATE_CANDIDATES]
    )
    rows = Testimonial.objects.filter(pk__in=ids).values_list("public_id", "body")
    return tuple(screening.EarlierItem(id=str(public_id), body=body) for public_id, body in rows)


def screening_context(
    testimonial: Testimonial, keys: list[int] | None = None
) -> screening.ScreeningContext:
    if keys is None:
        keys = duplicate.lookup_keys(testimonial.body)
    return screening.ScreeningContext(
        topic=testimonial.topic.slug,
        author_name=testimonial.author_name,
        rating=testimonial.rating,
        languages=tuple(testimonial.topic.languages or ()),
        earlier=earlier_candidates(testimonial, keys),
    )


def testimonial_screen(*, testimonial_id: int) -> Testimonial | None:
    """Screen one submission and move it to `pending_review` (or `rejected`
    when it is clear spam).

    Safe to run twice and concurrently: the claim `submitted → screening` and
    the result `screening → …` are compare-and-set, so exactly one result is
    stored; a run that finds the item already screened does nothing and
    returns `None`. An item left in `screening` by a crashed worker is
    screened again.
    """
    testimonial = Testimonial.objects.select_related("topic").filter(pk=testimonial_id).first()
    if testimonial is None:
        logger.warning("testimonial id=%s vanished before screening", testimonial_id)
        return None
    if testimonial.status == Status.SUBMITTED:
        try:
            testimonial = transitions.transition(
                testimonial, to=Status.SCREENING, actor=transitions.SCREENING
            )
        except InvalidTransition:
            return None  # another worker claimed it first
    if testimonial.status != Status.SCREENING:
        return None

    keys = duplicate.lookup_keys(testimonial.body)
    result = screening.run(testimonial.body, screening_context(testimonial, keys))
    to = Status.REJECTED if result.action == "auto_reject" else Status.PENDING_REVIEW
    fields: dict[str, Any] = {
        "screening_flags": result.flags_as_dicts(),
        "flag_kinds": flag_kinds(result.flags_as_dicts()),
        "risk_score": result.risk_score,
        "suggested_body": result.suggested_body,
        "language": result.language or "",
        "screened_at": timezone.now(),
        "screening_model_version": result.model_version,
    }
    if to == Status.REJECTED:
        fields["rejection_reason"] = RejectionReason.SPAM
    try:
        with transaction.atomic():
            screened = transitions.transition(
                testimonial,
                to=to,
                actor=transitions.SCREENING,
                reason="clear spam" if to == Status.REJECTED else "",
                details={"risk_score": result.risk_score, "flags": len(result.flags)},
                **fields,
            )
            # Later submissions find this one through its keys.
            DuplicateKey.objects.bulk_create(
                [DuplicateKey(testimonial_id=testimonial.pk, key=key) for key in keys],
                ignore_conflicts=True,
            )
            outcome = "auto_rejected" if to == Status.REJECTED else "queued"
            transaction.on_commit(lambda: metrics.screenings.labels(outcome).inc())
            return screened
    except InvalidTransition:
        return None  # withdrawn meanwhile, or another run stored its result first


def screening_give_up(*, testimonial_id: int, error: str) -> Testimonial | None:
    """Screening failed every retry: a human reviews it, flagged as such.
    A failure never publishes anything."""
    testimonial = Testimonial.objects.filter(pk=testimonial_id).first()
    if testimonial is None or testimonial.status not in (Status.SUBMITTED, Status.SCREENING):
        return None
    if testimonial.status == Status.SUBMITTED:
        testimonial = transitions.transition(
            testimonial, to=Status.SCREENING, actor=transitions.SCREENING
        )
    flag = screening.Flag(
        kind="screening_failed", severity="high", detail=f"Automatic screening failed ({error})."
    )
    given_up = transitions.transition(
        testimonial,
        to=Status.PENDING_REVIEW,
        actor=transitions.SCREENING,
        reason="screening failed; sent to human review",
        screening_flags=[flag.as_dict()],
        flag_kinds=flag_kinds([flag.as_dict()]),
        risk_score=screening.risk_score([flag]),
        screened_at=timezone.now(),
    )
    metrics.screenings.labels("gave_up").inc()
    return given_up


def screening_sweep() -> int:
    """Re-enqueue submissions stuck before review (a lost message, a broker
    that was down, a worker that died). Returns how many were re-enqueued."""
    cutoff = timezone.now() - settings.SCREENING_STUCK_AFTER
    stuck_ids = list(
        Testimonial.objects.filter(
            Q(status=Status.SUBMITTED) | Q(status=Status.SCREENING),
            status_changed_at__lt=cutoff,
        )
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:1000]
    )
    for testimonial_id in stuck_ids:
        screening_enqueue(testimonial_id)
    if stuck_ids:
        logger.info("sweep re-enqueued %d testimonials for screening", len(stuck_ids))
    return len(stuck_ids)


def _for_decision(
    public_id: uuid.UUID, *, allowed_from: frozenset[str], expected_version: int | None = None
) -> Testimonial:
    """The item a moderator decides on, if its status allows that decision.

    `testimonials.transitions` allows every move the system makes; moderators
    make fewer. In particular `screening` belongs to the screening task: a
    moderator who rejected or "reopened" an item mid-screening would skip
    its flags (found by the access matrix, tests/security).
    """
    testimonial = Testimonial.objects.filter(public_id=public_id).first()
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
    ReviewClaim.objects.filter(testimonial=testimonial, moderator=moderator).delete()
    if awaiting_patient:
        authorizations.approval_request(testimonial=testimonial)
    elif testimonial.status in (Status.PUBLISHED, Status.REJECTED):
        notifications.patient_decision_enqueue(testimonial)


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
) -> Testimonial:
    """Publish a story awaiting review, optionally with an edited (e.g.
    redacted) text, or with screening's suggested redaction in one step;
    the patient's original stays in `body`.

    Published with its disclosures (`disclosures.approval_disclosures`): the
    topic's typical-results statement, or the one tagged `typical_results`;
    refused (`FieldErrors`) for a story claiming a result when there is
    none. `material_connection` (and detail) replace what the patient said.
    A redaction (`testimonials.consent.is_redaction`) is covered by the
    patient's authorization and public at once; any other edit is
    published but shown nowhere until the patient approves it on their
    page, and they are asked by email. Refuses (`AuthorizationRequired`)
    a story whose authorization is not in effect. With `expected_version`,
    refuses (`StaleVersion`) when the item changed after the moderator
    opened it. Emails the patient after commit.
    """
    testimonial = _for_decision(
        public_id, allowed_from=DECIDABLE_FROM[Status.PUBLISHED], expected_version=expected_version
    )
    if use_suggested_body:
        if not testimonial.suggested_body:
            raise FieldErrors({"use_suggested_body": ["Screening suggested no redaction."]})
        body = testimonial.suggested_body
    edited = body is not None and body.strip() != testimonial.body.strip()
    published_body = body.strip() if edited and body is not None else ""
    coverage = authorizations.authorization_for_edit(
        testimonial=testimonial,
        text=published_body or testimonial.body,
        editor=moderator.get_username(),
    )
    if testimonial_selectors.awaiting_first_authorization(testimonial):
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
        details["text_diff"] = text_diff(testimonial.body, published_body)
    with transaction.atomic():
        testimonial = transitions.transition(
            testimonial,
            to=Status.PUBLISHED,
            actor=transitions.Actor.for_user(moderator),
            reason=reason,
            details=details,
            expected_version=expected_version,
            alongside=coverage.alongside,
            published_body=published_body,
            decided_by=moderator,
            decided_at=timezone.now(),
            **honest.fields,
        )
        _after_decision(testimonial, moderator, awaiting_patient=not coverage.covered)
    return testimonial


def text_diff(before: str, after: str) -> str:
    """A unified diff of a published text's change, kept in its audit record
    so that the evidence export can show every edit."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=1
    )
    return "\n".join(lines)


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
    testimonial = _for_decision(
        public_id, allowed_from=DECIDABLE_FROM[to], expected_version=expected_version
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
    testimonial = _for_decision(
        public_id,
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
    testimonial = _for_decision(public_id, allowed_from=ANY_STATUS)
    transitions.check_version(testimonial, expected_version)
    published_body = "" if text == testimonial.body.strip() else text
    if testimonial.status == Status.PUBLISHED and published_body == testimonial.published_body:
        return testimonial
    coverage = authorizations.authorization_for_edit(
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
                "text_diff": text_diff(testimonial.shown_body, published_body or testimonial.body),
            },
            expected_version=expected_version,
            alongside=coverage.alongside,
            published_body=published_body,
        )
        if not coverage.covered:
            authorizations.approval_request(testimonial=testimonial)
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
    testimonial = _for_decision(public_id, allowed_from=ANY_STATUS)
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
    testimonial = _for_decision(public_id, allowed_from=ANY_STATUS)
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


def moderator_note_add(*, public_id: uuid.UUID, moderator: User, text: str) -> ModeratorNote:
    """A private note on an item, for the other moderators."""
    if not text.strip():
        raise FieldErrors({"text": ["Write something."]})
    testimonial = _for_decision(public_id, allowed_from=ANY_STATUS)
    return ModeratorNote.objects.create(
        testimonial=testimonial,
        author=moderator,
        author_label=moderator.get_username(),
        text=text.strip(),
    )


@dataclass(frozen=True)
class ClaimState:
    """Who is reviewing an item; `mine` is False when someone else is."""

    moderator: str
    expires_at: datetime
    mine: bool


def review_claim(*, testimonial: Testimonial, moderator: User) -> ClaimState:
    """Claim an item on opening it, unless another moderator's claim is still
    running; either way, say who is looking. Claims expire on their own."""
    now = timezone.now()
    expires_at = now + settings.REVIEW_CLAIM_TTL
    with transaction.atomic():
        ReviewClaim.objects.filter(testimonial=testimonial, expires_at__lte=now).delete()
        claim, created = ReviewClaim.objects.select_for_update().get_or_create(
            testimonial=testimonial,
            defaults={"moderator": moderator, "claimed_at": now, "expires_at": expires_at},
        )
        if not created and claim.moderator_id == moderator.pk:
            claim.expires_at = expires_at
            claim.save(update_fields=["expires_at"])
    return ClaimState(
        moderator=claim.moderator.get_username(),
        expires_at=claim.expires_at,
        mine=claim.moderator_id == moderator.pk,
    )


def review_release(*, testimonial: Testimonial, moderator: User) -> None:
    ReviewClaim.objects.filter(testimonial=testimonial, moderator=moderator).delete()


def moderators_group_ensure() -> Group:
    """The Moderators group with exactly the permissions moderators need.
    Idempotent; runs after every `migrate` and from `create_moderator`."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label="testimonials",
        codename__in=[
            "moderate_testimonial",
            "view_testimonial",
            "view_topic",
            "view_statuschange",
            "view_authorization",
            "add_invitation",
            "view_invitation",
            "view_typicalresultsstatement",
        ],
    )
    group.permissions.set(wanted)
    return group


def clinic_admins_group_ensure() -> Group:
    """Admins manage topics, consent texts, moderator accounts and the
    websites that show stories (keys, webhooks, deliveries); deciding on
    stories stays with moderators. Superusers can do both."""
    group, _ = Group.objects.get_or_create(name=CLINIC_ADMINS_GROUP)
    wanted = Permission.objects.filter(
        Q(content_type__app_label="testimonials", codename__endswith="_topic")
        | Q(content_type__app_label="testimonials", codename__endswith="_consenttext")
        | Q(content_type__app_label="testimonials", codename__endswith="_site")
        | Q(content_type__app_label="testimonials", codename__endswith="_webhookendpoint")
        | Q(content_type__app_label="testimonials", codename__endswith="_typicalresultsstatement")
        | Q(
            content_type__app_label="testimonials",
            codename__in=["add_invitation", "view_invitation"],
        )
        | Q(
            content_type__app_label="testimonials",
            codename__in=["view_authorization", "erase_personal_data", "view_testimonial"],
        )
        | Q(
            content_type__app_label="testimonials",
            codename__in=["view_webhookdelivery", "change_webhookdelivery"],
        )
        | Q(
            content_type__app_label="auth",
            codename__in=["add_user", "change_user", "view_user", "view_group"],
        )
        | Q(content_type__app_label="authtoken")
    ).exclude(codename="delete_consenttext")
    group.permissions.set(wanted)
    return group


def moderator_create(*, username: str, email: str = "", password: str | None = None) -> Token:
    """Create or update a moderator account; returns its API token."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.is_staff = True
    user.is_active = True
    if email:
        user.email = email
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    user.groups.add(moderators_group_ensure())
    token, _ = Token.objects.get_or_create(user=user)
    logger.info("moderator account %s %s", user.pk, "created" if created else "updated")
    return token
