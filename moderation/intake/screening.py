"""Screening one story: claim it (`submitted → screening`), run the
pipeline, store the result (`screening → pending_review`, or `rejected` for
clear spam) with its duplicate keys; or, after every retry failed, send it
to human review flagged as such.

A batch (`screening_batch`) does the same for up to N stories waiting, with
one claim, one transaction for the results and the audit rows and duplicate
keys each written in one INSERT: the task runs one after its own story, so
a worker that falls behind catches up in fewer, larger steps.

Every status change goes through `testimonials.transitions`, which checks
the move, applies it as a compare-and-set and writes the audit record.
"""

import logging
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config import metrics
from moderation import screening
from moderation.intake import captions, duplicates
from moderation.screening import duplicate
from testimonials import transitions
from testimonials.errors import InvalidTransition
from testimonials.models import RejectionReason, Status, StatusChange, Testimonial

logger = logging.getLogger(__name__)


def flag_kinds(flags: list[dict[str, object]]) -> str:
    """',pii,spam,': lets the admin filter by kind with a portable LIKE."""
    kinds = sorted({str(flag["kind"]) for flag in flags})
    return f",{','.join(kinds)}," if kinds else ""


def screening_context(
    testimonial: Testimonial,
    keys: list[int] | None = None,
    *,
    also_earlier: tuple[screening.EarlierItem, ...] = (),
) -> screening.ScreeningContext:
    """`also_earlier`: earlier stories of the same batch, whose keys are not
    stored yet."""
    if keys is None:
        keys = duplicate.lookup_keys(testimonial.body)
    return screening.ScreeningContext(
        topic=testimonial.topic.slug,
        author_name=testimonial.author_name,
        rating=testimonial.rating,
        languages=tuple(testimonial.topic.languages or ()),
        earlier=(
            *also_earlier,
            *duplicates.earlier_candidates(testimonial, keys),
        )[: duplicates.MAX_DUPLICATE_CANDIDATES],
    )


def _result_move(
    testimonial: Testimonial, result: screening.ScreeningResult, context: screening.ScreeningContext
) -> transitions.Move:
    """Where a screened story goes, with what the screening found."""
    # The captions of a video count like the text; a person reviews any media.
    flags = result.flags + captions.captions_screen(
        testimonial, replace(context, language=result.language)
    )
    flag_dicts = [flag.as_dict() for flag in flags]
    risk_score = screening.risk_score(flags)
    to = Status.REJECTED if result.action == "auto_reject" else Status.PENDING_REVIEW
    fields: dict[str, Any] = {
        "screening_flags": flag_dicts,
        "flag_kinds": flag_kinds(flag_dicts),
        "risk_score": risk_score,
        "suggested_body": result.suggested_body,
        "language": result.language or "",
        "screened_at": timezone.now(),
        "screening_model_version": result.model_version,
    }
    if to == Status.REJECTED:
        fields["rejection_reason"] = RejectionReason.SPAM
    return transitions.Move(
        testimonial,
        to,
        reason="clear spam" if to == Status.REJECTED else "",
        details={"risk_score": risk_score, "flags": len(flags)},
        fields=fields,
    )


def _count_outcome(to: str) -> None:
    outcome = "auto_rejected" if to == Status.REJECTED else "queued"
    transaction.on_commit(lambda: metrics.screenings.labels(outcome).inc())


def _claimed_by_a_running_batch(testimonial: Testimonial) -> bool:
    """A batch claimed this story moments ago and is screening it: its own
    message has nothing to do. Should that batch die, the sweep sends the
    story again once it has waited `SCREENING_STUCK_AFTER`, and then it is
    screened whoever claimed it."""
    return StatusChange.objects.filter(
        testimonial_id=testimonial.pk,
        to_status=Status.SCREENING,
        details__batch=True,
        created_at__gte=timezone.now() - settings.SCREENING_STUCK_AFTER,
    ).exists()


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
    elif testimonial.status == Status.SCREENING and _claimed_by_a_running_batch(testimonial):
        return None
    if testimonial.status != Status.SCREENING:
        return None

    keys = duplicate.lookup_keys(testimonial.body)
    context = screening_context(testimonial, keys)
    move = _result_move(testimonial, screening.run(testimonial.body, context), context)
    try:
        with transaction.atomic():
            screened = transitions.transition(
                testimonial,
                to=move.to,
                actor=transitions.SCREENING,
                reason=move.reason,
                details=move.details,
                **(move.fields or {}),
            )
            duplicates.keys_store(testimonial, keys)
            _count_outcome(move.to)
            return screened
    except InvalidTransition:
        return None  # withdrawn meanwhile, or another run stored its result first


def screening_batch(*, limit: int, exclude: int | None = None) -> list[Testimonial]:
    """Screen up to `limit` stories waiting in `submitted`, oldest first
    (never `exclude`, the story the calling task screens itself).

    Safe beside other batches and single runs: the claim skips rows another
    worker has locked and is a compare-and-set, as is each result; the
    claimed stories' own messages find them claimed and do nothing. A story
    whose screening raises stays in `screening`: the sweep sends it again
    after `SCREENING_STUCK_AFTER`, and its own retries take over from there.
    Returns the stories screened."""
    if limit <= 0:
        return []
    with transaction.atomic():
        waiting = (
            Testimonial.objects.select_related("topic")
            .select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.SUBMITTED)
            .order_by("pk")
        )
        if exclude is not None:
            waiting = waiting.exclude(pk=exclude)
        claimed = transitions.transition_many(
            [
                transitions.Move(story, Status.SCREENING, details={"batch": True})
                for story in waiting[:limit]
            ],
            actor=transitions.SCREENING,
        )
    moves: list[transitions.Move] = []
    keys_of: dict[int, list[int]] = {}
    for story in claimed:
        try:
            keys = duplicate.lookup_keys(story.body)
            in_batch = tuple(
                screening.EarlierItem(
                    id=str(earlier.testimonial.public_id), body=earlier.testimonial.body
                )
                for earlier in moves
                if set(keys_of[earlier.testimonial.pk]) & set(keys)
            )
            context = screening_context(story, keys, also_earlier=in_batch)
            moves.append(_result_move(story, screening.run(story.body, context), context))
            keys_of[story.pk] = keys
        except Exception as exc:
            logger.warning(
                "screening testimonial id=%s in a batch failed (%s); the sweep sends it again",
                story.pk,
                type(exc).__name__,
            )
    with transaction.atomic():
        screened = transitions.transition_many(moves, actor=transitions.SCREENING)
        duplicates.keys_store_many({story.pk: keys_of[story.pk] for story in screened})
        for story in screened:
            _count_outcome(story.status)
    return screened


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
