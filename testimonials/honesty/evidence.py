"""The patients' and websites' side of a published story's evidence: the
authorization to publish it, the disclosures it was shown with, and every
surface it reached. `moderation.evidence` adds the moderation record and
packs the ZIP."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from testimonials.consent import authorization_reads
from testimonials.honesty import disclosures
from testimonials.models import (
    PublicationChange,
    PublicationEvent,
    Testimonial,
    WebhookDelivery,
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def authorization_record(testimonial: Testimonial) -> dict[str, Any]:
    """The patient's authorization to publish, as this service records it.

    The one place the evidence export reads it from: the consent given with
    the story (its text version and time), the name choice, and every
    authorization row (signed, redacted, approved, narrowed, renewed,
    revoked), oldest first.
    """
    consent = testimonial.consent_text
    return {
        "consent_to_publish": testimonial.consent_to_publish,
        "consent_text_version": consent.version,
        "consent_text": consent.text,
        "consent_text_created_at": _time(consent.created_at),
        "consent_text_superseded_at": _time(consent.superseded_at),
        "consented_at": _time(testimonial.consented_at),
        "submitted_at": _time(testimonial.created_at),
        "author_name": testimonial.author_name,
        "email": testimonial.email,
        "display_preference": testimonial.display_preference,
        "display_name": testimonial.display_name,
        "authorizations": [
            authorization_reads.authorization_record(row)
            for row in testimonial.authorizations.select_related("consent_text").order_by("id")
        ],
    }


def disclosures_record(testimonial: Testimonial) -> dict[str, Any]:
    """The disclosures published with the story, and where they came from."""
    statement = testimonial.typical_results
    invitation = testimonial.invitation
    return {
        "shown": disclosures.public_disclosures(testimonial),
        "collection_now": disclosures.collection(testimonial.topic),
        "material_connection": {
            "kind": testimonial.material_connection,
            "detail": testimonial.material_connection_detail,
        },
        "needs_typical_results": disclosures.needs_typical_results(testimonial),
        "typical_results_statement": None
        if statement is None
        else {
            "id": str(statement.public_id),
            "tag": statement.tag,
            "text": statement.text,
            "source": statement.source,
            "created_at": _time(statement.created_at),
            "retired_at": _time(statement.retired_at),
        },
        "invitation": None
        if invitation is None
        else {
            "id": str(invitation.public_id),
            "batch": str(invitation.batch),
            "incentive_offered_to_the_whole_batch": invitation.incentive,
            "created_by": invitation.created_by_label,
            "created_at": _time(invitation.created_at),
            "sent_at": _time(invitation.sent_at),
            "used_at": _time(invitation.used_at),
            "expires_at": _time(invitation.expires_at),
        },
    }


def publication_periods(changes: list[PublicationChange]) -> list[dict[str, str | None]]:
    """When the story was public: from each publication to the removal
    that ended it (None while it still is)."""
    periods: list[dict[str, str | None]] = []
    for change in changes:
        if change.event == PublicationEvent.PUBLISHED:
            periods.append({"from": _time(change.created_at), "to": None})
        elif change.event == PublicationEvent.UNPUBLISHED and periods and not periods[-1]["to"]:
            periods[-1]["to"] = _time(change.created_at)
    return periods


def surfaces_record(testimonial: Testimonial) -> dict[str, Any]:
    """Every surface the story reached, with dates.

    All public surfaces read through `gate.published_testimonials`, so
    the publication periods are when each of them showed it; webhook
    deliveries name each website that was sent it, and when."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    slug = testimonial.topic.slug
    page = base + reverse("education-topic", kwargs={"slug": slug})
    changes = list(PublicationChange.objects.filter(testimonial=testimonial).order_by("id"))
    deliveries = (
        WebhookDelivery.objects.filter(change__testimonial=testimonial)
        .select_related("endpoint__site", "change")
        .order_by("created_at", "id")
    )
    return {
        "public_surfaces_during_the_periods": [
            {"surface": "education page", "url": f"{page}#story-{testimonial.public_id}"},
            {"surface": "Atom feed", "url": base + reverse("education-feed", args=[slug])},
            {
                "surface": "published API",
                "url": base + reverse("published-list") + f"?topic={slug}",
            },
            {"surface": "changes feed", "url": base + reverse("published-changes")},
            {"surface": "widget", "url": base + reverse("widget-js") + f" (data-topic={slug})"},
        ],
        "publication_periods": publication_periods(changes),
        "publication_changes": [
            {"event": change.event, "at": _time(change.created_at)} for change in changes
        ],
        "webhook_deliveries": [
            {
                "id": str(delivery.public_id),
                "site": delivery.endpoint.site.name,
                "url": delivery.endpoint.url,
                "event": delivery.change.event,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "last_status_code": delivery.last_status_code,
                "created_at": _time(delivery.created_at),
                "delivered_at": _time(delivery.delivered_at),
                "resend": delivery.resend_of_id is not None,
            }
            for delivery in deliveries
        ],
    }
