"""The one reminder of an ask: when its invitation is still unused
`INVITATION_REMINDER_DAYS` after it went out, the same link is sent once
more, by email and (if the ask was texted) by text. Never after an opt-out,
in quiet hours, or once the invitation expired or was used.

`reminded_at` is set under the same row lock as the ask's sending
(`testimonials.visits.asks`), so two overlapping runs remind once; a
reminder whose sending fails is not tried again (a second nudge is worth
less than the risk of a duplicate)."""

import logging
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from testimonials import outbox
from testimonials.invitations import services as invitations
from testimonials.models import Ask, AskStatus, AskText, Invitation, PatientOptOut
from testimonials.visits import opt_outs, scheduling, sms, texts

logger = logging.getLogger(__name__)

# Reminders one run takes; the next run takes the rest.
BATCH = 500


def asks_remind_due() -> int:
    """Remind every ask whose invitation waits unused; returns how many."""
    days = settings.INVITATION_REMINDER_DAYS
    if days <= 0:
        return 0
    now = timezone.now()
    ids = list(
        _remindable(now)
        .filter(decided_at__lte=now - timedelta(days=days))
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    reminded = sum(ask_remind(ask_id=ask_id) for ask_id in ids)
    if ids:
        logger.info("reminders due=%d sent=%d", len(ids), reminded)
    return reminded


def _remindable(now: datetime) -> QuerySet[Ask]:
    # Opted-out patients are left out here, not skipped one by one, so that
    # they never fill a run's batch while their invitations wait to expire.
    opted_out = PatientOptOut.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        contact_hash__in=[OuterRef("email_hash"), OuterRef("phone_hash")],
    )
    return Ask.objects.filter(
        ~Exists(opted_out),
        status=AskStatus.INVITED,
        reminded_at=None,
        invitation__used_at=None,
        invitation__expires_at__gt=now,
    )


def ask_remind(*, ask_id: int) -> bool:
    """Send one ask's reminder, unless another run holds it, it is not due
    any more, or it is quiet hours at its location (the next run after
    they end sends it). Returns whether this call sent it."""
    now = timezone.now()
    with transaction.atomic():
        ask = (
            _remindable(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "visit__location", "invitation__topic__organisation", "invitation__location"
            )
            .filter(pk=ask_id)
            .first()
        )
        if ask is None or ask.invitation is None:
            return False
        if scheduling.is_quiet_now(zone=ask.visit.location.zone(), now=now):
            return False
        ask.reminded_at = now
        ask.save(update_fields=["reminded_at"])
    invitation = ask.invitation
    email = _reminder_email(invitation) if invitation.email else None
    texted = AskText.objects.filter(ask=ask).exists() and bool(ask.visit.phone)
    texted = texted and sms.texts_enabled()
    try:
        if email is not None:
            outbox.deliver(email)
        if texted:
            message = sms.TextMessage(
                to=ask.visit.phone,
                body=texts.body(invitation),
                sender=sms.sender_for(ask.visit.location),
            )
            sms.backend().send(message)
    except Exception as exc:
        # The provider's message may quote the address or number: only its type.
        logger.warning("ask reminder id=%s not sent: %s", ask_id, type(exc).__name__)
        return False
    logger.info("ask reminder id=%s sent", ask_id)
    return True


def _reminder_email(invitation: Invitation) -> outbox.Email:
    """The invitation's email again, as a reminder: the clinic's name, the
    link and the unsubscribe link; never a treatment, clinician or date."""
    organisation_id = cast(int, invitation.topic.organisation_id)
    unsubscribe = opt_outs.unsubscribe_url(organisation_id, invitation.email)
    context = {
        "clinic_name": invitations.clinic_name(invitation),
        "link": invitations.invitation_url(invitation),
        "unsubscribe_link": unsubscribe,
        "open_pixel": invitations.ask_open_pixel_url(invitation),
    }
    return outbox.Email(
        to=[invitation.email],
        template="testimonials/email/invitation_reminder",
        html_template="testimonials/email/invitation_reminder",
        context=lambda: context,
        language=invitations.invitation_language(invitation),
        label="invitation reminder",
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
