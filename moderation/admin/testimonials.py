"""The moderators' workspace in the Django admin: the queue of stories,
the review page (`review`), bulk actions (`bulk`), erasure and exports.
Every decision calls the same services as the moderation API; nothing
here writes a status itself."""

import io
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.timesince import timesince

from moderation import access_log, privacy
from moderation.accounts.permissions import can_export
from moderation.accounts.scoped_admin import TopicFilter
from moderation.accounts.scopes import reads_redacted, staff_scope
from moderation.admin.bulk import BulkActions, DecisionActionForm
from moderation.admin.common import review_url
from moderation.admin.filters import FlagKindFilter, LocationFilter, QueueStatusFilter
from moderation.admin.review import ReviewPage
from moderation.decisions import reviewer_view
from moderation.models import AccessSurface
from testimonials import transitions
from testimonials.models import ExportScope, StatusChange, Testimonial
from testimonials.portability import exports


class StatusChangeInline(admin.TabularInline[StatusChange, Testimonial]):
    model = StatusChange
    fields = ("created_at", "from_status", "to_status", "actor_label", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def flag_badges(flags: list[dict[str, Any]]) -> str:
    kinds = sorted({flag["kind"] for flag in flags})
    return format_html_join(
        " ", '<span class="flag-badge flag-{}">{}</span>', ((kind, kind) for kind in kinds)
    )


@admin.register(Testimonial)
class TestimonialAdmin(ReviewPage, BulkActions):
    action_form = DecisionActionForm
    actions = [
        "approve_low_risk",
        "approve_with_suggestion",
        "reject_as_spam",
        "reject_selected",
        "export_evidence",
        "erase_authors_data",
    ]
    list_display = [
        "short_body",
        "topic",
        "location",
        "status",
        "risk_score",
        "flags",
        "age",
        "rating",
    ]
    list_display_links = ["short_body"]
    list_filter = [
        QueueStatusFilter,
        FlagKindFilter,
        LocationFilter,
        TopicFilter,
        "rating",
        "created_at",
    ]
    search_fields = ["body", "public_id"]
    ordering = ["-risk_score", "created_at"]
    list_select_related = ["topic", "location"]
    list_per_page = 50
    inlines = [StatusChangeInline]
    change_list_template = "admin/moderation/testimonial_changelist.html"
    readonly_fields = (
        "public_id",
        "topic",
        "location",
        "clinician",
        "status",
        "version",
        "body",
        "risk_score",
        "suggested_body",
        "rating",
        "author_name",
        "display_preference",
        "email",
        "consent_to_publish",
        "consent_text",
        "consented_at",
        "published_body",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "rejection_note",
        "published_at",
        "featured",
        "source",
        "external_id",
        "original_date",
        "consent_evidence",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    class Media:
        css = {"all": ["moderation/review.css"]}

    @admin.display(description="Story")
    def short_body(self, obj: Testimonial) -> str:
        return obj.body if len(obj.body) <= 90 else obj.body[:87] + "…"

    @admin.display(description="Story")
    def short_redacted_text(self, obj: Testimonial) -> str:
        text = reviewer_view.reviewer_text(obj)
        return text if len(text) <= 90 else text[:87] + "…"

    def get_list_display(self, request: HttpRequest) -> Any:
        if reads_redacted(request.user):
            return ["short_redacted_text", *self.list_display[1:]]
        return self.list_display

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        return [list_display[0]]

    def get_search_fields(self, request: HttpRequest) -> Any:
        # Searching the text would tell a reviewer what the redaction hides.
        return ["public_id"] if reads_redacted(request.user) else self.search_fields

    @admin.display(description="Flags")
    def flags(self, obj: Testimonial) -> str:
        return flag_badges(obj.screening_flags)

    @admin.display(description="Waiting", ordering="created_at")
    def age(self, obj: Testimonial) -> str:
        return timesince(obj.created_at, timezone.now()).split(",")[0]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stories come from patients, never from the admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removal is a status change with an audit record

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # fields change only through decisions on the review page

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("testimonials.erase_personal_data")

    @admin.action(
        description="Erase the authors' personal data (all their stories)", permissions=["erase"]
    )
    def erase_authors_data(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> HttpResponse | None:
        """GDPR art. 17 on request: asks to confirm, then erases each selected
        story and every other story from the same email address."""
        stories = list(queryset)
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/moderation/erase_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "Erase personal data",
                    "stories": stories,
                    "action": "erase_authors_data",
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        report = privacy.testimonials_erase_authors(
            testimonials=stories,
            actor=transitions.Actor.for_user(cast(User, request.user)),
            scope=staff_scope(request.user),
        )
        kept = (
            f" The authorization evidence is kept until {report.evidence_kept_until:%Y-%m-%d}."
            if report.evidence_kept_until
            else ""
        )
        visits = (
            f" The contacts on {report.visits} of their visits were erased too."
            if report.visits
            else ""
        )
        self.message_user(
            request, f"Erased {len(report.erased)} stories.{visits}{kept}", messages.SUCCESS
        )
        return None

    # --- The review page -------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        review = path(
            "<int:object_id>/review/",
            self.admin_site.admin_view(self.review_view),
            name="testimonials_testimonial_review",
        )
        evidence_zip = path(
            "<int:object_id>/evidence/",
            self.admin_site.admin_view(self.evidence_view),
            name="testimonials_testimonial_evidence",
        )
        media = path(
            "<int:object_id>/media/<uuid:media_id>/",
            self.admin_site.admin_view(self.media_view),
            name="testimonials_testimonial_media",
        )
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="testimonials_testimonial_export",
        )
        return [review, evidence_zip, media, export, *super().get_urls()]

    # --- Export: the clinic's records, or leaving us ----------------------

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "can_export": can_export(request.user)}
        response = super().changelist_view(request, context)
        changelist = getattr(response, "context_data", None) or {}
        if "cl" in changelist:  # a page of stories, not a redirect or an action's answer
            access_log.stories_access_record(
                moderator=request.user,
                surface=AccessSurface.ADMIN_QUEUE,
                testimonial_public_ids=[story.public_id for story in changelist["cl"].result_list],
            )
        return response

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Published or all stories with their moderation history, as CSV or
        JSON; for clinic admins (it holds personal data), and recorded."""
        if not can_export(request.user):
            raise PermissionDenied
        scope = request.GET.get("status", "")
        file_format = request.GET.get("format", "")
        if scope not in ExportScope.values or file_format not in ("csv", "json"):
            messages.error(request, "Choose what to export and the format.")
            return HttpResponseRedirect(reverse("admin:testimonials_testimonial_changelist"))
        user = cast(User, request.user)
        out = io.StringIO()
        count = exports.export_write(
            scope=scope,
            within=staff_scope(user).filter(Testimonial.objects.all(), location="location"),
            file_format=file_format,
            out=out,
            actor=user,
            actor_label=user.get_username(),
        )
        access_log.export_access_record(
            moderator=user,
            surface=AccessSurface.EXPORT,
            export=f"{scope}/{file_format}",
            count=count,
        )
        content_type = "text/csv" if file_format == "csv" else "application/json"
        response = HttpResponse(out.getvalue(), content_type=f"{content_type}; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        name = f"testimonials-{scope}-{stamp}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id.isdigit():
            return HttpResponseRedirect(review_url(int(object_id)))
        return super().change_view(request, object_id, form_url, extra_context)
