"""Topics, consent texts and authorizations in the admin."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.urls import URLPattern, path

from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.admin.honest import transparency_report_view
from moderation.admin.read_only import ReadOnlyModelAdmin
from moderation.admin.widget_builder import widget_builder_view
from testimonials.consent import consent_terms
from testimonials.models import (
    Authorization,
    ConsentText,
    Organisation,
    PublishingMode,
    Topic,
)
from testimonials.places.settings import default_publishing_mode
from testimonials.publishing import generation


class TopicAddForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new topic starts with its organisation's publishing mode unless
    another is chosen."""

    publishing_mode = forms.ChoiceField(
        choices=[("", "The organisation's default"), *PublishingMode.choices],
        required=False,
        help_text=Topic._meta.get_field("publishing_mode").help_text,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("publishing_mode"):
            data["publishing_mode"] = default_publishing_mode(data.get("organisation"))
        return data


@admin.register(Topic)
class TopicAdmin(ScopedAdmin[Topic]):
    list_display = [
        "title",
        "slug",
        "open_for_submissions",
        "publishing_mode",
        "languages",
        "created_at",
    ]
    list_filter = ["open_for_submissions", "publishing_mode"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    change_list_template = "admin/testimonials/topic/change_list.html"
    scope_topic = ""

    def get_urls(self) -> list[URLPattern]:
        report = path(
            "transparency/",
            self.admin_site.admin_view(transparency_report_view),
            name="testimonials_topic_transparency",
        )
        builder = path(
            "widget-builder/",
            self.admin_site.admin_view(widget_builder_view),
            name="testimonials_topic_widget_builder",
        )
        return [report, builder, *super().get_urls()]

    def save_model(self, request: HttpRequest, obj: Topic, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The published list tells readers the mode, the education page shows
        # the whole topic: cached answers and their ETags must move on.
        transaction.on_commit(generation.publication_cache_bump)

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = TopicAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The slug is in every embed code, feed and page address websites use.
        if obj is not None and obj.pk is not None:
            return ["slug"]
        return []

    def get_prepopulated_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return {} if obj is not None and obj.pk is not None else self.prepopulated_fields

    def get_exclude(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A single-clinic installation never has to pick its one organisation.
        if Organisation.objects.count() <= 1:
            return ["organisation"]
        return []


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin[ConsentText]):
    """The consent template: its text and the elements every authorization
    states. Adding a version supersedes the current one; a version is never
    edited (the model refuses it once patients agreed to it)."""

    list_display = ["version", "organisation", "created_at", "superseded_at"]
    list_filter = ["organisation"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A version patients agreed to is never edited: supersede it instead.
        if obj is not None and obj.pk is not None:
            return [*ConsentText.TEMPLATE_FIELDS, "organisation", "created_at", "superseded_at"]
        return ["created_at"]

    def save_model(self, request: HttpRequest, obj: ConsentText, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            consent_terms.consent_text_supersede_others(consent_text=obj)


@admin.register(Authorization)
class AuthorizationAdmin(ScopedAdmin[Authorization], ReadOnlyModelAdmin[Authorization]):
    """Patients' authorizations: evidence, read-only. Rows change only
    through the services (a new row supersedes the old one)."""

    list_display = [
        "created_at",
        "testimonial_public_id",
        "basis",
        "channel_list",
        "expires_at",
        "revoked_at",
        "superseded_at",
        "retain_until",
    ]
    list_filter = ["basis", "revocation", "signer_role", "signature_method"]
    search_fields = ["testimonial_public_id", "public_id", "content_sha256"]
    date_hierarchy = "created_at"
    exclude = ["testimonial", "parent"]
    scope_location = "testimonial__location"

    @admin.display(description="Channels")
    def channel_list(self, obj: Authorization) -> str:
        return ", ".join(obj.channels)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Authorization._meta.fields if f.name not in self.exclude]
