"""An invitation link: it opens the share page once, then says it was used."""

from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET

from testimonials.invitations import opens
from testimonials.invitations import services as invitations
from testimonials.places import branding
from testimonials.stories.share_page import _fresh_form, _share_page
from testimonials.stories.story_pages import _patient_page

REFUSED_STATUS = {"invalid": 404, "used": 410, "expired": 410}


@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invited patient's link: the share page of the invitation's topic,
    carrying the invitation. The same page every invitee sees, whatever
    their visit was like; a used, expired or altered link is refused."""
    try:
        found = invitations.invitation_for_token(token)
    except invitations.InvitationRefused as exc:
        response = render(
            request,
            "testimonials/invitation_refused.html",
            {
                "message": exc.message,
                "reason": exc.reason,
                "branding": branding.installation_branding(),
            },
            status=REFUSED_STATUS[exc.reason],
        )
        return _patient_page(response)
    opens.invitation_link_opened(invitation=found)
    form = _fresh_form(request, found.topic)
    form.initial["invitation"] = token
    if found.patient_name:
        # The name the clinic knows, for the patient to confirm or change.
        form.initial["author_name"] = found.patient_name
    return _patient_page(_share_page(request, found.topic, form))
