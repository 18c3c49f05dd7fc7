"""Writes for the patients' side: submitting and withdrawing stories."""

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from testimonials import hooks, selectors, transitions
from testimonials.errors import FieldErrors, IdempotencyKeyReused
from testimonials.models import ConsentText, DisplayPreference, Status, Testimonial, Topic

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    topic_slug: str
    author_name: str
    body: str
    consent_to_publish: bool
    consent_text_version: str
    email: str = ""
    rating: int | None = None
    display_preference: str = DisplayPreference.FIRST_NAME_INITIAL

    def fingerprint(self) -> str:
        payload = json.dumps(self.__dict__, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class SubmitOutcome:
    testimonial: Testimonial
    created: bool


def testimonial_submit(
    *, submission: Submission, idempotency_key: str | None = None
) -> SubmitOutcome:
    """Store a patient's story as `submitted` and start its screening.

    Refuses (`FieldErrors`, nothing stored) an unknown or closed topic, consent
    not given, or a consent version that is unknown or superseded. With an
    `idempotency_key` seen before, answers the earlier testimonial when the
    request is the same and `IdempotencyKeyReused` when it is not. After
    commit, asks moderation to screen it; the row is the outbox, so a broker
    that is down delays screening but loses nothing.
    """
    fingerprint = submission.fingerprint()
    if idempotency_key:
        earlier = _idempotent_replay(idempotency_key, fingerprint)
        if earlier is not None:
            return SubmitOutcome(earlier, created=False)

    topic, consent = _validate(submission)
    now = timezone.now()
    try:
        with transaction.atomic():
            testimonial = Testimonial.objects.create(
                topic=topic,
                author_name=submission.author_name,
                display_preference=submission.display_preference,
                email=submission.email,
                body=submission.body,
                rating=submission.rating,
                consent_to_publish=True,
                consent_text=consent,
                consented_at=now,
                status=Status.SUBMITTED,
                status_changed_at=now,
                idempotency_key=idempotency_key or None,
                request_fingerprint=fingerprint,
            )
            transaction.on_commit(partial(hooks.request_screening, testimonial.pk))
    except IntegrityError:
        # Two requests with one Idempotency-Key raced; the other one won.
        if idempotency_key:
            earlier = _idempotent_replay(idempotency_key, fingerprint)
            if earlier is not None:
                return SubmitOutcome(earlier, created=False)
        raise
    logger.info("testimonial=%s submitted topic=%s", testimonial.public_id, topic.slug)
    return SubmitOutcome(testimonial, created=True)


def _idempotent_replay(key: str, fingerprint: str) -> Testimonial | None:
    earlier = Testimonial.objects.select_related("topic").filter(idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different submission.")
    return earlier


def _validate(submission: Submission) -> tuple[Topic, ConsentText]:
    errors: dict[str, list[str]] = {}
    topic = Topic.objects.filter(slug=submission.topic_slug).first()
    if topic is None:
        errors["topic"] = ["No topic with this slug."]
    elif not topic.open_for_submissions:
        errors["topic"] = ["This topic is not open for stories."]
    if submission.consent_to_publish is not True:
        errors["consent_to_publish"] = ["Consent to publish is required."]
    consent = selectors.consent_current()
    if consent is None or consent.version != submission.consent_text_version:
        known = ConsentText.objects.filter(version=submission.consent_text_version).exists()
        errors["consent_text_version"] = [
            "This consent version was superseded; please read and accept the current one."
            if known
            else "Unknown consent version."
        ]
    if errors or topic is None or consent is None:
        raise FieldErrors(errors)
    return topic, consent


def testimonial_withdraw(*, testimonial: Testimonial) -> Testimonial:
    """The patient takes their story back, from any status, at once.

    Idempotent: withdrawing a withdrawn story changes nothing.
    """
    if testimonial.status == Status.WITHDRAWN:
        return testimonial
    return transitions.transition(
        testimonial,
        to=Status.WITHDRAWN,
        actor=transitions.PATIENT,
        reason="withdrawn by the patient",
    )
