"""The moderators' workspace in the Django admin. Every decision calls the
same services as the moderation API; nothing here writes a status itself."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from moderation import services
from moderation.permissions import MODERATE_PERMISSION, moderator_of
from testimonials.errors import ApplicationError
from testimonials.models import RejectionReason, Status, StatusChange, Testimonial


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


class StatusChangeInline(admin.TabularInline[StatusChange, Testimonial]):
    model = StatusChange
    fields = ("created_at", "from_status", "to_status", "actor_label", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin[Testimonial]):
    action_form = DecisionActionForm
    actions = ["approve_selected", "approve_with_suggestion", "reject_selected"]
    list_display = [
        "short_body",
        "topic",
        "status",
        "risk_score",
        "flag_badges",
        "rating",
        "created_at",
    ]
    list_filter = [QueueStatusFilter, "topic", "rating"]
    search_fields = ["body", "public_id"]
    ordering = ["-risk_score", "created_at"]
    list_select_related = ["topic"]
    inlines = [StatusChangeInline]
    readonly_fields = (
        "public_id",
        "topic",
        "status",
        "body_highlighted",
        "flags_explained",
        "suggested_body",
        "risk_score",
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
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    @admin.display(description="Story")
    def short_body(self, obj: Testimonial) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:77] + "…"

    @admin.display(description="Flags")
    def flag_badges(self, obj: Testimonial) -> str:
        kinds = sorted({flag["kind"] for flag in obj.screening_flags})
        return format_html_join(
            " ", '<span class="flag-badge">{}</span>', ((kind,) for kind in kinds)
        )

    @admin.display(description="Story, with what screening found marked")
    def body_highlighted(self, obj: Testimonial) -> SafeString:
        return highlight(obj.body, obj.screening_flags)

    @admin.display(description="Screening flags")
    def flags_explained(self, obj: Testimonial) -> str:
        if not obj.screening_flags:
            return "None"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> ({}): {} <q>{}</q></li>",
                (
                    (
                        flag["kind"],
                        flag["severity"],
                        flag["detail"],
                        obj.body[flag["start"] : flag["end"]]
                        if flag.get("start") is not None
                        else "",
                    )
                    for flag in obj.screening_flags
                ),
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stories come from patients, never from the admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removal is a status change with an audit record

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)

    @admin.action(description="Approve and publish the selected stories", permissions=["moderate"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Testimonial]) -> None:
        self._decide(
            request,
            queryset,
            lambda t: services.testimonial_approve(
                public_id=t.public_id,
                moderator=moderator_of(request),
            ),
            "approved",
        )

    @admin.action(
        description="Approve with screening's suggested redaction", permissions=["moderate"]
    )
    def approve_with_suggestion(
        self, request: HttpRequest, queryset: QuerySet[Testimonial]
    ) -> None:
        self._decide(
            request,
            queryset,
            lambda t: services.testimonial_approve(
                public_id=t.public_id,
                moderator=moderator_of(request),
                use_suggested_body=True,
            ),
            "approved with the suggested redaction",
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
        self._decide(
            request,
            queryset,
            lambda t: services.testimonial_reject(
                public_id=t.public_id,
                moderator=moderator_of(request),
                reason=reason,
                note=note,
            ),
            "rejected",
        )

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Testimonial], decide: Any, verb: str
    ) -> None:
        done, refused = 0, []
        for testimonial in queryset:
            try:
                decide(testimonial)
                done += 1
            except ApplicationError as exc:
                refused.append(f"{testimonial.public_id}: {exc.message}")
        if done:
            self.message_user(request, f"{done} {verb}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)


def highlight(body: str, flags: list[dict[str, Any]]) -> SafeString:
    """The body, escaped, with each flagged span in a <mark> naming its kind."""
    spans = sorted(
        (flag["start"], flag["end"], flag.get("entity") or flag["kind"])
        for flag in flags
        if isinstance(flag.get("start"), int) and isinstance(flag.get("end"), int)
    )
    parts: list[str] = []
    position = 0
    for start, end, label in spans:
        if start < position:
            continue  # overlapping flags: the first one is marked
        parts.append(escape(body[position:start]))
        parts.append(f'<mark title="{escape(label)}">{escape(body[start:end])}</mark>')
        position = end
    parts.append(escape(body[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
