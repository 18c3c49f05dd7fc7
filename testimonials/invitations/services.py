"""Invitations to share a story: single-use, expiring, signed links sent by
email, and no gating.

Everyone invited gets the same email, the same link and the same incentive,
whatever their visit was like: there is no "were you happy?" step and no
path that sends unhappy patients somewhere private instead (16 CFR 465.4,
465.7; the FTC Guides, 16 CFR 255.2). The email names neither the treatment
nor the reason for the visit, because an inbox is not private. A story that
arrives through an invitation is marked "verified patient".

Like the patients' decision emails, an invitation is a row first and an
email second: written in one transaction, sent by a Celery task after
commit, re-sent by the sweep if a message was lost.
"""

import csv
import io
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from config import clinic_time, enqueue
from testimonials import languages, outbox
from testimonials.errors import ApplicationError, FieldErrors
from testimonials.invitations import opens
from testimonials.models import Ask, Clinician, Invitation, Location, Topic
from testimonials.visits import opt_outs

logger = logging.getLogger(__name__)

_LINK_SALT = "testimonials.invitation"


class InvitationRefused(ApplicationError):
    """A link that cannot be used: tampered with or unknown (`invalid`),
    already used (`used`) or past its date (`expired`)."""

    status_code = 400
    code = "invitation_refused"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


def invitation_token(invitation: Invitation) -> str:
    """The signed token in the invitation's link. It carries only the
    invitation's random id: nothing about the patient or the treatment."""
    return signing.dumps(invitation.public_id.hex, salt=_LINK_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation", kwargs={"token": invitation_token(invitation)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def invitation_for_token(token: str, *, at: datetime | None = None) -> Invitation:
    """The invitation this token opens, if it can still be used; else
    `InvitationRefused`. Checks the signature before touching the database."""
    try:
        value = signing.loads(token, salt=_LINK_SALT)
        public_id = uuid.UUID(hex=value)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvitationRefused(
            gettext("This invitation link is not valid."), reason="invalid"
        ) from exc
    invitation = (
        Invitation.objects.select_related("topic", "location", "clinician")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None:
        raise InvitationRefused(gettext("This invitation link is not valid."), reason="invalid")
    if invitation.used_at is not None:
        raise InvitationRefused(
            gettext("This invitation was already used to share a story."), reason="used"
        )
    if invitation.expires_at <= (at or timezone.now()):
        raise InvitationRefused(gettext("This invitation has expired."), reason="expired")
    return invitation


def invitation_claim(*, token: str, topic: Topic) -> Invitation:
    """Inside the submission's transaction: use the invitation up, once.

    A compare-and-set on `used_at`, so two submissions racing with one link
    cannot both carry it; the loser is refused as `used`. Raises
    `FieldErrors` on the `invitation` field."""
    now = timezone.now()
    try:
        invitation = invitation_for_token(token, at=now)
    except InvitationRefused as exc:
        raise FieldErrors({"invitation": [exc.message]}) from exc
    if invitation.topic_id != topic.pk:
        raise FieldErrors({"invitation": [gettext("This invitation is for another topic.")]})
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    if claimed != 1:
        raise FieldErrors(
            {"invitation": [gettext("This invitation was already used to share a story.")]}
        )
    invitation.used_at = now
    return invitation


# --- Creating and sending ---------------------------------------------------------


@dataclass
class ParsedEmails:
    emails: list[str] = field(default_factory=list)
    # Where rows hold no valid address: "line 3", or "patients.csv line 3".
    invalid_lines: list[str] = field(default_factory=list)
    duplicates: int = 0


def parse_sources(sources: list[tuple[str, str]]) -> ParsedEmails:
    """Addresses from several (name, text) sources, such as a text box and
    an uploaded file, each parsed on its own; repeats across them count once."""
    merged = ParsedEmails()
    seen: set[str] = set()
    for name, text in sources:
        parsed = parse_emails(text)
        merged.invalid_lines += [f"{name} {line}".strip() for line in parsed.invalid_lines]
        merged.duplicates += parsed.duplicates
        for email in parsed.emails:
            if email.lower() in seen:
                merged.duplicates += 1
                continue
            seen.add(email.lower())
            merged.emails.append(email)
    return merged


def parse_emails(text: str) -> ParsedEmails:
    """Email addresses from a CSV export or a plain list, one a line.

    With a header row naming an `email` column, that column is read; else
    each row's first cell. Blank lines are skipped, repeats counted once."""
    parsed = ParsedEmails()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = 0
    first_line = 1
    if rows:
        header = [cell.strip().lower() for cell in rows[0]]
        named = [i for i, cell in enumerate(header) if cell in ("email", "e-mail", "email address")]
        if named:
            column, rows, first_line = named[0], rows[1:], 2
    seen: set[str] = set()
    for line, row in enumerate(rows, start=first_line):
        if not any(cell.strip() for cell in row):
            continue
        value = row[column].strip() if column < len(row) else ""
        try:
            validate_email(value)
        except ValidationError:
            parsed.invalid_lines.append(f"line {line}")
            continue
        key = value.lower()
        if key in seen:
            parsed.duplicates += 1
            continue
        seen.add(key)
        parsed.emails.append(value)
    return parsed


@dataclass(frozen=True)
class InvitationBatch:
    batch: uuid.UUID
    invitations: list[Invitation]
    # Addresses left out because an unused, unexpired invitation to the same
    # topic is already on its way to them.
    already_invited: int


def invitations_create(
    *,
    topic: Topic,
    emails: list[str],
    created_by: User | None,
    created_by_label: str = "",
    incentive: str = "",
) -> InvitationBatch:
    """Invite each address once to share a story about `topic`.

    Every invitation in the batch records the same incentive (or none): it
    is offered to everyone invited, before anyone has written a word, so it
    cannot depend on what they write. After commit, one email task each.
    """
    if not emails:
        raise FieldErrors({"emails": ["Give at least one email address."]})
    if len(emails) > settings.INVITATION_MAX_BATCH:
        raise FieldErrors(
            {"emails": [f"At most {settings.INVITATION_MAX_BATCH} invitations at once."]}
        )
    incentive = incentive.strip()
    now = timezone.now()
    pending = {
        email.lower()
        for email in Invitation.objects.filter(
            topic=topic, used_at=None, expires_at__gt=now
        ).values_list("email", flat=True)
    }
    fresh = [email for email in emails if email.lower() not in pending]
    # Days of the clinic's calendar: the link ends at the hour on its clock
    # it was sent, also across a daylight-saving change.
    expires_at = clinic_time.clinic_days_later(now, settings.INVITATION_TTL.days)
    batch = uuid.uuid4()
    label = created_by_label or (created_by.get_username() if created_by else "system")
    with transaction.atomic():
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    topic=topic,
                    email=email,
                    batch=batch,
                    incentive=incentive,
                    created_by=created_by,
                    created_by_label=label,
                    expires_at=expires_at,
                )
                for email in fresh
            ]
        )
        ids = list(
            Invitation.objects.filter(batch=batch).order_by("id").values_list("pk", flat=True)
        )
        transaction.on_commit(partial(_enqueue, ids))
    logger.info(
        "invitation batch=%s topic=%s created=%d already_invited=%d",
        batch,
        topic.slug,
        len(invitations),
        len(emails) - len(fresh),
    )
    return InvitationBatch(
        batch=batch, invitations=invitations, already_invited=len(emails) - len(fresh)
    )


def invitation_create_for_visit(
    *,
    topic: Topic,
    email: str,
    location: Location,
    clinician: Clinician | None,
    patient_name: str,
    language: str,
) -> Invitation:
    """Inside the caller's transaction: the invitation a visit's ask sends,
    its link filling in the location, the clinician and the patient's name;
    emailed (when there is an address) by the same task as every
    invitation, after commit."""
    invitation = Invitation.objects.create(
        topic=topic,
        email=email,
        location=location,
        clinician=clinician,
        patient_name=patient_name[:120],
        language=language if language in languages.topic_languages(topic) else "",
        created_by=None,
        created_by_label="visit",
        expires_at=clinic_time.clinic_days_later(timezone.now(), settings.INVITATION_TTL.days),
    )
    if email:
        transaction.on_commit(partial(_enqueue, [invitation.pk]))
    return invitation


def _enqueue(invitation_ids: list[int]) -> None:
    enqueue.send_each("testimonials.tasks.send_invitation", invitation_ids, label="invitation")


def invitation_send(*, invitation_id: int) -> bool:
    """Send one invitation email, at most once: the row is claimed before
    the email goes out and released if sending fails (the task retries).
    Returns whether this call sent it; an expired or used one is not sent."""
    return outbox.send_once(
        Invitation.objects.select_related("topic__organisation", "location__organisation"),
        invitation_id,
        build=_invitation_email,
        claimable=Q(used_at=None, expires_at__gt=timezone.now()),
    )


def _invitation_email(invitation: Invitation) -> outbox.Email | None:
    """No treatment, no visit reason, no clinician, no date of a visit, no
    question about how it went; the same for every patient. None (never
    sent) once the address opted out of the organisation's asks."""
    if not invitation.email:
        return None
    organisation_id = cast(int, invitation.topic.organisation_id)
    if opt_outs.email_opted_out(organisation_id, invitation.email):
        logger.info("invitation id=%s not sent: opted out", invitation.pk)
        return None
    unsubscribe = opt_outs.unsubscribe_url(organisation_id, invitation.email)
    context = {
        "clinic_name": clinic_name(invitation),
        "link": invitation_url(invitation),
        "expires_at": invitation.expires_at,
        "incentive": invitation.incentive,
        "unsubscribe_link": unsubscribe,
        "open_pixel": ask_open_pixel_url(invitation),
    }
    return outbox.Email(
        to=[invitation.email],
        template="testimonials/email/invitation",
        html_template="testimonials/email/invitation",
        context=lambda: context,
        language=invitation_language(invitation),
        label="invitation",
        # RFC 8058: the mail client's own unsubscribe button, one click.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def ask_open_pixel_url(invitation: Invitation) -> str:
    """The first-party image that counts an ask's email as opened; "" for
    an invitation staff sent by hand (the funnel counts asks only, so
    nothing about those is recorded)."""
    if not Ask.objects.filter(invitation_id=invitation.pk).exists():
        return ""
    return opens.open_pixel_url(invitation)


def invitation_language(invitation: Invitation) -> str:
    """The invitation names no treatment, but speaks the topic's language
    (the patient's, when the topic publishes in it)."""
    offered = languages.topic_languages(invitation.topic)
    return invitation.language or (offered[0] if offered else settings.LANGUAGE_CODE)


def clinic_name(invitation: Invitation) -> str:
    """The clinic as the patient knows it: the topic's organisation and, for
    a visit's invitation at a location named otherwise, that location."""
    brand = invitation.topic.organisation.name
    location = invitation.location
    if location is None or location.name == brand:
        return brand
    return f"{brand} ({location.name})"


def unsent_invitation_ids(*, older_than: timedelta) -> list[int]:
    """Invitations a lost message left unsent, still worth sending (a
    visit's invitation for a patient who gave only a phone has no email)."""
    return outbox.unsent_ids(
        Invitation.objects.filter(used_at=None, expires_at__gt=timezone.now()).exclude(email=""),
        older_than=older_than,
    )
