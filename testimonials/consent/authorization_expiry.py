"""Authorizations over time: ask before expiry, take the story down at it,
purge the evidence once its retention time is over."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from testimonials import transitions
from testimonials.consent import authorization_reads
from testimonials.consent.consent_notices import consent_notice_enqueue
from testimonials.errors import InvalidTransition
from testimonials.models import (
    Authorization,
    NoticeKind,
    RejectionReason,
    Status,
    Testimonial,
)

logger = logging.getLogger(__name__)


# --- Expiry and re-confirmation (beat) -----------------------------------------

SWEEP_BATCH = 500


def authorizations_reconfirm() -> int:
    """Ask each patient whose authorization ends within
    `AUTHORIZATION_RECONFIRM_BEFORE` to keep, change or withdraw it, once
    per authorization (a compare-and-set on `reconfirm_requested_at`).
    Returns how many were asked."""
    now = timezone.now()
    due = list(
        Authorization.objects.filter(
            superseded_at=None,
            revoked_at=None,
            reconfirm_requested_at=None,
            expires_at__gt=now,
            expires_at__lte=now + settings.AUTHORIZATION_RECONFIRM_BEFORE,
            testimonial__status__in=[Status.PUBLISHED, Status.PENDING_REVIEW],
        ).select_related("testimonial")[:SWEEP_BATCH]
    )
    asked = 0
    for authorization in due:
        with transaction.atomic():
            claimed = Authorization.objects.filter(
                pk=authorization.pk, reconfirm_requested_at=None
            ).update(reconfirm_requested_at=now)
            if claimed == 1:
                consent_notice_enqueue(authorization=authorization, kind=NoticeKind.RECONFIRM)
                asked += 1
    if asked:
        logger.info("asked %d patients to re-confirm their authorization", asked)
    return asked


def authorizations_expire() -> int:
    """Take down every published story whose authorization has expired
    (through `transitions`: audited, websites told). The gate already hides
    it from the moment of expiry; this makes it a status, a tombstone and a
    `testimonial.unpublished` webhook. Returns how many."""
    now = timezone.now()
    due = list(
        Authorization.objects.filter(
            superseded_at=None,
            revoked_at=None,
            expires_at__lte=now,
            testimonial__status=Status.PUBLISHED,
        ).values_list("testimonial_id", flat=True)[:SWEEP_BATCH]
    )
    expired = 0
    for testimonial_id in due:
        testimonial = Testimonial.objects.filter(pk=testimonial_id).first()
        if testimonial is None:
            continue
        try:
            with transaction.atomic():
                transitions.transition(
                    testimonial,
                    to=Status.UNPUBLISHED,
                    actor=transitions.AUTHORIZATION,
                    reason="authorization expired",
                    # Counted with the other stories without valid consent
                    # in the transparency report.
                    rejection_reason=RejectionReason.NO_CONSENT,
                )
                current = authorization_reads.authorization_current(testimonial_id=testimonial_id)
                if current is not None:
                    consent_notice_enqueue(authorization=current, kind=NoticeKind.EXPIRED)
        except InvalidTransition:
            continue  # changed meanwhile (withdrawn, taken down)
        expired += 1
    if expired:
        logger.info("took down %d stories whose authorization expired", expired)
    return expired


def authorizations_purge() -> int:
    """Delete authorizations past their retention date (six years after
    they were last in effect). Returns how many."""
    deleted, _ = Authorization.objects.filter(retain_until__lt=timezone.now()).delete()
    if deleted:
        logger.info("purged %d authorization records past retention", deleted)
    return deleted
