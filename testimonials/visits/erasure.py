"""A patient's erasure request (GDPR art. 17), for what the visit feed
holds about them: the contacts and name on their visits, the contact
hashes on their asks, and the address and name on the invitations the
asks became (whose links stop working). `moderation.privacy.patient_erase`
calls it with the story erasure.

What stays: the visits and asks themselves, with no one's contact (the
clinic's counts and funnel), and the patient's opt-out, if they gave one.
An opt-out is only a hash of the email or phone, and it is what keeps the
patient from being asked again when the practice system sends their next
visit: erasing it would ask the very person who said stop (GDPR art.
17(3)(b) and 21(3), the TCPA's do-not-text rule)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from testimonials.models import Ask, AskStatus, Invitation, Organisation, Visit
from testimonials.visits import contacts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VisitsErasure:
    visits: int = 0
    asks: int = 0


def patient_visit_ids(
    *, email: str = "", phone: str = "", location_ids: Iterable[int] | None = None
) -> tuple[list[int], list[int]]:
    """The ids of the patient's visits and asks (found by the address or
    number on the visit, or by its hash on the ask, which outlives the
    visit's contacts), at these locations (everywhere when None). What the
    erasure erases and the access export shows: one way to find them."""
    email, phone = email.strip().lower(), phone.strip()
    if not email and not phone:
        return [], []
    hashes = [
        value
        for organisation_id in Organisation.objects.values_list("pk", flat=True)
        for value in contacts.contact_hashes(organisation_id, email=email, phone=phone)
    ]
    by_contact = Q(pk__in=[])
    if email:
        by_contact |= Q(email=email)
    if phone:
        by_contact |= Q(phone=phone)
    visits = Visit.objects.all()
    if location_ids is not None:
        visits = visits.filter(location_id__in=list(location_ids))
    asks = Ask.objects.filter(Q(email_hash__in=hashes) | Q(phone_hash__in=hashes))
    ask_ids = list(asks.filter(visit__in=visits.values("pk")).values_list("pk", flat=True))
    visit_ids = list(
        visits.filter(by_contact | Q(ask__pk__in=ask_ids))
        .order_by("completed_at", "id")
        .values_list("pk", flat=True)
    )
    ask_ids = list(Ask.objects.filter(visit__in=visit_ids).values_list("pk", flat=True))
    return visit_ids, ask_ids


def visits_erase_patient(
    *, email: str = "", phone: str = "", location_ids: Iterable[int] | None = None
) -> VisitsErasure:
    """Erase the patient's contacts from every visit and ask of theirs
    (`patient_visit_ids`), everywhere or at these locations. A scheduled
    ask is not sent. `phone` in E.164 (`contacts.normalised_phone`). Safe to
    run twice; returns how many visits and asks were found."""
    now = timezone.now()
    with transaction.atomic():
        visit_ids, ask_ids = patient_visit_ids(email=email, phone=phone, location_ids=location_ids)
        if not visit_ids and not ask_ids:
            return VisitsErasure()
        invitations = Invitation.objects.filter(ask__pk__in=ask_ids)
        invitations.filter(expires_at__gt=now).update(expires_at=now)
        invitations.update(email="", patient_name="")
        # Nothing is left to ask by.
        Ask.objects.filter(pk__in=ask_ids, status=AskStatus.SCHEDULED).update(
            status=AskStatus.UNREACHABLE, decided_at=now
        )
        Ask.objects.filter(pk__in=ask_ids).update(email_hash="", phone_hash="")
        Visit.objects.filter(pk__in=visit_ids).update(email="", phone="", patient_name="")
    logger.info(
        "visits' contacts erased on request: visits=%d asks=%d", len(visit_ids), len(ask_ids)
    )
    return VisitsErasure(visits=len(visit_ids), asks=len(ask_ids))
