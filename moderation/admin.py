"""The moderators' workspace in the Django admin. Every decision calls the
same services as the moderation API; nothing here writes a status itself."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from moderation import evidence, presentation, privacy, selectors, services
from moderation.models import ModeratorNote
from moderation.permissions import MODERATE_PERMISSION, can_export, moderator_of
from testimonials import disclosures, exports, transitions
from testimonials import selectors as testimonial_selectors
from testimonials.admin import ReadOnlyModelAdmin
from testimonials.errors import ApplicationError, FieldErrors
from testimonials.models import (
    DataExport,
    ExportScope,
    MaterialConnection,
    RejectionReason,
    Status,
    StatusChange,
    Testimonial,
)

admin.site.site_header = "Patient stories: moderation"
admin.site.site_title = "Patient stories"
admin.site.index_title = "Moderation workspace"
# The queue needs the width more than the app list does.
admin.site.enable_nav_sidebar = False

FLAG_KINDS = [
    ("pii", "Personal data"),
    ("profanity", "Profanity"),
    ("abuse", "Abuse"),
    ("spam", "Spam"),
    ("medical_claim", "Medical claim"),
    ("duplicate", "Duplicate"),
    ("language", "Language"),
    ("unscreened", "Not screened in its language"),
    ("screening_failed", "Screening failed"),
]


class DecisionActionForm(ActionForm):
    reason = forms.ChoiceField(
        choices=[("", "Rejection reason…"), *RejectionReason.choices], required=False
    )
    note = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "Note"}))


class QueueStatusFilter(admin.SimpleListFilter):
    """Opens on the review queue; every other status is one click away."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((s.value, s.label) for s in Status), ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        current = self.value() or Status.PENDING_REVIEW
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> QuerySet[Testimonial]:
        value = self.value() or Status.PENDING_REVIEW
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class FlagKindFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return FLAG_KINDS

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> QuerySet[Testimonial]:
        if not self.value():
            return queryset
        return queryset.filter(flag_kinds__contains=f",{self.value()},")


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
class TestimonialAdmin(admin.ModelAdmin[Testimonial]):
    action_form = DecisionActionForm
    actions = [
        "approve_low_risk",
        "approve_with_suggestion",
        "reject_as_spam",
        "reject_selected",
        "export_evidence",
        "erase_authors_data",
    ]
    list_display = ["short_body", "topic", "status", "risk_score", "flags", "age", "rating"]
    list_display_links = ["short_body"]
    list_filter = [QueueStatusFilter, FlagKindFilter, "topic", "rating", "created_at"]
    search_fields = ["body", "public_id"]
    ordering = ["-risk_score", "created_at"]
    list_select_related = ["topic"]
    list_per_page = 50
    inlines = [StatusChangeInline]
    change_list_template = "admin/moderation/testimonial_changelist.html"
    readonly_fields = (
        "public_id",
        "topic",
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

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)

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
            testimonials=stories, actor=transitions.Actor.for_user(cast(User, request.user))
        )
        kept = (
            f" The authorization evidence is kept until {report.evidence_kept_until:%Y-%m-%d}."
            if report.evidence_kept_until
            else ""
        )
        self.message_user(request, f"Erased {len(report.erased)} stories.{kept}", messages.SUCCESS)
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
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="testimonials_testimonial_export",
        )
        return [review, evidence_zip, export, *super().get_urls()]

    # --- Export: the clinic's records, or leaving us ----------------------

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "can_export": can_export(request.user)}
        return super().changelist_view(request, context)

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
        exports.export_write(
            scope=scope,
            file_format=file_format,
            out=out,
            actor=user,
            actor_label=user.get_username(),
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

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        testimonial = get_object_or_404(Testimonial, pk=object_id)
        if request.method == "POST":
            return self._decide_on_review_page(request, testimonial)
        testimonial = selectors.testimonial_for_moderator(public_id=testimonial.public_id)
        can_moderate = self.has_moderate_permission(request)
        claim = None
        if can_moderate and testimonial.status == Status.PENDING_REVIEW:
            claim = services.review_claim(testimonial=testimonial, moderator=moderator_of(request))
        flags = testimonial.screening_flags
        next_item = selectors.next_in_queue(after=testimonial)
        authorization = testimonial_selectors.authorization_state(testimonial)
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
                presentation.edit_diff(testimonial.body, testimonial.published_body)
                if testimonial.published_body
                else None
            ),
            "earlier": selectors.earlier_from_same_email(testimonial),
            "authorization": authorization,
            "authorization_history": testimonial_selectors.authorization_history(
                authorization.history
            ),
            "timeline": _timeline(testimonial),
            "reasons": disclosures.removal_reasons(testimonial.topic),
            "statements": disclosures.current_statements(testimonial.topic),
            "needs_typical_results": disclosures.needs_typical_results(testimonial),
            "shown_disclosures": disclosures.public_disclosures(testimonial),
            "connections": MaterialConnection.choices,
            "evidence_url": reverse(
                "admin:testimonials_testimonial_evidence", args=[testimonial.pk]
            ),
            "next_url": review_url(next_item.pk) if next_item else None,
            "queue_url": reverse("admin:testimonials_testimonial_changelist"),
        }
        return TemplateResponse(request, "admin/moderation/review.html", context)

    def _decide_on_review_page(
        self, request: HttpRequest, testimonial: Testimonial
    ) -> HttpResponse:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        moderator = moderator_of(request)
        action = request.POST.get("action", "")
        version = (
            int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        )
        reason = request.POST.get("reason", "")
        note = request.POST.get("note", "")
        # Disclosures chosen on the page; absent fields keep what is recorded.
        honest: dict[str, Any] = {
            "typical_results": request.POST.get("typical_results") or None,
            "material_connection": request.POST.get("material_connection"),
            "material_connection_detail": request.POST.get("material_connection_detail"),
        }
        # What every decision is told: which story, by whom, at which version seen.
        on_story: dict[str, Any] = {
            "public_id": testimonial.public_id,
            "moderator": moderator,
            "expected_version": version,
        }
        body = request.POST.get("body", "")
        decisions: dict[str, Callable[[], Any]] = {
            "approve": lambda: services.testimonial_approve(**on_story, **honest),
            "approve_edited": lambda: services.testimonial_approve(**on_story, body=body, **honest),
            "connection": lambda: services.testimonial_connection_set(
                **on_story,
                material_connection=request.POST.get("material_connection", ""),
                material_connection_detail=request.POST.get("material_connection_detail", ""),
            ),
            "reject": lambda: services.testimonial_reject(**on_story, reason=reason, note=note),
            "unpublish": lambda: services.testimonial_unpublish(
                **on_story, reason=reason, note=note
            ),
            "edit_published": lambda: services.testimonial_edit_published(**on_story, body=body),
            "feature": lambda: services.testimonial_feature(
                **on_story, featured=request.POST.get("featured") == "1"
            ),
            "reopen": lambda: services.testimonial_reopen(**on_story, note=note),
            "note": lambda: services.moderator_note_add(
                public_id=testimonial.public_id, moderator=moderator, text=note
            ),
            "skip": lambda: services.review_release(testimonial=testimonial, moderator=moderator),
        }
        if action not in decisions:
            messages.error(request, "Unknown action.")
            return HttpResponseRedirect(review_url(testimonial.pk))
        try:
            decisions[action]()
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
        next_item = selectors.next_in_queue(after=testimonial)
        if next_item is None:
            messages.info(request, "The queue is empty.")
            return HttpResponseRedirect(reverse("admin:testimonials_testimonial_changelist"))
        return HttpResponseRedirect(review_url(next_item.pk))

    # --- Bulk actions: each item is decided and audited on its own ---------

    @admin.action(description="Approve the selected low-risk stories", permissions=["moderate"])
    def approve_low_risk(self, request: HttpRequest, queryset: QuerySet[Testimonial]) -> None:
        moderator = moderator_of(request)
        limit = services.bulk_approve_max_risk()
        calm = [t for t in queryset if t.risk_score is not None and t.risk_score <= limit]
        skipped = len(queryset) - len(calm)
        self._decide_each(
            request,
            calm,
            lambda t: services.testimonial_approve(public_id=t.public_id, moderator=moderator),
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
                public_id=t.public_id, moderator=moderator, use_suggested_body=True
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
        testimonial = get_object_or_404(Testimonial, pk=object_id)
        response = self._evidence_response(request, testimonial)
        return response or HttpResponseRedirect(review_url(testimonial.pk))

    def _evidence_response(
        self, request: HttpRequest, testimonial: Testimonial
    ) -> HttpResponse | None:
        testimonial = selectors.testimonial_for_moderator(public_id=testimonial.public_id)
        try:
            archive = evidence.evidence_zip(
                testimonial=testimonial, generated_by=request.user.get_username()
            )
        except ApplicationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return None
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


def error_text(exc: ApplicationError) -> str:
    """What went wrong, in words: the field errors when there are any."""
    if isinstance(exc, FieldErrors):
        return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.fields.items())
    return exc.message


def review_url(testimonial_pk: int) -> str:
    return reverse("admin:testimonials_testimonial_review", args=[testimonial_pk])


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


# --- The audit trail -------------------------------------------------------


class AuditExportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("'From' must not be after 'To'.")
        return data


class _Echo:
    def write(self, value: str) -> str:
        return value


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyModelAdmin[StatusChange]):
    """Append-only: visible and exportable, never edited or deleted."""

    list_display = [
        "created_at",
        "testimonial_link",
        "from_status",
        "to_status",
        "actor_label",
        "reason",
    ]
    list_filter = ["to_status", "from_status", "created_at"]
    search_fields = ["actor_label", "reason", "testimonial__public_id"]
    date_hierarchy = "created_at"
    list_select_related = ["testimonial"]
    change_list_template = "admin/moderation/statuschange_changelist.html"

    @admin.display(description="Testimonial")
    def testimonial_link(self, obj: StatusChange) -> str:
        return format_html(
            '<a href="{}">{}</a>', review_url(obj.testimonial_id), obj.testimonial.public_id
        )

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="testimonials_statuschange_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        today = timezone.now().date()
        form = AuditExportForm(initial={"start": today - timedelta(days=30), "end": today})
        return super().changelist_view(request, {**(extra_context or {}), "export_form": form})

    def export_view(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AuditExportForm(request.GET)
        if not form.is_valid():
            messages.error(request, "Choose a valid date range to export.")
            return HttpResponseRedirect(reverse("admin:testimonials_statuschange_changelist"))
        start: date = form.cleaned_data["start"]
        end: date = form.cleaned_data["end"]
        writer = csv.writer(_Echo())
        header = ["at", "testimonial", "from_status", "to_status", "actor", "reason", "details"]

        def rows() -> Any:
            yield writer.writerow(header)
            for event in selectors.audit_events(start=start, end=end).iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        event.created_at.isoformat(),
                        event.testimonial.public_id,
                        event.from_status,
                        event.to_status,
                        event.actor_label,
                        event.reason,
                        event.details or "",
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{start}-to-{end}.csv"'
        return response


@admin.register(ModeratorNote)
class ModeratorNoteAdmin(ReadOnlyModelAdmin[ModeratorNote]):
    list_display = ["created_at", "author_label", "testimonial"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyModelAdmin[DataExport]):
    """The record of every export of stories: read-only, for clinic admins."""

    list_display = ["created_at", "actor_label", "scope", "format", "count"]
    list_filter = ["scope", "format", "created_at"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_export(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_export(request.user)


# The learned screening layer's models register their own admin.
from moderation.screening.learned import admin as learned_admin  # noqa: E402, F401
