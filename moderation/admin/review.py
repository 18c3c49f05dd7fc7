"""The review page: one story with its flags, history and the decisions
a moderator can take on it. Each decision's form is checked with the
moderation API's input serializer (`moderation.decisions.inputs`) and
refused the same way, then calls the same service."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from moderation import access_log
from moderation.accounts.permissions import moderator_of
from moderation.accounts.scopes import reads_redacted, staff_scope
from moderation.admin.common import StoryAdmin, error_text, review_url
from moderation.decisions import claims, diff, inputs, presentation, reviewer_view, selectors
from moderation.intake import captions
from moderation.models import AccessSurface
from moderation.notifications import delivery
from testimonials.consent import authorization_reads
from testimonials.errors import ApplicationError, FieldErrors
from testimonials.honesty import disclosures
from testimonials.media import serving
from testimonials.models import MaterialConnection, MediaStatus, Status, Testimonial


class ReviewPage(StoryAdmin):
    """The review page's view and its decisions; `TestimonialAdmin` routes to it."""

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        # Opening the page claims the story: only a read (GET) or a decision (POST) may.
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Another place's story is "not found", as one that does not exist.
        testimonial = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            return self._decide_on_review_page(request, testimonial)
        scope = staff_scope(request.user)
        testimonial = selectors.testimonial_for_moderator(
            public_id=testimonial.public_id, scope=scope
        )
        access_log.story_access_record(
            moderator=request.user,
            surface=AccessSurface.REVIEW_PAGE,
            testimonial_public_id=testimonial.public_id,
        )
        if reads_redacted(request.user):
            return self._reviewer_page(request, testimonial)
        can_moderate = self.has_moderate_permission(request)
        claim = None
        if can_moderate and testimonial.status == Status.PENDING_REVIEW:
            claim = claims.review_claim(testimonial=testimonial, moderator=moderator_of(request))
        flags = testimonial.screening_flags
        next_item = selectors.next_in_queue(scope=scope, after=testimonial)
        authorization = authorization_reads.authorization_state(testimonial)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review: {testimonial.topic.title}",
            "testimonial": testimonial,
            "can_moderate": can_moderate,
            "claim": claim,
            "highlighted": presentation.highlighted(testimonial.body, flags),
            "flags": flags,
            "suggested": testimonial.suggested_body or testimonial.body,
            "has_suggestion": bool(testimonial.suggested_body),
            "edit_diff": (
                diff.edit_diff(testimonial.body, testimonial.published_body)
                if testimonial.published_body
                else None
            ),
            "earlier": selectors.earlier_from_same_email(testimonial, scope=scope),
            "authorization": authorization,
            "authorization_history": authorization_reads.authorization_history(
                authorization.history
            ),
            "timeline": _timeline(testimonial),
            "emails": delivery.story_emails(testimonial),
            "reasons": disclosures.removal_reasons(testimonial.topic),
            "statements": disclosures.current_statements(testimonial.topic),
            "needs_typical_results": disclosures.needs_typical_results(testimonial),
            "shown_disclosures": disclosures.public_disclosures(testimonial),
            "connections": MaterialConnection.choices,
            "evidence_url": reverse(
                "admin:testimonials_testimonial_evidence", args=[testimonial.pk]
            ),
            "media": [
                {
                    "row": media,
                    "url": reverse(
                        "admin:testimonials_testimonial_media",
                        args=[testimonial.pk, media.public_id],
                    ),
                    "captions_text": captions.captions_words(media.captions),
                }
                for media in testimonial.media.exclude(status=MediaStatus.WITHDRAWN)
            ],
            "next_url": review_url(next_item.pk) if next_item else None,
            "queue_url": reverse("admin:testimonials_testimonial_changelist"),
        }
        return TemplateResponse(request, "admin/moderation/review.html", context)

    def media_view(
        self, request: HttpRequest, object_id: int, media_id: uuid.UUID
    ) -> HttpResponseBase:
        """The story's photo or recording for the review page, before it is
        public: for staff who may read the story's personal data (a face is
        one), with the same headers as the public copy, kept by no cache."""
        if not self.has_view_permission(request) or reads_redacted(request.user):
            raise PermissionDenied
        testimonial = get_object_or_404(self.get_queryset(request), pk=object_id)
        media = get_object_or_404(testimonial.media.exclude(storage_name=""), public_id=media_id)
        response = serving.media_file_response(media)
        response["Cache-Control"] = "no-store"
        return response

    def _reviewer_page(self, request: HttpRequest, testimonial: Testimonial) -> HttpResponse:
        """A read-only reviewer's page: no personal data (`reviewer_view`)."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review: {testimonial.topic.title}",
            "testimonial": testimonial,
            "text": reviewer_view.reviewer_text(testimonial),
            "flags": reviewer_view.reviewer_flags(testimonial.screening_flags),
            "authorization": authorization_reads.authorization_state(testimonial),
            "history": list(testimonial.history.all()),
            "queue_url": reverse("admin:testimonials_testimonial_changelist"),
        }
        return TemplateResponse(request, "admin/moderation/review_redacted.html", context)

    def _decide_on_review_page(
        self, request: HttpRequest, testimonial: Testimonial
    ) -> HttpResponse:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        moderator = moderator_of(request)
        action = request.POST.get("action", "")
        if action not in PAGE_DECISIONS and action != "skip":
            messages.error(request, "Unknown action.")
            return HttpResponseRedirect(review_url(testimonial.pk))
        try:
            if action == "skip":
                claims.review_release(testimonial=testimonial, moderator=moderator)
            else:
                page = PAGE_DECISIONS[action]
                data = checked_form(page, request.POST)
                page.decision.act(testimonial.public_id, moderator, data)
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(review_url(testimonial.pk))
        if action == "note":
            messages.success(request, "Note added.")
            return HttpResponseRedirect(review_url(testimonial.pk))
        if action in ("edit_published", "feature", "connection"):
            messages.success(request, "Published story updated.")
            return HttpResponseRedirect(review_url(testimonial.pk))
        if action != "skip":
            testimonial.refresh_from_db()
            messages.success(request, f"Story {testimonial.get_status_display().lower()}.")
        next_item = selectors.next_in_queue(scope=staff_scope(request.user), after=testimonial)
        if next_item is None:
            messages.info(request, "The queue is empty.")
            return HttpResponseRedirect(reverse("admin:testimonials_testimonial_changelist"))
        return HttpResponseRedirect(review_url(next_item.pk))


def _timeline(testimonial: Testimonial) -> list[dict[str, Any]]:
    """Status changes and notes, oldest first."""
    events: list[dict[str, Any]] = [
        {"at": change.created_at, "kind": "change", "change": change}
        for change in testimonial.history.all()
    ]
    events += [
        {"at": note.created_at, "kind": "note", "note": note} for note in testimonial.notes.all()
    ]
    return sorted(events, key=lambda event: event["at"])


# --- The page's decisions, checked like the API's --------------------------


@dataclass(frozen=True)
class PageDecision:
    """One action of the review page: the decision the API takes too, and
    the form field each of its serializer's fields comes from (serializer
    name: form name)."""

    decision: inputs.Decision
    fields: dict[str, str]
    # Fields this action always decides with: absent from the form means blank.
    blank_when_absent: frozenset[str] = frozenset()


# A select left on its empty choice means "not chosen" (the topic's own
# statement, the connection as recorded), as an absent field does in the API.
EMPTY_MEANS_ABSENT = frozenset({"typical_results", "material_connection"})


def checked_form(page: PageDecision, post: QueryDict) -> dict[str, Any]:
    """The form's strings as the JSON the API would receive, validated by
    the same serializer; its errors refused as `FieldErrors`, like the API's."""
    data: dict[str, Any] = {}
    for name, form_name in page.fields.items():
        value = post.get(form_name, "" if name in page.blank_when_absent else None)
        if value is None or (value == "" and name in EMPTY_MEANS_ABSENT):
            continue
        if name == "version":
            if value.isdigit():  # a page without one decides without the check
                data[name] = int(value)
        elif name == "featured":
            data[name] = value == "1"
        else:
            data[name] = value
    serializer = page.decision.input(data=data)
    if not serializer.is_valid():
        raise FieldErrors(
            {field: [str(error) for error in errors] for field, errors in serializer.errors.items()}
        )
    return dict(serializer.validated_data)


VERSION = {"version": "version"}
CONNECTION_FIELDS = {
    "material_connection": "material_connection",
    "material_connection_detail": "material_connection_detail",
}
APPROVAL_FIELDS = {**VERSION, "typical_results": "typical_results", **CONNECTION_FIELDS}
REASON_FIELDS = {**VERSION, "reason": "reason", "note": "note"}

PAGE_DECISIONS: dict[str, PageDecision] = {
    "approve": PageDecision(inputs.APPROVE, APPROVAL_FIELDS),
    "approve_edited": PageDecision(
        inputs.APPROVE, {**APPROVAL_FIELDS, "body": "body"}, frozenset({"body"})
    ),
    "connection": PageDecision(inputs.CONNECTION, {**VERSION, **CONNECTION_FIELDS}),
    "reject": PageDecision(inputs.REJECT, REASON_FIELDS),
    "unpublish": PageDecision(inputs.UNPUBLISH, REASON_FIELDS),
    "edit_published": PageDecision(inputs.EDIT_PUBLISHED, {**VERSION, "body": "body"}),
    "feature": PageDecision(inputs.FEATURE, {**VERSION, "featured": "featured"}),
    "reopen": PageDecision(inputs.REOPEN, {**VERSION, "note": "note"}),
    "note": PageDecision(inputs.NOTE, {"text": "note"}),
}
