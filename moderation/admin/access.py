"""The access log in the admin (`StoryAccess`): read-only, filtered by
moderator, surface and date, and its filtered rows exported as CSV (the
export is itself recorded). For clinic admins, like the exports of stories."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from moderation import access_log
from moderation.accounts.permissions import can_export
from moderation.accounts.scopes import staff_scope
from moderation.admin.read_only import ReadOnlyModelAdmin
from moderation.models import StoryAccess


@admin.register(StoryAccess)
class StoryAccessAdmin(ReadOnlyModelAdmin[StoryAccess]):
    """Append-only: no add, change or delete, and no bulk delete action."""

    list_display = [
        "accessed_at",
        "moderator_label",
        "surface",
        "story_link",
        "story_count",
        "export",
        "request_id",
    ]
    list_filter = [("moderator", admin.RelatedOnlyFieldListFilter), "surface", "accessed_at"]
    search_fields = ["testimonial_public_id", "moderator_label", "request_id"]
    date_hierarchy = "accessed_at"
    change_list_template = "admin/moderation/storyaccess_changelist.html"
    list_per_page = 100

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_export(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StoryAccess]:
        return access_log.accesses_in_scope(
            super().get_queryset(request), staff_scope(request.user)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_export(request.user)

    @admin.display(description="Story", ordering="testimonial_public_id")
    def story_link(self, obj: StoryAccess) -> str:
        if obj.testimonial_public_id is None:
            return "—"
        queue = reverse("admin:testimonials_testimonial_changelist")
        query = urlencode({"q": str(obj.testimonial_public_id), "status": "all"})
        return format_html('<a href="{}?{}">{}</a>', queue, query, obj.testimonial_public_id)

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="moderation_storyaccess_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        export_url = reverse("admin:moderation_storyaccess_export")
        if request.GET:
            export_url += "?" + request.GET.urlencode()
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export_url})

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The rows the list shows with the same filters, search and
        ordering, every page of them, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        accesses = self.get_changelist_instance(request).get_queryset(request)
        lines = access_log.access_log_export(accesses=accesses, moderator=request.user)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="story-accesses-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response
