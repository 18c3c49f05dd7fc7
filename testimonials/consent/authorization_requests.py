"""Asking the patient of an imported story to authorize it: an outbox
email, sent once, with only the link to the private page."""

from datetime import timedelta

from testimonials import outbox
from testimonials.consent import authorization_reads
from testimonials.consent.consent_notices import story_page_url
from testimonials.models import (
    AuthorizationRequest,
    Testimonial,
)

# --- An imported story without consent: the patient is asked -------------------


def authorization_request_enqueue(*, testimonial: Testimonial) -> AuthorizationRequest:
    """Record the email asking the patient to authorize their imported
    story, once per story, and send it after commit."""
    request, created = AuthorizationRequest.objects.get_or_create(testimonial=testimonial)
    if created:
        outbox.enqueue_on_commit(
            "testimonials.tasks.send_authorization_request",
            request.pk,
            label="authorization request",
        )
    return request


def authorization_request_send(*, request_id: int) -> bool:
    """Send one request at most once (claimed before sending, released if
    sending fails so the task retries). Like the consent notices, the email
    holds no story text, only the link to the private page that shows it.
    Returns whether this call sent it."""
    return outbox.send_once(
        AuthorizationRequest.objects.select_related("testimonial__topic__organisation"),
        request_id,
        build=_authorization_request_email,
    )


def _authorization_request_email(request: AuthorizationRequest) -> outbox.Email | None:
    testimonial = request.testimonial
    if not authorization_reads.awaiting_first_authorization(testimonial):
        return None
    story_url = story_page_url(testimonial)
    clinic_name = testimonial.topic.organisation.name
    return outbox.story_email(
        testimonial,
        template="testimonials/email/authorization_request",
        label="authorization request",
        context=lambda: {"clinic_name": clinic_name, "story_url": story_url},
    )


def authorization_requests_unsent(*, older_than: timedelta) -> list[int]:
    return outbox.unsent_ids(AuthorizationRequest.objects.all(), older_than=older_than)
