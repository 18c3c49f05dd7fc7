"""Read-only records in the admin: moderators' notes and the log of
every export of stories."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moderation.accounts.permissions import can_export
from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.admin.read_only import ReadOnlyModelAdmin
from moderation.models import ModeratorNote
from testimonials.models import DataExport


@admin.register(ModeratorNote)
class ModeratorNoteAdmin(ScopedAdmin[ModeratorNote], ReadOnlyModelAdmin[ModeratorNote]):
    list_display = ["created_at", "author_label", "testimonial"]
    scope_location = "testimonial__location"


@admin.register(DataExport)
class DataExportAdmin(ScopedAdmin[DataExport], ReadOnlyModelAdmin[DataExport]):
    """The record of every export of stories: read-only, for clinic admins;
    an organisation admin's, of their organisation's staff."""

    scope_staff = "actor__"

    list_display = ["created_at", "actor_label", "scope", "format", "count"]
    list_filter = ["scope", "format", "created_at"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_export(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_export(request.user)
