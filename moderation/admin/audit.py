"""The audit trail in the admin: every status change, append-only, and
its export as CSV for a date range."""

import csv
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import staff_scope
from moderation.admin.common import review_url
from moderation.admin.read_only import ReadOnlyModelAdmin
from moderation.decisions import selectors
from testimonials.models import StatusChange


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
class StatusChangeAdmin(ScopedAdmin[StatusChange], ReadOnlyModelAdmin[StatusChange]):
    """Append-only: visible and exportable, never edited or deleted; the
    changes of the staff member's places' stories."""

    scope_location = "testimonial__location"

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
        today = timezone.localdate()  # the clinic's, as the admin runs in its time zone
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
        scope = staff_scope(request.user)
        writer = csv.writer(_Echo())
        header = ["at", "testimonial", "from_status", "to_status", "actor", "reason", "details"]

        def rows() -> Any:
            yield writer.writerow(header)
            for event in selectors.audit_events(start=start, end=end, scope=scope).iterator(
                chunk_size=2000
            ):
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
