"""Honest publishing in the admin: the clinic's typical-results statements,
invitations to share a story, and the transparency report of rejection
rates by rating. Imported by `moderation.admin.consent`."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from moderation.accounts.scoped_admin import ScopedAdmin, TopicFilter
from moderation.accounts.scopes import staff_scope
from testimonials.errors import FieldErrors
from testimonials.honesty import stats
from testimonials.invitations import services as invitations
from testimonials.models import Invitation, Testimonial, Topic, TypicalResultsStatement


@admin.register(TypicalResultsStatement)
class TypicalResultsStatementAdmin(ScopedAdmin[TypicalResultsStatement]):
    """Written by the clinic. Once a story shows a statement it is never
    edited (readers saw those words): retire it and write another."""

    list_display = ["topic", "tag", "short_text", "source", "stories", "created_at", "retired_at"]
    list_filter = [TopicFilter, "retired_at"]
    fields = ["topic", "tag", "label", "text", "source", "created_at", "retired_at"]
    actions = ["retire"]
    scope_topic = "topic__"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TypicalResultsStatement]:
        queryset = super().get_queryset(request).select_related("topic")
        return queryset.annotate(story_count=Count("testimonials"))

    @admin.display(description="Statement")
    def short_text(self, obj: TypicalResultsStatement) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"

    @admin.display(description="Stories showing it")
    def stories(self, obj: TypicalResultsStatement) -> int:
        return int(getattr(obj, "story_count", 0))

    def _used(self, obj: TypicalResultsStatement | None) -> bool:
        return obj is not None and obj.pk is not None and obj.testimonials.exists()

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if self._used(obj) or (obj is not None and obj.retired_at is not None):
            return self.fields
        return ["created_at", "retired_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._used(obj) and super().has_delete_permission(request, obj)

    @admin.action(description="Retire the selected statements", permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet[TypicalResultsStatement]) -> None:
        # Not a status: stories keep the statement they were published with.
        retired = queryset.filter(retired_at=None).update(retired_at=timezone.now())
        self.message_user(request, f"{retired} retired.", messages.SUCCESS)


class InviteForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.filter(open_for_submissions=True),
        help_text="Where the story goes. The email itself never names it.",
    )
    emails = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Email addresses",
        help_text="One a line: a single patient, or a list.",
    )
    csv_file = forms.FileField(
        required=False,
        label="Or a CSV file",
        help_text="With an 'email' column, or addresses in the first column.",
    )
    incentive = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional, e.g. 'a $10 gift card'. Offered to everyone invited here, whatever "
        "their story says, and published with each story that comes of it.",
    )

    def sources(self) -> list[tuple[str, str]]:
        upload = self.cleaned_data.get("csv_file")
        sources = [("", self.cleaned_data.get("emails") or "")]
        if upload:
            sources.append((upload.name, upload.read().decode("utf-8-sig", errors="replace")))
        return sources


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin[Invitation]):
    """Who was invited and when; deliberately without the story's status or
    rating, so that a clinic hands out the incentive to everyone who used
    their link, never by what they wrote."""

    list_display = [
        "created_at",
        "topic",
        "email",
        "incentive",
        "created_by_label",
        "sent_at",
        "delivery_status",
        "used_at",
        "expires_at",
    ]
    list_filter = [TopicFilter, "created_at", "used_at", "delivery_status"]
    search_fields = ["email", "batch"]
    list_select_related = ["topic"]
    scope_topic = "topic__"
    readonly_fields = (
        "public_id",
        "topic",
        "email",
        "batch",
        "incentive",
        "created_by_label",
        "created_at",
        "expires_at",
        "sent_at",
        "delivery_status",
        "delivery_status_at",
        "delivery_problem",
        "used_at",
    )
    fields = readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Invite one patient or a batch: the same email and incentive for all."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteForm(request.POST or None, request.FILES or None)
        topic_field = form.fields["topic"]
        topic_field.queryset = topic_field.queryset.filter(  # type: ignore[attr-defined]
            staff_scope(request.user).topics_q()
        )
        if request.method == "POST" and form.is_valid():
            parsed = invitations.parse_sources(form.sources())
            try:
                batch = invitations.invitations_create(
                    topic=form.cleaned_data["topic"],
                    emails=parsed.emails,
                    created_by=request.user if isinstance(request.user, User) else None,
                    incentive=form.cleaned_data["incentive"],
                )
            except FieldErrors as exc:
                for errors in exc.fields.values():
                    for error in errors:
                        form.add_error("emails", error)
            else:
                self._report(request, batch, parsed)
                return HttpResponseRedirect(reverse("admin:testimonials_invitation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Invite patients to share a story",
            "form": form,
            "ttl_days": settings.INVITATION_TTL.days,
        }
        return TemplateResponse(request, "admin/testimonials/invitation/invite.html", context)

    def _report(
        self,
        request: HttpRequest,
        batch: invitations.InvitationBatch,
        parsed: invitations.ParsedEmails,
    ) -> None:
        self.message_user(
            request, f"{len(batch.invitations)} invitations are being sent.", messages.SUCCESS
        )
        if batch.already_invited:
            self.message_user(
                request,
                f"{batch.already_invited} left out: an open invitation is already on its way.",
                messages.WARNING,
            )
        if parsed.duplicates:
            self.message_user(request, f"{parsed.duplicates} repeated addresses sent once.")
        if parsed.invalid_lines:
            self.message_user(
                request,
                f"Not an email address, skipped: {', '.join(parsed.invalid_lines[:20])}.",
                messages.WARNING,
            )


def transparency_report_view(request: HttpRequest) -> HttpResponse:
    """Rejection rates by rating, per topic and for all topics together: a
    clinic's proof that it does not withhold stories by their sentiment."""
    if not request.user.has_perm("testimonials.view_topic"):
        raise PermissionDenied
    scope = staff_scope(request.user)
    stories = scope.filter(Testimonial.objects.all(), location="location")
    topics = list(Topic.objects.filter(scope.topics_q()).order_by("title"))
    sections: list[tuple[str, Topic | None, list[stats.RatingRow]]] = [
        ("All topics", None, stats.rejection_rates_by_rating(within=stories))
    ]
    sections += [
        (topic.title, topic, stats.rejection_rates_by_rating(topic=topic, within=stories))
        for topic in topics
    ]
    context = {
        **admin.site.each_context(request),
        "opts": Topic._meta,
        "title": "Transparency: rejection rates by rating",
        "sections": sections,
        "claims_without_statement": stats.published_claims_without_statement(within=stories),
    }
    return TemplateResponse(request, "admin/testimonials/topic/transparency.html", context)
