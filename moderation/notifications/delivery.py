"""Every email to a patient about one story, with what became of it, for
the review page: not sent yet, sent, delivered, bounced or marked as spam
(the provider's events, `testimonials.delivery_events`). A bounced reminder
must not read as sent."""

from dataclasses import dataclass
from datetime import datetime

from moderation.models import PatientNotification
from testimonials.models import (
    AuthorizationRequest,
    ConsentNotice,
    DeliveryTracked,
    EmailDeliveryStatus,
    Testimonial,
)


@dataclass(frozen=True)
class SentEmail:
    what: str
    created_at: datetime
    state: str
    # "problem" for a bounce or complaint, so the page can mark it.
    tone: str
    at: datetime | None


def delivery_state(row: DeliveryTracked, sent_at: datetime | None) -> tuple[str, str]:
    """What staff read about one outbox row's email, and its tone."""
    if row.delivery_status == EmailDeliveryStatus.BOUNCED:
        reason = f" ({row.delivery_problem.replace('_', ' ')})" if row.delivery_problem else ""
        return f"Bounced{reason}: not received", "problem"
    if row.delivery_status == EmailDeliveryStatus.COMPLAINED:
        return "Marked as spam by the recipient", "problem"
    if row.delivery_status == EmailDeliveryStatus.DELIVERED:
        return "Delivered", "ok"
    if sent_at is None:
        return "Not sent yet", "waiting"
    return "Sent", "ok"


def story_emails(testimonial: Testimonial) -> list[SentEmail]:
    """The story's emails, oldest first."""
    rows: list[tuple[str, DeliveryTracked, datetime, datetime | None]] = []
    for notification in PatientNotification.objects.filter(testimonial=testimonial):
        what = f"Decision: {notification.get_kind_display()}"
        rows.append((what, notification, notification.created_at, notification.sent_at))
    notices = ConsentNotice.objects.filter(authorization__testimonial=testimonial)
    for notice in notices:
        rows.append(
            (f"Consent: {notice.get_kind_display()}", notice, notice.created_at, notice.sent_at)
        )
    for request in AuthorizationRequest.objects.filter(testimonial=testimonial):
        what = "Authorization request"
        rows.append((what, request, request.created_at, request.sent_at))
    emails = []
    for what, row, created_at, sent_at in rows:
        state, tone = delivery_state(row, sent_at)
        emails.append(
            SentEmail(
                what=what,
                created_at=created_at,
                state=state,
                tone=tone,
                at=row.delivery_status_at or sent_at,
            )
        )
    return sorted(emails, key=lambda email: email.created_at)
