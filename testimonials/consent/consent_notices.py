"""The patient's consent notices by email (a copy of what they signed,
reconfirm, expired): outbox rows sent once after commit."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse

from testimonials import outbox
from testimonials.models import (
    Authorization,
    Channel,
    ConsentNotice,
    Testimonial,
)
from testimonials.stories import patient_links

# --- Notices to the patient ------------------------------------------------------


def consent_notice_enqueue(
    *, authorization: Authorization, kind: str, testimonial_version: int = 0, new: bool = False
) -> ConsentNotice | None:
    """Record an email to the patient and send it after commit; nothing when
    the story has no email address. `new`: the authorization was made in
    this transaction, so it has no notice yet (no lookup first)."""
    testimonial = authorization.testimonial
    if testimonial is None or not testimonial.email:
        return None
    fields: dict[str, Any] = {
        "authorization": authorization,
        "kind": kind,
        "testimonial_version": testimonial_version,
    }
    if new:
        notice, created = ConsentNotice.objects.create(**fields), True
    else:
        notice, created = ConsentNotice.objects.get_or_create(**fields)
    if created:
        outbox.enqueue_on_commit(
            "testimonials.tasks.send_consent_notice", notice.pk, label="consent notice"
        )
    return notice


def story_page_url(testimonial: Testimonial) -> str:
    """The patient's private page, absolute, for emails."""
    path = reverse(
        "patient-story",
        kwargs={
            "public_id": testimonial.public_id,
            "secret": patient_links.patient_secret(testimonial.public_id),
        },
    )
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def consent_notice_send(*, notice_id: int) -> bool:
    """Send one notice at most once (claimed before sending, released if
    sending fails so the task retries). The story's text is never in the
    email: the link leads to the private page that shows it. Returns
    whether this call sent it."""
    return outbox.send_once(
        ConsentNotice.objects.select_related(
            "authorization__consent_text", "authorization__testimonial__topic"
        ),
        notice_id,
        build=_consent_notice_email,
    )


def _consent_notice_email(notice: ConsentNotice) -> outbox.Email | None:
    authorization = notice.authorization
    testimonial = authorization.testimonial
    if testimonial is None or testimonial.erased_at is not None or not testimonial.email:
        return None
    labels = dict(Channel.choices)
    return outbox.story_email(
        testimonial,
        template=f"testimonials/email/consent_{notice.kind}",
        label=f"{notice.kind} consent notice",
        context=lambda: {
            "authorization": authorization,
            "template": authorization.consent_text,
            "channels": [str(labels[channel]) for channel in authorization.channels],
            "story_url": story_page_url(testimonial),
        },
    )


def consent_notices_unsent(*, older_than: timedelta) -> list[int]:
    return outbox.unsent_ids(ConsentNotice.objects.all(), older_than=older_than)
