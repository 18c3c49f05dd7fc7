"""Moderators' API tokens in the admin: issue one (its key shown once, on
a page of its own), list them with their use and expiry, revoke them.
Never the key or its hash."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from moderation.accounts import api_tokens
from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import staff_scope
from moderation.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin[ApiToken]):
    """Clinic admins and superusers (the model's permissions); a token is
    never edited or deleted, only revoked, so the list keeps its history.
    An organisation admin sees and issues only their organisation's staff's."""

    scope_staff = "user__"

    list_display = ["name", "user", "created_at", "expires_at", "last_used_at", "state"]
    list_filter = ["revoked_because", "expires_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke_tokens"]

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ["user", "name"]
        return [
            "name",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
        ]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return []
        return self.get_fields(request, obj)  # type: ignore[no-untyped-call]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                staff_scope(request.user).staff_q(), is_active=True, is_staff=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="State")
    def state(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return f"ended: {obj.get_revoked_because_display()}"
        if obj.expires_at <= timezone.now():
            return "expired"
        return "active"

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only once issued
        request._issued_api_key = api_tokens.token_prepare(obj)  # type: ignore[attr-defined]
        obj.save()

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        key = getattr(request, "_issued_api_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/moderation/apitoken/key_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{obj.name}: the new API token",
                "token_obj": obj,
                "key": key,
                "opts": ApiToken._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        ended = sum(api_tokens.token_revoke(token=token) for token in queryset)
        self.message_user(request, f"{ended} revoked.", messages.SUCCESS)
