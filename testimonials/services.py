"""Writes for the patients' and the websites' side: submitting and
withdrawing stories, registering sites, delivering webhooks."""

import hashlib
import http.client
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from config import enqueue, metrics
from testimonials import languages, selectors, transitions
from testimonials.consent import authorizations
from testimonials.errors import FieldErrors, IdempotencyKeyReused
from testimonials.honesty import disclosures
from testimonials.invitations import services as invitations
from testimonials.models import (
    Authorization,
    Channel,
    ConsentText,
    DeliveryStatus,
    DisplayPreference,
    PublicationEvent,
    Revocation,
    Site,
    Status,
    Testimonial,
    Topic,
    WebhookDelivery,
)
from testimonials.publishing import generation as publishing
from testimonials.sites import webhooks

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
    # The authorization (see `authorizations.terms_from` for the defaults).
    channels: tuple[str, ...] = ()
    signature: str = ""
    expires_on: date | None = None
    patient_is_adult: bool | None = None
    guardian_relationship: str = ""

    def fingerprint(self) -> str:
        # The honesty and authorization fields count only when given, so
        # that a retry of a request made before they existed still matches.
        values = {
            name: value
            for name, value in self.__dict__.items()
            if name not in _OPTIONAL_FIELDS or value not in ("", None, ())
        }
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
    authorization that do not hold (`authorizations.terms_from`), or an
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
    topic, consent, terms = _validate(submission, now)
    disclosures.check_connection(
        submission.material_connection, submission.material_connection_detail
    )
    try:
        with transaction.atomic():
            invitation = (
                invitations.invitation_claim(token=submission.invitation, topic=topic)
                if submission.invitation
                else None
            )
            testimonial = Testimonial.objects.create(
                topic=topic,
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
            authorization = authorizations.authorization_sign(
                testimonial=testimonial, consent_text=consent, terms=terms, now=now
            )
            transaction.on_commit(publishing.stats_changed)
            enqueue.on_commit(
                "moderation.tasks.screen_testimonial", testimonial.pk, label="screening"
            )
    except IntegrityError:
        # Two requests with one Idempotency-Key raced; the other one won.
        if idempotency_key:
            earlier = _idempotent_replay(idempotency_key, fingerprint)
            if earlier is not None:
                return SubmitOutcome(earlier, created=False)
        raise
    logger.info("testimonial=%s submitted topic=%s", testimonial.public_id, topic.slug)
    return SubmitOutcome(testimonial, created=True, authorization=authorization)


def _idempotent_replay(key: str, fingerprint: str) -> Testimonial | None:
    earlier = Testimonial.objects.select_related("topic").filter(idempotency_key=key).first()
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different submission.")
    return earlier


def _validate(
    submission: Submission, now: datetime
) -> tuple[Topic, ConsentText, authorizations.Terms]:
    errors: dict[str, list[str]] = {}
    topic = Topic.objects.filter(slug=submission.topic_slug).first()
    if topic is None:
        errors["topic"] = [gettext("No topic with this slug.")]
    elif not topic.open_for_submissions:
        errors["topic"] = [gettext("This topic is not open for stories.")]
    if submission.consent_to_publish is not True:
        errors["consent_to_publish"] = [gettext("Consent to publish is required.")]
    consent = selectors.consent_current()
    if consent is None or consent.version != submission.consent_text_version:
        known = ConsentText.objects.filter(version=submission.consent_text_version).exists()
        errors["consent_text_version"] = [
            gettext("This consent version was superseded; please read and accept the current one.")
            if known
            else gettext("Unknown consent version.")
        ]
    terms = None
    try:
        terms = authorizations.terms_from(
            author_name=submission.author_name,
            channels=submission.channels,
            signature=submission.signature,
            expires_on=submission.expires_on,
            patient_is_adult=submission.patient_is_adult,
            guardian_relationship=submission.guardian_relationship,
            now=now,
        )
    except FieldErrors as exc:
        errors.update(exc.fields)
    if errors or topic is None or consent is None or terms is None:
        raise FieldErrors(errors)
    return topic, consent, terms


def testimonial_withdraw(*, testimonial: Testimonial) -> Testimonial:
    """The patient takes their story back, from any status, at once: the
    authorization is revoked in the same transaction.

    Idempotent: withdrawing a withdrawn story changes nothing.
    """
    if testimonial.status == Status.WITHDRAWN:
        return testimonial
    return transitions.transition(
        testimonial,
        to=Status.WITHDRAWN,
        actor=transitions.PATIENT,
        reason="withdrawn by the patient",
        alongside=authorizations.authorization_revoker(
            testimonial_id=testimonial.pk, revocation=Revocation.WITHDRAWN
        ),
    )


# --- Sites and their API keys -------------------------------------------------

SITE_KEY_PREFIX = "tsk_"


@dataclass(frozen=True)
class IssuedKey:
    """A site and its new API key: the only time the key exists in clear."""

    site: Site
    key: str


def _new_site_key() -> tuple[str, dict[str, Any]]:
    key = SITE_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, {
        "key_prefix": key[:12],
        "key_hash": selectors.site_key_hash(key),
        "key_issued_at": timezone.now(),
    }


def site_create(
    *, name: str, allowed_origins: str = "", channel: str = Channel.PARTNERS
) -> IssuedKey:
    """Register a website and issue its API key. The key is returned, never
    stored: show it to the admin once. `channel` decides which stories it
    reads: a partner's, or (for the clinic's own site) the clinic's."""
    key, key_fields = _new_site_key()
    site = Site(
        name=name.strip(), allowed_origins=allowed_origins.strip(), channel=channel, **key_fields
    )
    site.full_clean()
    site.save()
    logger.info("site id=%s registered", site.pk)
    return IssuedKey(site=site, key=key)


def site_key_rotate(*, site: Site) -> IssuedKey:
    """Issue a new key for a site; the old one stops working at once. Lifts
    a revocation."""
    key, key_fields = _new_site_key()
    Site.objects.filter(pk=site.pk).update(revoked_at=None, **key_fields)
    site.refresh_from_db()
    logger.info("site id=%s key rotated", site.pk)
    return IssuedKey(site=site, key=key)


def site_revoke(*, site: Site) -> Site:
    """The site's key stops working at once and its webhooks fall silent.
    Idempotent."""
    Site.objects.filter(pk=site.pk, revoked_at=None).update(revoked_at=timezone.now())
    site.refresh_from_db()
    logger.info("site id=%s revoked", site.pk)
    return site


def site_usage_record(*, site: Site) -> None:
    """Count one keyed request (an UPDATE with F(): no lost increments)."""
    Site.objects.filter(pk=site.pk).update(
        request_count=F("request_count") + 1, last_used_at=timezone.now()
    )


# --- Webhook deliveries --------------------------------------------------------

RetryDelay = Callable[[int], float | None]

# A claimed delivery is someone's for this long; a worker that dies while
# sending leaves it to the sweep after that.
_LEASE_MARGIN = timedelta(seconds=30)
# A retry may arrive a little before its time (clocks, ETA rounding).
_DUE_SLACK = timedelta(seconds=2)


def _webhook_payload(delivery: WebhookDelivery) -> dict[str, Any] | None:
    """What the receiver gets: the story as it is public now in the site's
    channel, or a tombstone.

    None when the event is no longer true (a story published then withdrawn
    before its turn, or removed then published again): the later event's
    own delivery tells the receiver the truth."""
    change = delivery.change
    testimonial = (
        selectors.published_testimonials(channel=delivery.endpoint.site.channel)
        .filter(public_id=change.public_id)
        .first()
    )
    story: dict[str, Any]
    if change.event == PublicationEvent.UNPUBLISHED:
        if testimonial is not None:
            return None
        story = {"id": str(change.public_id), "topic": change.topic.slug}
    else:
        if testimonial is None:
            return None
        story = selectors.published_representation(testimonial)
    return {
        "id": str(delivery.public_id),
        "event": change.event,
        "occurred_at": selectors.api_time(change.created_at),
        "testimonial": story,
    }


def webhook_delivery_attempt(
    *, delivery_id: int, retry_delay: RetryDelay
) -> WebhookDelivery | None:
    """Send one pending delivery once, if its time has come.

    The row is claimed first (compare-and-set on `next_attempt_at`), so two
    workers never send it at once. A 2xx answer delivers it; any other
    answer or a network error schedules the next attempt after
    `retry_delay(attempts)` seconds, or fails it for good when that is None
    (or the URL became unsafe). Returns the delivery after the attempt;
    None when there was nothing to do (not pending, not due, claimed).
    """
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__site", "change__topic")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None
    due = delivery.next_attempt_at
    if due is not None and due > now + _DUE_SLACK:
        return None
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + _LEASE_MARGIN
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=due
    ).update(next_attempt_at=lease)
    if claimed != 1:
        return None  # another worker got there first

    endpoint = delivery.endpoint
    payload = _webhook_payload(delivery)
    if not (endpoint.is_active and endpoint.site.is_active) or payload is None:
        why = "no longer true" if payload is None else "endpoint or site disabled"
        return _delivery_finish(delivery, lease, status=DeliveryStatus.SKIPPED, last_error=why)

    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": webhooks.USER_AGENT,
        webhooks.EVENT_HEADER: delivery.change.event,
        webhooks.DELIVERY_HEADER: str(delivery.public_id),
        webhooks.SIGNATURE_HEADER: webhooks.sign(
            secret=endpoint.secret, timestamp=int(time.time()), body=body
        ),
    }
    status_code: int | None = None
    retryable = True
    try:
        status_code = webhooks.post(
            endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        )
        error = "" if 200 <= status_code < 300 else f"HTTP {status_code}"
    except webhooks.UnsafeURL as exc:
        error, retryable = str(exc), False
    except (OSError, http.client.HTTPException) as exc:
        error = type(exc).__name__

    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": status_code,
        "last_error": error[:200],
    }
    if not error:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
        return _delivery_finish(delivery, lease, **fields)
    delay = retry_delay(attempts) if retryable else None
    if delay is None:
        return _delivery_finish(delivery, lease, status=DeliveryStatus.FAILED, **fields)
    fields["next_attempt_at"] = timezone.now() + timedelta(seconds=delay)
    return _delivery_finish(delivery, lease, **fields)


def _delivery_finish(
    delivery: WebhookDelivery, lease: Any, **fields: Any
) -> WebhookDelivery | None:
    if fields.get("status", DeliveryStatus.PENDING) != DeliveryStatus.PENDING:
        fields["next_attempt_at"] = None
    # Only while our claim holds: past the lease the sweep may have handed
    # the delivery to another worker, whose record wins.
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at=lease).update(**fields)
    delivery.refresh_from_db()
    if updated:
        result = fields.get("status", "retrying")
        metrics.webhook_deliveries.labels(str(result)).inc()
    logger.info(
        "webhook delivery id=%s endpoint=%s %s attempts=%s%s",
        delivery.pk,
        delivery.endpoint_id,
        delivery.status,
        delivery.attempts,
        "" if updated else " (claim lost)",
    )
    return delivery


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again as a new delivery; the log keeps both.
    The new one carries the story as it is public at the time of sending."""
    resent = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        change=delivery.change,
        resend_of=delivery,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(publishing.webhook_deliveries_enqueue, [resent.pk]))
    return resent


def webhook_deliveries_due(*, older_than: timedelta) -> list[int]:
    """Pending deliveries whose time passed more than `older_than` ago: a
    lost message, a broker that was down, a worker that died mid-send."""
    cutoff = timezone.now() - older_than
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
