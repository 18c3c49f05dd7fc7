"""The one module that changes a testimonial's status.

Every move is checked against `ALLOWED`, applied as a compare-and-set on the
status and version the caller read (a lost race is a `Conflict`, never an
overwrite), and recorded in the audit trail in the same transaction. A change
to a published story that keeps it published (`revise_published`) takes the
same path and is audited as `published → published`; so is a change to a
story's authorization (`amend`), in whatever status.

Whatever becomes public, changes while public or stops being public, in
each channel, is recorded for websites by `publishing.generation`: where the story is
public (`gate.public_channels`, the gate) after the change is compared
with where it was before (by the gate, or as last announced to websites),
in its transaction.

No authorization, no publish: a move into `published` is refused unless the
story's authorization is in effect (`AuthorizationRequired`). The one
exception is an imported story awaiting its patient's first authorization
(`authorization_reads.awaiting_first_authorization`): it may be approved, and the gate
keeps it off every surface until the patient signs.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from testimonials.consent import authorization_reads
from testimonials.errors import AuthorizationRequired, InvalidTransition, NotFound, StaleVersion
from testimonials.models import Status, StatusChange, Testimonial
from testimonials.publishing import gate, generation

logger = logging.getLogger(__name__)

ALLOWED: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.SCREENING, Status.WITHDRAWN}),
    Status.SCREENING: frozenset({Status.PENDING_REVIEW, Status.REJECTED, Status.WITHDRAWN}),
    Status.PENDING_REVIEW: frozenset({Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN}),
    Status.PUBLISHED: frozenset({Status.UNPUBLISHED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset({Status.PENDING_REVIEW, Status.WITHDRAWN}),
    Status.UNPUBLISHED: frozenset({Status.PENDING_REVIEW, Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True)
class Actor:
    """Who or what changes a status, as the audit trail names it."""

    label: str
    user: User | None = None

    @classmethod
    def for_user(cls, user: User) -> "Actor":
        return cls(label=user.get_username(), user=user)


PATIENT = Actor("patient")
SCREENING = Actor("system:screening")
AUTHORIZATION = Actor("system:authorization")

# Writes that belong to the same change (authorization rows), run inside its
# transaction after the compare-and-set.
Alongside = Callable[[], object]


def together(*writes: Alongside) -> Alongside:
    """Several `alongside` writes as one, in order."""

    def run() -> None:
        for write in writes:
            write()

    return run


def _reachable_from(start: str) -> frozenset[str]:
    seen = {start}
    frontier = [start]
    while frontier:
        for following in ALLOWED.get(frontier.pop(), frozenset()):
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return frozenset(seen)


# Statuses a story can only be in before it was ever published (submitted,
# screening): no website was ever told about it, so a move from one of them
# needs no look at the changes feed.
NEVER_PUBLISHED = frozenset(ALLOWED) - _reachable_from(Status.PUBLISHED)


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def transition(
    testimonial: Testimonial,
    *,
    to: Status,
    actor: Actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
    expected_version: int | None = None,
    alongside: Alongside | None = None,
    **fields: Any,
) -> Testimonial:
    """Move `testimonial` from the status it was read with to `to`.

    `fields` are written in the same UPDATE, `alongside` in the same
    transaction. Into `published`, raises `AuthorizationRequired` unless the
    authorization is in effect once `alongside` ran. Raises `StaleVersion` when the
    caller decided on an older `expected_version`, `InvalidTransition` when
    the move is not allowed or the row changed since it was read; on success
    the instance holds the row as stored.
    """
    from_status = testimonial.status
    check_version(testimonial, expected_version)
    if not is_allowed(from_status, to):
        raise InvalidTransition(
            f"A {from_status} testimonial cannot become {to}.",
            extra={"status": from_status},
        )
    return _apply(
        testimonial,
        to=to,
        actor=actor,
        reason=reason,
        details=details,
        announce_update=False,
        alongside=alongside,
        fields=fields,
    )


@dataclass(frozen=True)
class Move:
    """One story's move in `transition_many`: where to, what the audit row
    says, and the fields written in the same UPDATE."""

    testimonial: Testimonial
    to: Status
    reason: str = ""
    details: dict[str, Any] | None = None
    fields: dict[str, Any] | None = None


def transition_many(moves: list[Move], *, actor: Actor) -> list[Testimonial]:
    """Several moves between statuses no website ever saw (screening's
    claim and results), in one transaction, with their audit rows written in
    one INSERT. Each move is a compare-and-set on the status and version its
    story was read with, as `transition`'s; one whose row changed meanwhile
    (withdrawn, or taken by another worker) is left out, not an error.
    Returns the stories moved, each instance holding the row as stored."""
    for move in moves:
        from_status = move.testimonial.status
        # From a status no website ever saw, no move publishes or unpublishes:
        # the gate and the changes feed have nothing to look at.
        if from_status not in NEVER_PUBLISHED or not is_allowed(from_status, move.to):
            raise InvalidTransition(
                f"A {from_status} testimonial cannot become {move.to} in a batch.",
                extra={"status": from_status},
            )
    now = timezone.now()
    moved: list[tuple[Move, str]] = []
    with transaction.atomic():
        for move in moves:
            story = move.testimonial
            fields = {**(move.fields or {}), "status_changed_at": now}
            updated = Testimonial.objects.filter(
                pk=story.pk, status=story.status, version=story.version
            ).update(status=move.to, updated_at=now, version=F("version") + 1, **fields)
            if updated == 1:
                moved.append((move, story.status))
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    testimonial_id=move.testimonial.pk,
                    from_status=from_status,
                    to_status=move.to,
                    actor=actor.user,
                    actor_label=actor.label,
                    reason=move.reason,
                    details=move.details or {},
                )
                for move, from_status in moved
            ]
        )
        if moved:
            transaction.on_commit(generation.stats_changed)
    stories = []
    for move, from_status in moved:
        story = move.testimonial
        for name, value in {**(move.fields or {}), "status_changed_at": now}.items():
            setattr(story, name, value)
        story.status, story.updated_at, story.version = move.to, now, story.version + 1
        logger.info(
            "testimonial=%s status %s -> %s by %s",
            story.public_id,
            from_status,
            move.to,
            actor.label,
        )
        stories.append(story)
    return stories


def revise_published(
    testimonial: Testimonial,
    *,
    actor: Actor,
    reason: str,
    details: dict[str, Any] | None = None,
    expected_version: int | None = None,
    alongside: Alongside | None = None,
    **fields: Any,
) -> Testimonial:
    """Change a published story in place (its shown text, whether it is
    featured) without a change of status.

    The same compare-and-set on status and version as `transition`, audited
    as a `published → published` record, and announced to websites as
    `testimonial.updated` in the channels where it stays public (a text its
    authorization does not cover takes it off every surface instead, as
    `testimonial.unpublished`). Raises `InvalidTransition` when the story is
    not (or no longer) published.
    """
    check_version(testimonial, expected_version)
    if testimonial.status != Status.PUBLISHED:
        raise InvalidTransition(
            f"Only a published story can be revised; this one is {testimonial.status}.",
            extra={"status": testimonial.status},
        )
    return _apply(
        testimonial,
        to=Status.PUBLISHED,
        actor=actor,
        reason=reason,
        details=details,
        announce_update=True,
        alongside=alongside,
        fields=fields,
    )


def amend(
    testimonial: Testimonial,
    *,
    actor: Actor,
    reason: str,
    alongside: Alongside | None = None,
    announce_update: bool = True,
    details: dict[str, Any] | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> Testimonial:
    """Change a story in any status without changing the status: its
    authorization (`alongside` writes the rows), its name shown, its
    personal data.

    The same compare-and-set and audit (`X → X`) as `revise_published`. Where
    the story is public, websites hear what changed per channel;
    `announce_update=False` keeps a change that shows nothing new (a renewed
    expiry) from being announced as `testimonial.updated`.
    """
    check_version(testimonial, expected_version)
    return _apply(
        testimonial,
        to=Status(testimonial.status),
        actor=actor,
        reason=reason,
        details=details,
        announce_update=announce_update,
        alongside=alongside,
        fields=fields,
    )


def _apply(
    testimonial: Testimonial,
    *,
    to: Status,
    actor: Actor,
    reason: str,
    details: dict[str, Any] | None,
    announce_update: bool,
    alongside: Alongside | None,
    fields: dict[str, Any],
) -> Testimonial:
    from_status = testimonial.status
    now = timezone.now()
    if to != from_status:
        fields["status_changed_at"] = now
        if to == Status.PUBLISHED:
            fields.setdefault("published_at", now)
    with transaction.atomic():
        # Where websites were told it is public, or it is by the gate: an
        # expiry hides a story before any change tells them so.
        # The gate lets only `published` rows through, and the update below
        # holds only if the status is still `from_status`: a move between
        # other statuses (screening's two) skips the gate's queries.
        before = (
            frozenset()
            if from_status in NEVER_PUBLISHED
            else gate.announced_channels(testimonial_id=testimonial.pk)
        )
        if from_status == Status.PUBLISHED:
            before |= gate.public_channels(testimonial_id=testimonial.pk)
        updated = Testimonial.objects.filter(
            pk=testimonial.pk, status=from_status, version=testimonial.version
        ).update(status=to, updated_at=now, version=F("version") + 1, **fields)
        if updated != 1:
            current = (
                Testimonial.objects.filter(pk=testimonial.pk)
                .values_list("status", flat=True)
                .first()
            )
            if current is None:
                raise NotFound("No such testimonial.")
            raise InvalidTransition(
                f"The testimonial changed meanwhile: it is now {current}.",
                extra={"status": current},
            )
        if alongside is not None:
            alongside()
        if (
            to == Status.PUBLISHED
            and from_status != Status.PUBLISHED
            and authorization_reads.authorization_in_effect(testimonial_id=testimonial.pk) is None
            and not authorization_reads.awaiting_first_authorization(testimonial)
        ):
            raise AuthorizationRequired(
                "This story has no authorization in effect (none, withdrawn or expired): "
                "it cannot be published.",
                extra={"status": from_status},
            )
        after = (
            gate.public_channels(testimonial_id=testimonial.pk)
            if to == Status.PUBLISHED
            else frozenset()
        )
        events = _publication_events(before, after, announce_update=announce_update)
        for event, channels in events:
            generation.publication_record(testimonial=testimonial, event=event, channels=channels)
        if events:
            transaction.on_commit(
                partial(generation.publication_changed, testimonial.pk, events[0][0])
            )
        transaction.on_commit(generation.stats_changed)
        StatusChange.objects.create(
            testimonial_id=testimonial.pk,
            from_status=from_status,
            to_status=to,
            actor=actor.user,
            actor_label=actor.label,
            reason=reason,
            details=details or {},
        )
    logger.info(
        "testimonial=%s status %s -> %s by %s", testimonial.public_id, from_status, to, actor.label
    )
    if alongside is None and not any(hasattr(v, "resolve_expression") for v in fields.values()):
        # The compare-and-set held, so the row is what was read plus this
        # UPDATE: no need to read it back.
        for name, value in fields.items():
            setattr(testimonial, name, value)
        testimonial.status = to
        testimonial.updated_at = now
        testimonial.version += 1
    else:
        testimonial.refresh_from_db()
    return testimonial


def _publication_events(
    before: frozenset[str], after: frozenset[str], *, announce_update: bool
) -> list[tuple[generation.PublicationEvent, frozenset[str]]]:
    """What websites hear, per channel, from where a story was public before
    a change and where it is public after it."""
    events = []
    if after - before:
        events.append((generation.PublicationEvent.PUBLISHED, after - before))
    if announce_update and before & after:
        events.append((generation.PublicationEvent.UPDATED, before & after))
    if before - after:
        events.append((generation.PublicationEvent.UNPUBLISHED, before - after))
    return events


def check_version(testimonial: Testimonial, expected_version: int | None) -> None:
    """Refuse a decision taken on a version of the item that is not current."""
    if expected_version is not None and expected_version != testimonial.version:
        raise StaleVersion(
            "Someone changed this item after you opened it "
            f"(you saw version {expected_version}; it is now version {testimonial.version}, "
            f"{testimonial.status}). Reload it and decide again.",
            extra={"status": testimonial.status, "version": testimonial.version},
        )
