"""A visit in from a practice system: checked, stored once per
(organisation, external_id), and turned into at most one ask per patient
per `INVITATION_MIN_DAYS_BETWEEN` days.

Every patient of the feed is treated alike: nothing about how the visit went
is asked or read, so there is no way to ask only some (16 CFR 465.7)."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from testimonials.errors import FieldErrors
from testimonials.models import (
    Ask,
    Clinician,
    IntegrationKey,
    Location,
    Organisation,
    Visit,
    VisitStatus,
)
from testimonials.visits import contacts, opt_outs, scheduling

logger = logging.getLogger(__name__)

# A visit completed further ahead than this is a clock or data error.
FUTURE_TOLERANCE = timedelta(hours=1)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?")


@dataclass(frozen=True)
class VisitInput:
    external_id: str
    completed_at: datetime
    location_slug: str
    clinician_slug: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""
    name: str = ""
    consent_to_text: bool = False


@dataclass(frozen=True)
class VisitOutcome:
    visit: Visit
    created: bool


@dataclass(frozen=True)
class VisitSender:
    """Who reports visits and which locations they may name: a practice
    system's key (its organisation, all of it or one location), or staff
    uploading a day's file (`organisation_id` None: the organisation is the
    named location's; `may_name` says which locations are theirs)."""

    may_name: Callable[[Location], bool]
    organisation_id: int | None = None
    integration_key: IntegrationKey | None = None
    # The locations already looked up by slug: a day's file names a few
    # locations thousands of times.
    locations: dict[str, Location | None] = field(default_factory=dict, compare=False, repr=False)


def key_sender(integration_key: IntegrationKey) -> VisitSender:
    """A practice system's key: its organisation's locations, or its one."""
    return VisitSender(
        may_name=lambda location: (
            location.organisation_id == integration_key.organisation_id
            and integration_key.location_id in (None, location.pk)
        ),
        organisation_id=integration_key.organisation_id,
        integration_key=integration_key,
    )


@dataclass(frozen=True)
class CheckedVisit:
    """A visit input that passed every check, ready to store; `earlier` is
    the visit already stored under its `external_id`, if any."""

    sender: VisitSender
    data: VisitInput
    organisation_id: int
    earlier: Visit | None
    location: Location | None = None
    clinician: Clinician | None = None
    email: str = ""
    phone: str = ""
    language: str = ""


def visit_record(*, integration_key: IntegrationKey, data: VisitInput) -> VisitOutcome:
    """Store a completed visit and schedule its ask, or answer the visit
    already stored under its `external_id` (a resend changes nothing).

    Refuses with `FieldErrors`, storing nothing: a location outside the
    key's scope, a clinician who does not work there, a bad email or phone,
    neither of them, a visit in the future."""
    return visit_store(visit_check(sender=key_sender(integration_key), data=data))


def visit_check(*, sender: VisitSender, data: VisitInput) -> CheckedVisit:
    """Every check `visit_record` makes, without writing: raises
    `FieldErrors`. A visit already stored under its `external_id` (in the
    sender's organisation, else the named location's) is not checked again,
    as a resend is answered with what was stored."""
    organisation_id = sender.organisation_id
    if organisation_id is None:
        location = _location(sender, data.location_slug)
        if location is None:
            # Refused, naming every other wrong field with the location.
            location, *_ = _validated(sender, data)
        organisation_id = location.organisation_id
    earlier = _earlier(organisation_id, data.external_id)
    if earlier is not None:
        return CheckedVisit(sender, data, organisation_id, earlier)
    location, clinician, email, phone, language = _validated(sender, data)
    return CheckedVisit(
        sender, data, organisation_id, None, location, clinician, email, phone, language
    )


def visit_store(checked: CheckedVisit) -> VisitOutcome:
    """Store a visit `visit_check` passed and schedule its ask; a visit
    stored meanwhile under its `external_id` is answered instead."""
    if checked.earlier is not None:
        return VisitOutcome(checked.earlier, created=False)
    data, organisation_id = checked.data, checked.organisation_id
    location, email, phone = checked.location, checked.email, checked.phone
    if location is None:
        raise ValueError("visit_store stores what visit_check passed")
    hashes = contacts.contact_hashes(organisation_id, email=email, phone=phone)
    now = timezone.now()
    due_at = scheduling.ask_due_at(completed_at=data.completed_at, zone=location.zone(), now=now)
    try:
        with transaction.atomic():
            # One intake at a time per organisation: two visits of one
            # patient arriving together must not both become asks.
            Organisation.objects.select_for_update().filter(pk=organisation_id).first()
            earlier = _earlier(organisation_id, data.external_id)
            if earlier is not None:
                return VisitOutcome(earlier, created=False)
            status = _status(organisation_id, hashes, due_at)
            asked = status == VisitStatus.SCHEDULED
            # A patient who is not asked leaves no contact behind.
            visit = Visit.objects.create(
                organisation_id=organisation_id,
                location=location,
                clinician=checked.clinician,
                integration_key=checked.sender.integration_key,
                external_id=data.external_id,
                completed_at=data.completed_at,
                email=email if asked else "",
                phone=phone if asked else "",
                patient_name=data.name.strip() if asked else "",
                language=checked.language,
                consent_to_text=data.consent_to_text,
                status=status,
            )
            if asked:
                Ask.objects.create(
                    visit=visit,
                    organisation_id=organisation_id,
                    email_hash=hashes[0] if email else "",
                    phone_hash=hashes[-1] if phone else "",
                    due_at=due_at,
                )
    except IntegrityError:
        # The same visit sent twice at once; the other request stored it.
        earlier = _earlier(organisation_id, data.external_id)
        if earlier is None:
            raise
        return VisitOutcome(earlier, created=False)
    logger.info("visit=%s received status=%s location=%s", visit.public_id, status, location.slug)
    return VisitOutcome(visit, created=True)


def _no_location(sender: VisitSender) -> str:
    if sender.integration_key is not None:
        return gettext("No location with this slug for this integration key.")
    return gettext("No location with this slug among the locations you work for.")


def _location(sender: VisitSender, slug: str) -> Location | None:
    if slug not in sender.locations:
        queryset = Location.objects.filter(slug=slug)
        if sender.organisation_id is not None:
            queryset = queryset.filter(organisation_id=sender.organisation_id)
        location = queryset.first()
        sender.locations[slug] = (
            location if location is not None and sender.may_name(location) else None
        )
    return sender.locations[slug]


def _earlier(organisation_id: int, external_id: str) -> Visit | None:
    return Visit.objects.filter(organisation_id=organisation_id, external_id=external_id).first()


def _status(organisation_id: int, hashes: list[str], due_at: datetime) -> VisitStatus:
    if opt_outs.opted_out(organisation_id, hashes):
        return VisitStatus.OPTED_OUT
    window = timedelta(days=settings.INVITATION_MIN_DAYS_BETWEEN)
    recent = Ask.objects.filter(
        Q(email_hash__in=hashes) | Q(phone_hash__in=hashes),
        organisation_id=organisation_id,
        due_at__gt=due_at - window,
    )
    return VisitStatus.RECENTLY_ASKED if recent.exists() else VisitStatus.SCHEDULED


def _validated(
    sender: VisitSender, data: VisitInput
) -> tuple[Location, Clinician | None, str, str, str]:
    errors: dict[str, list[str]] = {}
    location = _location(sender, data.location_slug)
    if location is None:
        errors["location"] = [_no_location(sender)]
    clinician = None
    if data.clinician_slug and location is not None:
        clinician = Clinician.objects.filter(
            slug=data.clinician_slug, is_active=True, locations=location
        ).first()
        if clinician is None:
            errors["clinician"] = [gettext("No clinician with this slug works at this location.")]
    email = phone = ""
    if data.email.strip():
        try:
            email = contacts.normalised_email(data.email)
        except ValidationError as exc:
            errors["email"] = list(exc.messages)
    if data.phone.strip():
        try:
            phone = contacts.normalised_phone(data.phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    if not data.email.strip() and not data.phone.strip():
        errors["email"] = [gettext("Give the patient's email or phone (or both).")]
    if data.completed_at > timezone.now() + FUTURE_TOLERANCE:
        errors["completed_at"] = [gettext("This visit is not completed yet.")]
    language = data.language.strip()
    if language and not _LANGUAGE.fullmatch(language):
        errors["language"] = [gettext("Give a language code, e.g. en or es.")]
    if errors or location is None:
        raise FieldErrors(errors)
    return location, clinician, email, phone, language.split("-")[0].split("_")[0].lower()
