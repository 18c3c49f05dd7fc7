"""Screening one story: claim it (`submitted → screening`), run the
pipeline, store the result (`screening → pending_review`, or `rejected` for
clear spam) with its duplicate keys; or, after every retry failed, send it
to human review flagged as such.

Every status change goes through `testimonials.transitions`, which checks
the move, applies it as a compare-and-set and writes the audit record.
"""

import logging
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from config import metrics
from moderation import screening
from moderation.intake import captions, duplicates
from moderation.screening import duplicate
from testimonials import transitions
from testimonials.errors import InvalidTransition
from testimonials.models import RejectionReason, Status, Testimonial

logger = logging.getLogger(__name__)


def flag_kinds(flags: list[dict[str, object]]) -> str:
    """',pii,spam,': lets the admin filter by kind with a portable LIKE."""
    kinds = sorted({str(flag["kind"]) for flag in flags})
    return f",{','.join(kinds)}," if kinds else ""


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
        earlier=duplicates.earlier_candidates(testimonial, keys),
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
    context = screening_context(testimonial, keys)
    result = screening.run(testimonial.body, context)
    # The captions of a video count like the text; a person reviews any media.
    flags = result.flags + captions.captions_screen(
        testimonial, replace(context, language=result.language)
    )
    flag_dicts = [flag.as_dict() for flag in flags]
    to = Status.REJECTED if result.action == "auto_reject" else Status.PENDING_REVIEW
    fields: dict[str, Any] = {
        "screening_flags": flag_dicts,
        "flag_kinds": flag_kinds(flag_dicts),
        "risk_score": screening.risk_score(flags),
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
                details={"risk_score": fields["risk_score"], "flags": len(flags)},
                **fields,
            )
            duplicates.keys_store(testimonial, keys)
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
