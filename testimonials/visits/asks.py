"""Sending the asks that are due: each once, as an invitation (a single-use
link to the share form, emailed through the outbox and, to a patient who
gave a phone and consent to be texted, sent by text), unless the patient
opted out since the visit.

Beat runs `asks_send_due` every minute on the housekeeping queue; a run that
overlaps another, or a second beat, sends nothing twice: each ask is taken
under a row lock and its status changes in the same transaction that makes
its invitation."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config import enqueue
from testimonials.invitations import services as invitations
from testimonials.models import Ask, AskStatus, AskText, Location, Topic, Visit
from testimonials.visits import opt_outs, sms

logger = logging.getLogger(__name__)

# Asks one run takes; the next run takes the rest.
BATCH = 500


def asks_send_due() -> int:
    """Send every ask whose time has come; returns how many were invited."""
    now = timezone.now()
    ids = list(
        Ask.objects.filter(status=AskStatus.SCHEDULED, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    invited = sum(ask_send(ask_id=ask_id) == AskStatus.INVITED for ask_id in ids)
    if ids:
        logger.info("asks due=%d invited=%d", len(ids), invited)
    return invited


def ask_send(*, ask_id: int) -> str | None:
    """Decide one scheduled ask: invite, or record why not. Returns its new
    status, or None when it was not scheduled (any more) or another run
    holds it."""
    with transaction.atomic():
        ask = (
            Ask.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("visit__location", "visit__clinician")
            .filter(pk=ask_id, status=AskStatus.SCHEDULED)
            .first()
        )
        if ask is None:
            return None
        visit = ask.visit
        organisation_id = ask.organisation_id
        hashes = [value for value in (ask.email_hash, ask.phone_hash) if value]
        textable = bool(visit.phone) and visit.consent_to_text and sms.texts_enabled()
        topic = ask_topic(visit.location)
        if opt_outs.opted_out(organisation_id, hashes):
            status = AskStatus.OPTED_OUT
        elif not visit.email and not textable:
            # No email, and no phone we may text: no channel to ask by.
            status = AskStatus.UNREACHABLE
        elif topic is None:
            status = AskStatus.HELD
        else:
            # One link, sent by email and, where the patient agreed, by text.
            ask.invitation = invitations.invitation_create_for_visit(
                topic=topic,
                email=visit.email,
                location=visit.location,
                clinician=visit.clinician,
                patient_name=visit.patient_name,
                language=visit.language,
            )
            if textable:
                text = AskText.objects.create(ask=ask)
                enqueue.on_commit("testimonials.tasks.send_ask_text", text.pk, label="ask text")
            status = AskStatus.INVITED
        ask.status = status
        ask.decided_at = timezone.now()
        ask.save(update_fields=["status", "decided_at", "invitation"])
    logger.info("ask id=%s %s", ask_id, status)
    return status


def ask_topic(location: Location) -> Topic | None:
    """The topic a visit's invitation opens: the location's own open topic,
    else one its organisation shares with every location; the oldest of
    them, so that every patient of a location gets the same link. Never
    chosen by the visit (its reason is not ours to know)."""
    return (
        Topic.objects.filter(
            Q(location=location) | Q(location=None),
            organisation_id=location.organisation_id,
            open_for_submissions=True,
        )
        .order_by("-location_id", "pk")
        .first()
    )


def visit_contacts_erase() -> int:
    """Erase the patient's email, phone and name from the visits whose ask
    no longer needs them: it was not sent (opted out, unreachable, held),
    or its invitation was used or expired and its text, if any, went out
    (or expired with it). Returns how many visits were erased."""
    now = timezone.now()
    finished = Q(ask__invitation__used_at__isnull=False) | Q(ask__invitation__expires_at__lte=now)
    texted = (
        Q(ask__text__isnull=True)
        | Q(ask__text__sent_at__isnull=False)
        | Q(ask__invitation__expires_at__lte=now)
    )
    done = Q(ask__status__in=[AskStatus.OPTED_OUT, AskStatus.UNREACHABLE, AskStatus.HELD]) | (
        Q(ask__status=AskStatus.INVITED) & finished & texted
    )
    erased = (
        Visit.objects.filter(done)
        .exclude(email="", phone="", patient_name="")
        .update(email="", phone="", patient_name="")
    )
    if erased:
        logger.info("visits' contacts erased: %d", erased)
    return erased
