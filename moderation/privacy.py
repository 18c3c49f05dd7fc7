"""A patient's rights over their data: erasure (GDPR art. 17) and access
(art. 15), and the retention rule for stories that will never be public.

Here, not in `testimonials`, because a story's data lives in both apps:
moderation's notes, duplicate keys and claims go, and
`testimonials.stories.erasure.testimonial_erase` erases the story and keeps
the authorization evidence HIPAA requires (45 CFR 164.530(j)). The audit
trail keeps that the erasure happened, by whom and when; logs name counts
and ids, never the email.
"""

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from config import clinic_time
from moderation.accounts.scopes import EVERYWHERE, StaffScope
from moderation.models import DuplicateKey, ModeratorNote, ReviewClaim
from testimonials import transitions
from testimonials.consent import authorization_reads, consent_notices
from testimonials.errors import InvalidTransition
from testimonials.models import (
    Authorization,
    Invitation,
    Organisation,
    PatientOptOut,
    Status,
    StoryMedia,
    Testimonial,
    Visit,
)
from testimonials.places import settings as place_settings
from testimonials.publishing import representations
from testimonials.stories import erasure
from testimonials.visits import contacts
from testimonials.visits import erasure as visit_erasure

logger = logging.getLogger(__name__)

RETENTION_ACTOR = transitions.Actor("system:retention")
ERASED_ON_REQUEST = "personal data erased at the patient's request"


@dataclass(frozen=True)
class ErasureReport:
    erased: list[str] = field(default_factory=list)  # the stories' public ids
    evidence_kept_until: datetime | None = None
    # From the visit feed (`testimonials.visits.erasure`): how many of the
    # patient's visits and asks lost their contacts.
    visits: int = 0
    asks: int = 0


def _invitations_erase(invitations: QuerySet[Invitation]) -> None:
    """An invitation keeps that it was sent and used (a verified patient,
    the incentive offered); its address goes, and its link stops working."""
    now = timezone.now()
    invitations.filter(expires_at__gt=now).update(expires_at=now)
    invitations.exclude(email="").update(email="")


def _erase_one(testimonial: Testimonial, actor: transitions.Actor, reason: str) -> bool:
    for attempt in range(2):
        try:
            with transaction.atomic():
                ModeratorNote.objects.filter(testimonial=testimonial).delete()
                DuplicateKey.objects.filter(testimonial=testimonial).delete()
                ReviewClaim.objects.filter(testimonial=testimonial).delete()
                _invitations_erase(Invitation.objects.filter(testimonial=testimonial))
                return erasure.testimonial_erase(
                    testimonial=testimonial, actor=actor, reason=reason
                )
        except InvalidTransition:
            if attempt:
                raise
            testimonial.refresh_from_db()  # changed meanwhile: erase what it is now
    return False


def testimonials_erase(
    *, testimonials: list[Testimonial], actor: transitions.Actor, reason: str
) -> ErasureReport:
    """Erase these stories' text and their authors' personal data, each in
    its own transaction; a story that could still be public is withdrawn
    first (websites are told). Safe to run twice."""
    erased = [
        str(testimonial.public_id)
        for testimonial in testimonials
        if _erase_one(testimonial, actor, reason)
    ]
    kept_until = Authorization.objects.filter(
        testimonial_public_id__in=[t.public_id for t in testimonials]
    ).aggregate(until=Max("retain_until"))["until"]
    if erased:
        logger.info("erased %d stories (%s) by %s", len(erased), reason, actor.label)
    return ErasureReport(erased=erased, evidence_kept_until=kept_until)


def stories_of(email: str) -> list[Testimonial]:
    """Every story left with this email address (case-insensitive)."""
    address = email.strip()
    if not address:
        return []
    return list(Testimonial.objects.filter(email__iexact=address).order_by("created_at", "id"))


def patient_erase(*, email: str, actor: transitions.Actor, phone: str = "") -> ErasureReport:
    """Erase everything about the person with this email address (and this
    phone, E.164): all their stories, everywhere (`testimonials_erase`),
    the invitations sent to it, used or not, and their visits' and asks'
    contacts (`visits_erase_patient`; their opt-out stays, so that they are
    never asked again)."""
    report = testimonials_erase(
        testimonials=stories_of(email), actor=actor, reason=ERASED_ON_REQUEST
    )
    if email.strip():
        _invitations_erase(Invitation.objects.filter(email__iexact=email.strip()))
    visits = visit_erasure.visits_erase_patient(email=email, phone=phone)
    return replace(report, visits=visits.visits, asks=visits.asks)


def testimonials_erase_authors(
    *, testimonials: list[Testimonial], actor: transitions.Actor, scope: StaffScope = EVERYWHERE
) -> ErasureReport:
    """The admin action: erase the selected stories and every other story
    of their authors (by email; a story without one stands alone) in the
    places of `scope`, the staff member's, with their photos' and videos'
    files (`testimonial_erase`) and their visits' and asks' contacts
    (`visits_erase_patient`, as `patient_erase`): another organisation's
    stories, invitations and visits are its own to erase."""
    chosen: dict[int, Testimonial] = {}
    addresses = {testimonial.email for testimonial in testimonials if testimonial.email}
    for testimonial in testimonials:
        theirs = [
            story
            for story in stories_of(testimonial.email)
            if scope.allows_location(story.location_id)
        ]
        for story in theirs or [testimonial]:
            chosen.setdefault(story.pk, story)
    report = testimonials_erase(
        testimonials=list(chosen.values()), actor=actor, reason=ERASED_ON_REQUEST
    )
    visits = asks = 0
    location_ids = None if scope.everywhere else scope.location_ids
    for address in addresses:
        invitations = Invitation.objects.filter(scope.topics_q("topic__"), email__iexact=address)
        _invitations_erase(invitations)
        erased = visit_erasure.visits_erase_patient(email=address, location_ids=location_ids)
        visits, asks = visits + erased.visits, asks + erased.asks
    return replace(report, visits=visits, asks=asks)


def personal_data_expire() -> int:
    """Erase the personal data of stories rejected or withdrawn longer ago
    than their location's retention (`PERSONAL_DATA_RETENTION` days of the
    clinic's calendar, or fewer where the location or its organisation says
    so: `effective_settings`): they will never be public, so nothing needs
    them. Returns how many were erased."""
    erased = 0
    now = timezone.now()
    for days, location_ids in sorted(place_settings.locations_by_personal_data_retention().items()):
        cutoff = clinic_time.clinic_days_later(now, -days)
        due = list(
            Testimonial.objects.filter(
                status__in=[Status.REJECTED, Status.WITHDRAWN],
                erased_at=None,
                status_changed_at__lt=cutoff,
                location_id__in=location_ids,
            ).order_by("status_changed_at")[:500]
        )
        report = testimonials_erase(
            testimonials=due,
            actor=RETENTION_ACTOR,
            reason=f"personal data erased {days} days after rejection or withdrawal",
        )
        erased += len(report.erased)
    return erased


def _by(actor_label: str) -> str:
    if actor_label == "patient":
        return "you"
    if actor_label.startswith("system:"):
        return "automatic"
    return "a moderator"


# A file is not in the JSON: the patient gets a copy from the clinic.
MEDIA_FILE_NOTE = (
    "Stored. Ask the clinic for a copy: staff download it from the story's review page."
)


def _media_record(media: StoryMedia) -> dict[str, Any]:
    return {
        "kind": media.kind,
        "status": media.status,
        "alt": media.alt_text,
        "captions": media.captions,
        "width": media.width,
        "height": media.height,
        "duration_seconds": media.duration_seconds,
        "content_type": media.content_type,
        "file": MEDIA_FILE_NOTE if media.storage_name else "Deleted.",
    }


def _visits_export(email: str, phone: str) -> list[dict[str, Any]]:
    visit_ids, _ = visit_erasure.patient_visit_ids(email=email, phone=phone)
    visits = (
        Visit.objects.filter(pk__in=visit_ids)
        .select_related("location", "clinician", "ask")
        .order_by("completed_at", "id")
    )
    records = []
    for visit in visits:
        ask = getattr(visit, "ask", None)
        held = {"email": visit.email, "phone": visit.phone, "name": visit.patient_name}
        records.append(
            {
                "completed_at": representations.api_time(visit.completed_at),
                "location": visit.location.name,
                "clinician": visit.clinician.name if visit.clinician else None,
                "ask_status": ask.status if ask is not None else None,
                "contact": {key: value for key, value in held.items() if value} or None,
            }
        )
    return records


def _opt_outs_export(email: str, phone: str) -> list[dict[str, Any]]:
    """The organisations that recorded an opt-out for this email or phone
    (an opt-out is only the contact's hash, per organisation)."""
    records: list[dict[str, Any]] = []
    for organisation in Organisation.objects.order_by("name", "pk"):
        hashes = contacts.contact_hashes(
            organisation.pk, email=email.strip().lower(), phone=phone.strip()
        )
        rows = PatientOptOut.objects.filter(organisation=organisation, contact_hash__in=hashes)
        records.extend(
            {
                "organisation": organisation.name,
                "source": row.source,
                "recorded_at": representations.api_time(row.created_at),
            }
            for row in rows.order_by("created_at", "pk")
        )
    return records


def patient_export(*, email: str, phone: str = "") -> dict[str, Any]:
    """Everything held about the person with this email address (and this
    phone, E.164), as JSON (GDPR art. 15): their stories, their history,
    their authorizations, their photos and recordings (what they said of
    them, and whether the file is still stored), moderators' notes about
    them, their visits and whether they opted out of being asked.
    Moderators are not named. Nothing of it is logged."""
    stories = []
    for testimonial in stories_of(email):
        history = testimonial.history.all()
        stories.append(
            {
                "id": str(testimonial.public_id),
                "topic": testimonial.topic.slug,
                "status": testimonial.status,
                "submitted_at": representations.api_time(testimonial.created_at),
                "published_at": (
                    representations.api_time(testimonial.published_at)
                    if testimonial.published_at
                    else None
                ),
                "author_name": testimonial.author_name,
                "display_preference": testimonial.display_preference,
                "display_name": testimonial.display_name,
                "email": testimonial.email,
                "body": testimonial.body,
                "published_body": testimonial.published_body,
                "rating": testimonial.rating,
                "consent_version": testimonial.consent_text.version,
                "consented_at": (
                    representations.api_time(testimonial.consented_at)
                    if testimonial.consented_at
                    else None
                ),
                "rejection_reason": testimonial.rejection_reason,
                "status_page": consent_notices.story_page_url(testimonial),
                "history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "by": _by(change.actor_label),
                        "reason": change.reason,
                        "at": representations.api_time(change.created_at),
                    }
                    for change in history
                ],
                "authorizations": [
                    authorization_reads.authorization_record(row)
                    for row in testimonial.authorizations.select_related("consent_text")
                ],
                "moderator_notes": [
                    {"text": note.text, "at": representations.api_time(note.created_at)}
                    for note in testimonial.notes.all()
                ],
                "media": [_media_record(media) for media in testimonial.media.all()],
            }
        )
    invitations = [
        {
            "topic": invitation.topic.slug,
            "incentive": invitation.incentive,
            "created_at": representations.api_time(invitation.created_at),
            "sent_at": representations.api_time(invitation.sent_at) if invitation.sent_at else None,
            "used_at": representations.api_time(invitation.used_at) if invitation.used_at else None,
        }
        for invitation in Invitation.objects.filter(email__iexact=email.strip()).select_related(
            "topic"
        )
    ]
    return {
        "email": email.strip(),
        "phone": phone.strip(),
        "exported_at": representations.api_time(timezone.now()),
        "stories": stories,
        "invitations": invitations if email.strip() else [],
        "visits": _visits_export(email, phone),
        "opt_outs": _opt_outs_export(email, phone),
    }
