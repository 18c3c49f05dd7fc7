"""Organisations in the admin: each organisation's name, logo, colours and
defaults (empty fields inherit: `testimonials.places.settings`). Locations,
with the days a location sets where the law of its state differs, are in
`moderation.admin.places_import` with their import from CSV."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from moderation.accounts.scoped_admin import ScopedAdmin
from testimonials.models import Organisation
from testimonials.publishing import generation

OVERRIDES = (
    "personal_data_retention_days",
    "authorization_retention_days",
    "authorization_default_days",
    "authorization_max_days",
)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin[Organisation]):
    """Superusers: every organisation, and only they add or delete one; an
    organisation admin: their own (`scoped_admin`)."""

    scope_administered = "pk"
    list_display = ["name", "slug", "default_publishing_mode", "accent_colour", "text_colour"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        ("Public pages and widget", {"fields": ["logo_url", "accent_colour", "text_colour"]}),
        ("New topics", {"fields": ["default_publishing_mode"]}),
        (
            "Retention and authorization terms",
            {
                "fields": list(OVERRIDES),
                "description": "Empty: the installation's settings. A location may set its own.",
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Cached education pages show the name, logo and colours' stylesheet.
        transaction.on_commit(generation.publication_cache_bump)
