"""Erasing a story's personal data while the consent evidence is kept for
its retention time."""

from django.utils import timezone

from testimonials import transitions
from testimonials.consent.authorizations import ERASED_FIELDS, authorization_revoker
from testimonials.media import services as media_services
from testimonials.models import (
    Authorization,
    Revocation,
    Status,
    StatusChange,
    Testimonial,
)

# Audit details that hold what people wrote: a moderator's note, a text diff.
AUDIT_TEXT_KEYS = frozenset({"note", "text_diff"})


def testimonial_erase(*, testimonial: Testimonial, actor: transitions.Actor, reason: str) -> bool:
    """Erase a story's text and its author's personal data, here: the row
    keeps its id, topic, statuses and times, and its audit trail keeps who
    did what (notes and text diffs in it are cleared). A story that could still be public
    is withdrawn; a rejected one stays rejected. Its authorizations are
    revoked and keep only the evidence retention needs: the fingerprint,
    terms, template version, signature and times. Its photo and video are
    withdrawn and their files deleted from storage after commit. Returns False when the
    story was erased before.

    Moderation's rows about the story (notes, duplicate keys) are
    moderation's to erase (`moderation.privacy`)."""
    if testimonial.erased_at is not None:
        return False
    revoke = authorization_revoker(testimonial_id=testimonial.pk, revocation=Revocation.ERASED)

    end_media = media_services.media_end(testimonial_id=testimonial.pk, erase=True)

    def scrub() -> None:
        revoke()
        end_media()
        Authorization.objects.filter(testimonial_id=testimonial.pk).update(text="", display_name="")
        for change in StatusChange.objects.filter(testimonial_id=testimonial.pk):
            if AUDIT_TEXT_KEYS & set(change.details):
                details = {k: v for k, v in change.details.items() if k not in AUDIT_TEXT_KEYS}
                StatusChange.objects.filter(pk=change.pk).update(details=details)

    fields = {**ERASED_FIELDS, "erased_at": timezone.now()}
    if testimonial.status in (Status.WITHDRAWN, Status.REJECTED):
        transitions.amend(
            testimonial,
            actor=actor,
            reason=reason,
            alongside=scrub,
            announce_update=False,
            **fields,
        )
    else:
        transitions.transition(
            testimonial, to=Status.WITHDRAWN, actor=actor, reason=reason, alongside=scrub, **fields
        )
    return True
