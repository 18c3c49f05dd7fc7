"""Sites in the admin: their API keys, webhook endpoints and deliveries."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import staff_scope
from moderation.admin.read_only import ReadOnlyModelAdmin
from testimonials.models import (
    Location,
    Organisation,
    PublicationEvent,
    Site,
    WebhookDelivery,
    WebhookEndpoint,
)
from testimonials.sites import site_keys, webhook_delivery

# --- Websites ----------------------------------------------------------------


class WebhookEndpointInline(admin.StackedInline[WebhookEndpoint, Site]):
    model = WebhookEndpoint
    fields = ["url", "events", "topic", "is_active", "secret"]
    readonly_fields = ["secret"]
    extra = 0
    formfield_overrides = {
        models.URLField: {"widget": AdminURLFieldWidget, "assume_scheme": "https"},
    }

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "events":
            return forms.MultipleChoiceField(
                label="Events",
                choices=PublicationEvent.choices,
                widget=forms.CheckboxSelectMultiple,
                initial=PublicationEvent.values,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _key_issued(request: HttpRequest, site: Site, key: str, *, title: str) -> HttpResponse:
    """The one page that ever shows a key."""
    response = TemplateResponse(
        request,
        "admin/testimonials/site/key_issued.html",
        {
            **admin.site.each_context(request),
            "title": title,
            "site_obj": site,
            "key": key,
            "opts": Site._meta,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    """Websites and their keys: clinic admins only (moderators have no
    permission on these models)."""

    list_display = [
        "name",
        "channel",
        "organisation",
        "location",
        "key_prefix",
        "key_state",
        "request_count",
        "last_used_at",
    ]
    search_fields = ["name"]
    actions = ["issue_new_key", "revoke_keys"]
    inlines = [WebhookEndpointInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Site]:
        # One organisation's admins never see another's sites or keys.
        queryset = super().get_queryset(request).select_related("organisation", "location")
        return staff_scope(request.user).filter_organisation(queryset, organisation="organisation")

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        scope = staff_scope(request.user)
        if db_field.name == "organisation":
            kwargs["queryset"] = scope.filter_organisation(
                Organisation.objects.all(), organisation="pk"
            )
        elif db_field.name == "location":
            kwargs["queryset"] = scope.filter_organisation(
                Location.objects.select_related("organisation"), organisation="organisation"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _place_fields(self) -> list[str]:
        """Organisation and location, where there is a choice: a
        single-clinic installation never has to pick its one place."""
        fields = []
        if Organisation.objects.count() > 1:
            fields.append("organisation")
        if Location.objects.count() > 1:
            fields.append("location")
        return fields

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ["name", "channel", *self._place_fields(), "allowed_origins"]
        return [
            "name",
            "channel",
            *self._place_fields(),
            "allowed_origins",
            "key_prefix",
            "key_issued_at",
            "revoked_at",
            "request_count",
            "last_used_at",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return []
        return [
            "key_prefix",
            "key_issued_at",
            "revoked_at",
            "request_count",
            "last_used_at",
            "created_at",
        ]

    @admin.display(description="Key")
    def key_state(self, obj: Site) -> str:
        return "active" if obj.is_active else "revoked"

    def save_model(self, request: HttpRequest, obj: Site, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        issued = site_keys.site_create(
            name=obj.name,
            allowed_origins=obj.allowed_origins,
            channel=obj.channel,
            organisation=obj.organisation if obj.organisation_id else None,
            location=obj.location,
        )
        # The admin goes on with `obj` (inlines, the log): make it the saved row.
        obj.pk = issued.site.pk
        obj.refresh_from_db()
        obj._state.adding = False
        request._issued_site_key = issued.key  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: Site, post_url_continue: str | None = None
    ) -> HttpResponse:
        key = getattr(request, "_issued_site_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        return _key_issued(request, obj, key, title=f"{obj.name}: its API key")

    @admin.action(description="Issue a new key (the old one stops working)")
    def issue_new_key(self, request: HttpRequest, queryset: QuerySet[Site]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one site.", messages.ERROR)
            return None
        site = queryset.get()
        issued = site_keys.site_key_rotate(site=site)
        return _key_issued(request, issued.site, issued.key, title=f"{site.name}: its new API key")

    @admin.action(description="Revoke the selected sites' keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[Site]) -> None:
        for site in queryset:
            site_keys.site_revoke(site=site)
        self.message_user(request, f"{queryset.count()} revoked.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ScopedAdmin[WebhookDelivery], ReadOnlyModelAdmin[WebhookDelivery]):
    """The delivery log. Read-only; a delivery is sent again as a new one."""

    list_display = [
        "created_at",
        "site",
        "event",
        "story",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "delivered_at",
    ]
    # Not by site: the filter would list every organisation's sites.
    list_filter = ["status", "change__event"]
    scope_organisation = "endpoint__site__organisation"
    list_select_related = ["endpoint__site", "change"]
    search_fields = ["public_id", "change__public_id"]
    actions = ["resend"]
    readonly_fields = (
        "public_id",
        "site",
        "event",
        "story",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "resend_of",
        "created_at",
    )
    fields = readonly_fields

    @admin.display(description="Site", ordering="endpoint__site__name")
    def site(self, obj: WebhookDelivery) -> str:
        return format_html("{} <small>{}</small>", obj.endpoint.site.name, obj.endpoint.url)

    @admin.display(description="Event", ordering="change__event")
    def event(self, obj: WebhookDelivery) -> str:
        return obj.change.event

    @admin.display(description="Story")
    def story(self, obj: WebhookDelivery) -> str:
        return str(obj.change.public_id)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("testimonials.change_webhookdelivery")

    @admin.action(description="Send the selected deliveries again", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset.select_related("endpoint", "change"):
            webhook_delivery.webhook_delivery_resend(delivery=delivery)
        self.message_user(request, f"{queryset.count()} queued again.", messages.SUCCESS)
