"""The ask funnel's first-party signals on an invitation: the image in its
email, fetched from this service only (`/i/<token>/o.png`), and the first
time its link opened the share page. Each is one timestamp on the
invitation, set the first time and never again: no row per request, no
address, no user agent, nothing a third party sees.

The image's token is signed with its own salt: it names the invitation but
cannot open it (the link's token can), so a mail client or proxy fetching
the image learns nothing it could use. A bad token gets the same image as
a good one, so the image tells no one which invitations exist.
"""

import base64
import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from testimonials.models import Invitation

_OPEN_SALT = "testimonials.invitation.open"

# A one-pixel transparent PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII="
)


def open_pixel_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.public_id.hex, salt=_OPEN_SALT)


def open_pixel_url(invitation: Invitation) -> str:
    path = reverse("invitation-open-pixel", kwargs={"token": open_pixel_token(invitation)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def invitation_email_opened(*, token: str) -> bool:
    """Record the first fetch of an invitation email's image. Returns
    whether this call recorded it (False for a bad token, or when an
    earlier fetch did)."""
    try:
        public_id = uuid.UUID(hex=signing.loads(token, salt=_OPEN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    first = Invitation.objects.filter(public_id=public_id, email_opened_at=None)
    return first.update(email_opened_at=timezone.now()) == 1


def invitation_link_opened(*, invitation: Invitation) -> bool:
    """Record the first time an invitation's link opened the share page
    (a reload, or the page opened again from the text, changes nothing).
    Returns whether this call recorded it."""
    first = Invitation.objects.filter(pk=invitation.pk, link_opened_at=None)
    return first.update(link_opened_at=timezone.now()) == 1


@require_GET
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation email's image: the same bytes and headers for every
    token. Never stored by a cache, so a second open reaches us too (and
    changes nothing)."""
    invitation_email_opened(token=token)
    response = HttpResponse(PIXEL, content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response
