"""Submitting a story: validate it, record the patient's consent, save the
row as `submitted` (the row is the outbox) and ask for screening on commit."""

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from config import enqueue
from testimonials import languages
from testimonials.consent import authorization_reads, authorizations, consent_terms
from testimonials.errors import FieldErrors, IdempotencyKeyReused
from testimonials.honesty import disclosures
from testimonials.invitations import services as invitations
from testimonials.media import services as media_services
from testimonials.models import (
    Authorization,
    ConsentText,
    DisplayPreference,
    Status,
    Testimonial,
    Topic,
)
from testimonials.places import selectors as places
from testimonials.places.settings import effective_settings
from testimonials.publishing import generation

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
    material_connection: str = ""
    material_connection_detail: str = ""
    invitation: str = ""
    # The authorization (see `consent_terms.terms_from` for the defaults).
    channels: tuple[str, ...] = ()
    signature: str = ""
    expires_on: date | None = None
    patient_is_adult: bool | None = None
    guardian_relationship: str = ""
    # Where: the location's and the clinician's slugs (see `_place`).
    location_slug: str = ""
    clinician_slug: str = ""
    # Sanitized photo, video or audio (`testimonials.media`), at most one of each.
    media: tuple[media_services.MediaUpload, ...] = ()

    def fingerprint(self) -> str:
        # The honesty and authorization fields count only when given, so
        # that a retry of a request made before they existed still matches.
        values = {
            name: value
            for name, value in self.__dict__.items()
            if name not in _OPTIONAL_FIELDS or value not in ("", None, ())
        }
        if "media" in values:
            values["media"] = [
                [
                    upload.kind,
                    hashlib.sha256(upload.file.content).hexdigest(),
                    upload.alt_text,
                    upload.captions,
                ]
                for upload in self.media
            ]
        payload = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


_OPTIONAL_FIELDS = frozenset(
    {
        # issue 7: honest publishing
        "material_connection",
        "material_connection_detail",
        "invitation",
        # issue 6: the authorization
        "channels",
        "signature",
        "expires_on",
        "patient_is_adult",
        "guardian_relationship",
        # issue 18: organisations and locations
        "location_slug",
        "clinician_slug",
        # issue 22: photos and video
        "media",
    }
)


@dataclass(frozen=True)
class SubmitOutcome:
    testimonial: Testimonial
    created: bool
    # The authorization signed with it; None when an earlier request's
    # story is answered again.
    authorization: Authorization | None = None


def testimonial_submit(
    *, submission: Submission, idempotency_key: str | None = None, reader_language: str = ""
) -> SubmitOutcome:
    """Store a patient's story as `submitted`, with the authorization they
    signed for it, and start its screening.

    Refuses (`FieldErrors`, nothing stored) an unknown or closed topic, consent
    not given, a consent version that is unknown or superseded, terms of
    authorization that do not hold (`consent_terms.terms_from`), or an
    invitation that is invalid, expired or used; a valid one is used up in
    the same transaction and makes the story a verified patient's. With an
    `idempotency_key` seen before, answers the earlier testimonial when the
    request is the same and `IdempotencyKeyReused` when it is not. After
    commit, asks moderation to screen it; the row is the outbox, so a broker
    that is down delays screening but loses nothing.

    `reader_language` is the language the patient was asked in (the share
    page's, or the API client's `Accept-Language`): when the topic publishes
    in it, the story's emails use it until screening detects the language
    the story is written in. It is not part of the request's identity for
    the `idempotency_key`.
    """
    fingerprint = submission.fingerprint()
    if idempotency_key:
        earlier = _idempotent_replay(idempotency_key, fingerprint)
        if earlier is not None:
            return SubmitOutcome(earlier, created=False)

    now = timezone.now()
    topic, consent, terms, place = _validate(_with_invited_place(submission), now)
    disclosures.check_connection(
        submission.material_connection, submission.material_connection_detail
    )
    saved = media_services.media_files_save(submission.media)
    try:
        with transaction.atomic():
            invitation = (
                invitations.invitation_claim(token=submission.invitation, topic=topic)
                if submission.invitation
                else None
            )
            if invitation is not None and invitation.location is not None:
                # A visit's invitation knows where the patient was treated.
                place = places.Place(location=invitation.location, clinician=invitation.clinician)
            testimonial = Testimonial.objects.create(
                topic=topic,
                location=place.location,
                clinician=place.clinician,
                language=(
                    reader_language if reader_language in languages.topic_languages(topic) else ""
                ),
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
                material_connection=submission.material_connection,
                material_connection_detail=submission.material_connection_detail.strip(),
                invitation=invitation,
                incentive=invitation.incentive if invitation else "",
            )
            media_services.media_rows_create(testimonial=testimonial, saved=saved)
            authorization = authorizations.authorization_sign(
                testimonial=testimonial,
                consent_text=consent,
                terms=terms,
                now=now,
                media=media_services.media_kinds_key(upload.kind for upload in submission.media),
            )
            transaction.on_commit(generation.stats_changed)
            enqueue.on_commit(
                "moderation.tasks.screen_testimonial", testimonial.pk, label="screening"
            )
    except BaseException as exc:
        # Nothing stored: the files go with the rows that never committed.
        media_services.media_discard(name for _, name in saved)
        if not isinstance(exc, IntegrityError):
            raise
        # Two requests with one Idempotency-Key raced; the other one won.
        if idempotency_key:
            earlier = _idempotent_replay(idempotency_key, fingerprint)
            if earlier is not None:
                return SubmitOutcome(earlier, created=False)
        raise
    logger.info("testimonial=%s submitted topic=%s", testimonial.public_id, topic.slug)
    return SubmitOutcome(testimonial, created=True, authorization=authorization)


def _with_invited_place(submission: Submission) -> Submission:
    """A visit's invitation names where the patient was treated: the
    submission is judged at that place (the claim below keeps it)."""
    if not submission.invitation:
        return submission
    try:
        invitation = invitations.invitation_for_token(submission.invitation)
    except invitations.InvitationRefused:
        return submission  # refused with its reason when it is claimed
    if invitation.location is None:
        return submission
    return replace(
        submission,
        location_slug=invitation.location.slug,
        clinician_slug=invitation.clinician.slug if invitation.clinician else "",
    )


def _idempotent_replay(key: str, fingerprint: str) -> Testimonial | None:
    earlier = Testimonial.objects.select_related("topic").filter(idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different submission.")
    return earlier


def _validate(
    submission: Submission, now: datetime
) -> tuple[Topic, ConsentText, consent_terms.Terms, places.Place]:
    errors: dict[str, list[str]] = {}
    # The topic's place comes along: the settings and the discloser read it.
    topic = (
        Topic.objects.select_related("location__organisation", "organisation")
        .filter(slug=submission.topic_slug)
        .first()
    )
    place = None
    if topic is None:
        errors["topic"] = [gettext("No topic with this slug.")]
    elif not topic.open_for_submissions:
        errors["topic"] = [gettext("This topic is not open for stories.")]
    else:
        try:
            place = places.place_for_story(
                topic=topic,
                location_slug=submission.location_slug,
                clinician_slug=submission.clinician_slug,
            )
        except FieldErrors as exc:
            errors.update(exc.fields)
    if submission.consent_to_publish is not True:
        errors["consent_to_publish"] = [gettext("Consent to publish is required.")]
    consent = authorization_reads.consent_current(topic.organisation_id if topic else None)
    if consent is None or consent.version != submission.consent_text_version:
        # Another organisation's text is not one this patient could have read.
        readable = Q(organisation=None)
        if topic is not None:
            readable |= Q(organisation_id=topic.organisation_id)
        known = ConsentText.objects.filter(
            readable, version=submission.consent_text_version
        ).exists()
        errors["consent_text_version"] = [
            gettext("This consent version was superseded; please read and accept the current one.")
            if known
            else gettext("Unknown consent version.")
        ]
    terms = None
    try:
        terms = consent_terms.terms_from(
            author_name=submission.author_name,
            channels=submission.channels,
            signature=submission.signature,
            expires_on=submission.expires_on,
            patient_is_adult=submission.patient_is_adult,
            guardian_relationship=submission.guardian_relationship,
            now=now,
            place=effective_settings(place.location) if place else None,
        )
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors or topic is None or consent is None or terms is None or place is None:
        raise FieldErrors(errors)
    return topic, consent, terms, place
