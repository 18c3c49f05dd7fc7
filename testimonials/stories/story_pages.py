"""The patient's private story page, at the secret link: what became of the
story, and withdrawing it."""

import uuid

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views.decorators.http import require_GET, require_POST

from testimonials import languages
from testimonials.consent import authorization_reads, page_context
from testimonials.errors import NotFound
from testimonials.media import services as media_services
from testimonials.models import (
    Status,
    Testimonial,
)
from testimonials.places import branding
from testimonials.publishing.education_pages import _in_language
from testimonials.stories import patient_links, withdrawal


def _story_url(testimonial: Testimonial) -> str:
    return reverse(
        "patient-story",
        kwargs={
            "public_id": testimonial.public_id,
            "secret": patient_links.patient_secret(testimonial.public_id),
        },
    )


STATUS_WORDS = {
    Status.SUBMITTED: _("Received: it is being checked."),
    Status.SCREENING: _("Received: it is being checked."),
    Status.PENDING_REVIEW: _("Waiting for a moderator to read it."),
    Status.PUBLISHED: _("Published."),
    Status.REJECTED: _("Not published."),
    Status.WITHDRAWN: _("Withdrawn: it is no longer shown anywhere."),
    Status.UNPUBLISHED: _("Taken down by a moderator."),
}


PATIENT_REFERRER_POLICY = "same-origin"


def _patient_page(response: HttpResponse) -> HttpResponse:
    # The address carries the patient's secret: never cache it, never send it
    # on as a Referer to another site, never index it. Not "no-referrer":
    # under it a browser sends `Origin: null` with the page's own forms, and
    # CSRF refuses them (withdraw, narrow, renew, share from an invitation).
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = PATIENT_REFERRER_POLICY
    response["X-Robots-Tag"] = "noindex"
    return response


def patient_testimonial(public_id: uuid.UUID, secret: str) -> Testimonial:
    """The story this secret link is for, or a 404."""
    try:
        return patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def render_story(
    request: HttpRequest,
    testimonial: Testimonial,
    secret: str,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The patient's page: the status, their copy of the authorization with
    what they can do with it, and the way out."""
    language = languages.for_topic(testimonial.topic, languages.requested(request))
    with override(language):
        response = _story_page(request, testimonial, secret, error=error, status=status)
    return _in_language(language, _patient_page(response))


def _story_page(
    request: HttpRequest, testimonial: Testimonial, secret: str, *, error: str, status: int
) -> HttpResponse:
    api_kwargs = {"public_id": testimonial.public_id, "secret": secret}
    consent_page = page_context.authorization_page(testimonial)
    status_words = STATUS_WORDS[Status(testimonial.status)]
    if consent_page["authorization"].awaiting_approval:
        status_words = _("Waiting for your approval of an edit: shown nowhere until then.")
    elif testimonial.status == Status.UNPUBLISHED and consent_page["authorization"].expired:
        status_words = _("Taken down: your authorization ended.")
    awaiting_authorization = authorization_reads.awaiting_first_authorization(testimonial)
    if awaiting_authorization and testimonial.status not in (Status.REJECTED, Status.WITHDRAWN):
        status_words = _("Waiting for your authorization: shown nowhere until you sign below.")
    return render(
        request,
        "testimonials/story_status.html",
        {
            "testimonial": testimonial,
            "status_words": status_words,
            "page_url": request.build_absolute_uri(reverse("patient-story", kwargs=api_kwargs)),
            "status_api_url": request.build_absolute_uri(
                reverse("testimonial-status", kwargs=api_kwargs)
            ),
            "withdraw_url": reverse("patient-story-withdraw", kwargs=api_kwargs),
            "withdraw_media_url": reverse("patient-story-withdraw-media", kwargs=api_kwargs),
            "has_media": media_services.media_in_effect(testimonial_id=testimonial.pk),
            "education_url": reverse("education-topic", kwargs={"slug": testimonial.topic.slug}),
            "approve_url": reverse("patient-story-approve", kwargs=api_kwargs),
            "narrow_url": reverse("patient-story-narrow", kwargs=api_kwargs),
            "renew_url": reverse("patient-story-renew", kwargs=api_kwargs),
            "authorize_url": reverse("patient-story-authorize", kwargs=api_kwargs),
            "awaiting_authorization": awaiting_authorization
            and testimonial.status not in (Status.REJECTED, Status.WITHDRAWN),
            "consent_template": authorization_reads.consent_for_story(testimonial)
            if awaiting_authorization
            else None,
            **consent_page,
            "error": error,
            "branding": branding.branding_of_topic(testimonial.topic),
        },
        status=status,
    )


@require_GET
def patient_story(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    """What the patient sees of their story: its status, and the way out."""
    return render_story(request, patient_testimonial(public_id, secret), secret)


@require_POST
def patient_story_withdraw(request: HttpRequest, public_id: uuid.UUID, secret: str) -> HttpResponse:
    try:
        testimonial = patient_links.testimonial_for_patient(public_id=public_id, secret=secret)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    withdrawal.testimonial_withdraw(testimonial=testimonial)
    return _patient_page(HttpResponseRedirect(_story_url(testimonial), status=303))


@require_POST
def patient_story_withdraw_media(
    request: HttpRequest, public_id: uuid.UUID, secret: str
) -> HttpResponse:
    """The patient takes back their photo and video and keeps the text."""
    testimonial = patient_testimonial(public_id, secret)
    media_services.media_withdraw(testimonial=testimonial)
    return _patient_page(HttpResponseRedirect(_story_url(testimonial), status=303))
