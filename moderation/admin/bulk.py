"""Bulk actions on the queue and the evidence download: each item is
decided and audited on its own, through the same services as the API."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from moderation import access_log, evidence
from moderation.accounts.permissions import moderator_of
from moderation.accounts.scopes import reads_redacted, staff_scope
from moderation.admin.common import StoryAdmin, error_text, review_url
from moderation.decisions import selectors, services
from moderation.models import AccessSurface
from testimonials.errors import ApplicationError
from testimonials.models import RejectionReason, Testimonial


class DecisionActionForm(ActionForm):
    reason = forms.ChoiceField(
        choices=[("", "Rejection reason…"), *RejectionReason.choices], required=False
    )
    note = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "Note"}))


class BulkActions(StoryAdmin):
    """The changelist's actions; `TestimonialAdmin` lists them."""

    @admin.action(description="Approve the selected low-risk stories", permissions=["moderate"])
    def approve_low_risk(self, request: HttpRequest, queryset: QuerySet[Testimonial]) -> None:
        moderator = moderator_of(request)
        limit = services.bulk_approve_max_risk()
        calm = [t for t in queryset if t.risk_score is not None and t.risk_score <= limit]
        skipped = len(queryset) - len(calm)
        self._decide_each(
            request,
            calm,
            lambda t: services.testimonial_approve(
                public_id=t.public_id, moderator=moderator, in_bulk=True
            ),
            "approved",
        )
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: risk above {limit} needs a review of its own.",
                messages.WARNING,
            )

    @admin.action(
        description="Approve with screening's suggested redaction", permissions=["moderate"]
    )
    def approve_with_suggestion(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> None:
        moderator = moderator_of(request)
        self._decide_each(
            request,
            list(queryset),
            lambda t: services.testimonial_approve(
                public_id=t.public_id, moderator=moderator, use_suggested_body=True, in_bulk=True
            ),
            "approved with the suggested redaction",
        )

    @admin.action(description="Reject the selected stories as spam", permissions=["moderate"])
    def reject_as_spam(self, request: HttpRequest, queryset: QuerySet[Testimonial]) -> None:
        moderator = moderator_of(request)
        self._decide_each(
            request,
            list(queryset),
            lambda t: services.testimonial_reject(
                public_id=t.public_id, moderator=moderator, reason=RejectionReason.SPAM
            ),
            "rejected as spam",
        )

    @admin.action(
        description="Reject the selected stories (choose a reason)", permissions=["moderate"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Testimonial]) -> None:
        reason = request.POST.get("reason", "")
        note = request.POST.get("note", "")
        if not reason:
            self.message_user(request, "Choose a rejection reason first.", messages.ERROR)
            return
        moderator = moderator_of(request)
        self._decide_each(
            request,
            list(queryset),
            lambda t: services.testimonial_reject(
                public_id=t.public_id, moderator=moderator, reason=reason, note=note
            ),
            "rejected",
        )

    @admin.action(description="Download the evidence of the selected published story (ZIP)")
    def export_evidence(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one story.", messages.ERROR)
            return None
        return self._evidence_response(request, queryset.get())

    def evidence_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        testimonial = get_object_or_404(self.get_queryset(request), pk=object_id)
        response = self._evidence_response(request, testimonial)
        return response or HttpResponseRedirect(review_url(testimonial.pk))

    def _evidence_response(
        self, request: HttpRequest, testimonial: Testimonial
    ) -> HttpResponse | None:
        if reads_redacted(request.user):
            raise PermissionDenied  # the evidence holds the patient's signature and name
        testimonial = selectors.testimonial_for_moderator(
            public_id=testimonial.public_id, scope=staff_scope(request.user)
        )
        try:
            archive = evidence.evidence_zip(
                testimonial=testimonial, generated_by=request.user.get_username()
            )
        except ApplicationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return None
        access_log.story_access_record(
            moderator=request.user,
            surface=AccessSurface.EVIDENCE_ZIP,
            testimonial_public_id=testimonial.public_id,
        )
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{evidence.evidence_filename(testimonial)}"'
        )
        response["Cache-Control"] = "no-store"
        return response

    def _decide_each(
        self,
        request: HttpRequest,
        testimonials: list[Testimonial],
        decide: Callable[[Testimonial], Any],
        verb: str,
    ) -> None:
        done, refused = 0, []
        for testimonial in testimonials:
            try:
                decide(testimonial)
                done += 1
            except ApplicationError as exc:
                refused.append(f"{testimonial.public_id}: {error_text(exc)}")
        if done:
            self.message_user(request, f"{done} {verb}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)
