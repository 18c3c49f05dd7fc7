"""The patient withdraws a story: it leaves every public surface at once."""

from testimonials import transitions
from testimonials.consent import authorizations
from testimonials.media import services as media_services
from testimonials.models import (
    Revocation,
    Status,
    Testimonial,
)


def testimonial_withdraw(*, testimonial: Testimonial) -> Testimonial:
    """The patient takes their story back, from any status, at once: the
    authorization is revoked in the same transaction, its photo and video
    withdrawn, and their files deleted from storage after commit.

    Idempotent: withdrawing a withdrawn story changes nothing.
    """
    if testimonial.status == Status.WITHDRAWN:
        return testimonial
    return transitions.transition(
        testimonial,
        to=Status.WITHDRAWN,
        actor=transitions.PATIENT,
        reason="withdrawn by the patient",
        alongside=transitions.together(
            authorizations.authorization_revoker(
                testimonial_id=testimonial.pk, revocation=Revocation.WITHDRAWN
            ),
            media_services.media_end(testimonial_id=testimonial.pk),
        ),
    )
