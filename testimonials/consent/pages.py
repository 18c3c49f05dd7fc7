"""The patient's page acts on their authorization: sign one for an imported
story that came without, approve an edited text, narrow it (fewer places,
less of the name), renew it. Each form posts here, calls one service, and
goes back to the page (or shows it with the problem).
No JavaScript needed; CSRF as on every form."""

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config import clinic_time
from testimonials.consent import authorizations, edit_approval
from testimonials.consent import rules as consent
from testimonials.errors import ApplicationError, FieldErrors
from testimonials.stories import story_pages


def _problem(exc: ApplicationError) -> str:
    if isinstance(exc, FieldErrors):
        return " ".join(message for messages in exc.fields.values() for message in messages)
    return exc.message


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _act(request: HttpRequest, public_id: uuid.UUID, secret: str, action: str) -> HttpResponse:
    testimonial = story_pages.patient_testimonial(public_id, secret)
    post = request.POST
    try:
        if action == "approve":
            edit_approval.authorization_approve_edit(
                testimonial=testimonial,
                signature=post.get("signature", ""),
                expected_version=_version(request),
            )
        elif action == "authorize":
            authorizations.authorization_grant(
                testimonial=testimonial,
                signature=post.get("signature", ""),
                channels=post.getlist("channels"),
                display_preference=post.get("display_preference", ""),
                expires_on=consent.expiry_day(
                    post.get("expires_in", ""), today=clinic_time.clinic_today()
                ),
                expected_version=_version(request),
            )
        elif action == "narrow":
            authorizations.authorization_narrow(
                testimonial=testimonial,
                channels=post.getlist("channels"),
                display_preference=post.get("display_preference", ""),
                expected_version=_version(request),
            )
        else:
            authorizations.authorization_renew(
                testimonial=testimonial,
                signature=post.get("signature", ""),
                expires_on=consent.expiry_day(
                    post.get("expires_in", ""), today=clinic_time.clinic_today()
                ),
                channels=post.getlist("channels"),
                display_preference=post.get("display_preference") or None,
                expected_version=_version(request),
            )
    except ApplicationError as exc:
        testimonial.refresh_from_db()
        return story_pages.render_story(
            request, testimonial, secret, error=_problem(exc), status=exc.status_code
        )
    page = reverse("patient-story", kwargs={"public_id": public_id, "secret": secret})
    response = HttpResponseRedirect(page, status=303)
    response["Referrer-Policy"] = story_pages.PATIENT_REFERRER_POLICY
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def patient_story_approve(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    return _act(request, public_id, secret, "approve")


@require_POST
def patient_story_narrow(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    return _act(request, public_id, secret, "narrow")


@require_POST
def patient_story_renew(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    return _act(request, public_id, secret, "renew")


@require_POST
def patient_story_authorize(
    request: HttpRequest, public_id: uuid.UUID, secret: str
) -> HttpResponse:
    return _act(request, public_id, secret, "authorize")
